namespace StripeTerminalKit.Webhooks;

/// <summary>
/// How incoming Stripe webhooks are verified and deduplicated. Bound from the
/// <c>StripeWebhooks</c> configuration section by <c>AddStripeTerminalWebhooks</c> and validated at start-up.
/// </summary>
/// <example>
/// <code>
/// "StripeWebhooks": {
///   "SigningSecrets": [ "whsec_…new", "whsec_…old" ],
///   "Tolerance": "00:05:00"
/// }
/// </code>
/// </example>
public sealed class StripeWebhookOptions
{
    /// <summary>The configuration section bound by default: <c>StripeWebhooks</c>.</summary>
    public const string ConfigurationSectionName = "StripeWebhooks";

    /// <summary>
    /// The endpoint signing secrets (<c>whsec_…</c>). During a secret rotation Stripe signs with
    /// both the old and the new secret: list both and a request signed by either is accepted.
    /// </summary>
    public IList<string> SigningSecrets { get; } = [];

    /// <summary>How far an event's signed timestamp may be from now (Stripe's default: 5 minutes). Older deliveries are refused as replays.</summary>
    public TimeSpan Tolerance { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The largest body accepted, in bytes. Stripe's Terminal events are a few kilobytes.</summary>
    public int MaxBodyBytes { get; set; } = 512 * 1024;

    /// <summary>
    /// The most event ids remembered to drop duplicate deliveries. Ids are remembered by time:
    /// each for twice <see cref="Tolerance"/> after it was handled (a signed delivery is accepted
    /// while its timestamp is within ±<see cref="Tolerance"/>, so a replay of the same bytes can
    /// arrive up to that long after), then forgotten. This cap is only a backstop on memory
    /// (about 200 bytes an id, so some 40 MB when full): with the default 5-minute tolerance it
    /// is reached only above 330 events a second sustained for 10 minutes, more than an account
    /// inside Stripe's default live-mode rate limits raises. Past it the oldest id is forgotten.
    /// Read once, when the processor is built.
    /// </summary>
    public int DeduplicationCapacity { get; set; } = 200_000;

    /// <summary>The configuration path the options were bound from, for start-up messages.</summary>
    internal string? SectionPath { get; set; }

    /// <summary>Says how many secrets are set, never what they are.</summary>
    public override string ToString() =>
        $"StripeWebhookOptions {{ SigningSecrets = [{SigningSecrets.Count} redacted], Tolerance = {Tolerance}, MaxBodyBytes = {MaxBodyBytes} }}";
}
