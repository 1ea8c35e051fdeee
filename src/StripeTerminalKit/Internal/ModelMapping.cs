namespace StripeTerminalKit.Internal;

/// <summary>Small conversions shared by the modules' Stripe.net → kit model mappings.</summary>
internal static class ModelMapping
{
    private static readonly IReadOnlyDictionary<string, string> Empty = new Dictionary<string, string>(0);

    /// <summary>A read-only copy, so a caller cannot mutate the Stripe.net object behind the model.</summary>
    public static IReadOnlyDictionary<string, string> Metadata(Dictionary<string, string>? metadata) =>
        metadata is null || metadata.Count == 0 ? Empty : new Dictionary<string, string>(metadata, StringComparer.Ordinal).AsReadOnly();

    public static DateTimeOffset? ToOffset(DateTime? value) =>
        value is { } v ? new DateTimeOffset(DateTime.SpecifyKind(v, DateTimeKind.Utc)) : null;
}
