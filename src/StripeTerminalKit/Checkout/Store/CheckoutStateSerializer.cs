using System.Text.Json;

namespace StripeTerminalKit.Checkout;

/// <summary>
/// The stored form of a checkout (<see cref="CheckoutRecord.StateJson"/>): the v2 document
/// (<see cref="CheckoutDocument"/>) is written; v2 and v1 are read; a document from a later
/// version of the library is refused with <see cref="CheckoutDocumentException"/>, never misread.
/// The JSON is source-generated (<see cref="CheckoutDocumentJsonContext"/>): no reflection, so it
/// works in trimmed and native-AOT apps.
/// </summary>
internal static class CheckoutStateSerializer
{
    /// <summary>The document version this library writes.</summary>
    public const int Version = 2;

    public static string Serialize(in CheckoutMachineState state) =>
        JsonSerializer.Serialize(CheckoutDocumentMapping.ToDocument(in state, Version), CheckoutDocumentJsonContext.Default.CheckoutDocument);

    /// <summary>The store's record of <paramref name="state"/>: the document and the columns a store filters on.</summary>
    // A capture, void or refund in flight keeps the record unfinished: listed for resumption after a
    // crash (with no request from the POS), never retired, until Stripe's answer is saved.
    // The document is written when a store reads it (StoredDocument).
    public static CheckoutRecord Record(in CheckoutMachineState state, bool completed, long version, DateTimeOffset at) =>
        new(state.Request.CheckoutId, state.Request.ReaderId, state.PublicState, completed && state.Operation == PostOperation.None, StoredDocument.Of(in state), version, at)
        {
            Owner = state.Request.Owner,
        };

    /// <exception cref="CheckoutDocumentException">The text is not a checkout document this version can read.</exception>
    public static CheckoutMachineState Deserialize(string json)
    {
        int version;
        JsonDocument parsed;
        try
        {
            parsed = JsonDocument.Parse(json);
        }
        catch (JsonException exception)
        {
            throw new CheckoutDocumentException("The stored checkout is not JSON.", exception);
        }

        using (parsed)
        {
            var root = parsed.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("v", out var v) || v.ValueKind != JsonValueKind.Number || !v.TryGetInt32(out version))
            {
                throw new CheckoutDocumentException("The stored checkout has no document version (\"v\").");
            }

            if (version > Version)
            {
                throw new CheckoutDocumentException(
                    $"The stored checkout is document version {version}, written by a later version of StripeTerminalKit; this one reads versions 1 to {Version}. Upgrade the library (never downgrade it past a version that wrote checkouts still in the store).")
                {
                    DocumentVersion = version,
                };
            }

            try
            {
                return version switch
                {
                    1 => CheckoutDocumentV1.Read(root),
                    2 => CheckoutDocumentMapping.ToState(root.Deserialize(CheckoutDocumentJsonContext.Default.CheckoutDocument) ?? throw new JsonException("null document")),
                    _ => throw new CheckoutDocumentException($"The stored checkout has document version {version}, which no version of StripeTerminalKit wrote.") { DocumentVersion = version },
                };
            }
            catch (Exception exception) when (exception is JsonException or FormatException or NotSupportedException or InvalidOperationException)
            {
                throw new CheckoutDocumentException($"The stored checkout (document version {version}) cannot be read: {exception.Message}", exception)
                {
                    DocumentVersion = version,
                };
            }
        }
    }
}
