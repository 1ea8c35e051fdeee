namespace StripeTerminalKit.Webhooks;

/// <summary>How incoming Stripe webhooks are verified and deduplicated.</summary>
public sealed class StripeWebhookOptions
{
    /// <summary>
    /// The endpoint signing secrets (<c>whsec_…</c>). During a secret rotation Stripe signs with
    /// both the old and the new secret: list both and a request signed by either is accepted.
    /// </summary>
    public IList<string> SigningSecrets { get; } = [];

    /// <summary>How far an event's signed timestamp may be from now (Stripe's default: 5 minutes). Older deliveries are refused as replays.</summary>
    public TimeSpan Tolerance { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The largest body accepted, in bytes. Stripe's Terminal events are a few kilobytes.</summary>
    public int MaxBodyBytes { get; set; } = 512 * 1024;

    /// <summary>How many recent event ids are remembered to drop duplicate deliveries.</summary>
    public int DeduplicationCapacity { get; set; } = 10_000;

    /// <summary>Says how many secrets are set, never what they are.</summary>
    public override string ToString() =>
        $"StripeWebhookOptions {{ SigningSecrets = [{SigningSecrets.Count} redacted], Tolerance = {Tolerance}, MaxBodyBytes = {MaxBodyBytes} }}";
}
