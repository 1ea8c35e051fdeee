using System.Globalization;
using System.Text;
using StripeTerminalKit.Resilience;

namespace StripeTerminalKit;

/// <summary>
/// Settings for one Stripe Terminal configuration (one Stripe account). Bound from the
/// <c>StripeTerminal</c> configuration section (or <c>StripeTerminal:{name}</c> for a named
/// configuration) and validated at start-up.
/// </summary>
/// <example>
/// <code>
/// "StripeTerminal": {
///   "ApiKey": "sk_test_…",
///   "Country": "AU",
///   "AttemptTimeout": "00:00:30"
/// }
/// </code>
/// </example>
public sealed class StripeTerminalOptions
{
    /// <summary>The configuration section bound by default: <c>StripeTerminal</c>.</summary>
    public const string ConfigurationSectionName = "StripeTerminal";

    /// <summary>The API key used when the emulator is on and no key was configured.</summary>
    public const string EmulatorApiKey = "sk_test_emulator";

    /// <summary>
    /// The secret (<c>sk_test_…</c>, <c>sk_live_…</c>) or restricted (<c>rk_…</c>) API key.
    /// Never written to logs, exception messages or <see cref="ToString"/>.
    /// </summary>
    public string? ApiKey { get; set; }

    /// <summary>
    /// The country of the Stripe account (ISO 3166-1 alpha-2, such as <c>AU</c>). Decides the
    /// allowed currencies and the payment defaults (Australia: <c>manual_preferred</c> so eftpos works).
    /// </summary>
    public string? Country { get; set; }

    /// <summary>The currency used when a request names none; defaults to the country's currency.</summary>
    public string? DefaultCurrency { get; set; }

    /// <summary>
    /// The connected account (<c>acct_…</c>) every call acts for, sent as <c>Stripe-Account</c>.
    /// A call can override it with <see cref="TerminalCallOptions.ConnectedAccount"/>.
    /// </summary>
    public string? ConnectedAccount { get; set; }

    /// <summary>
    /// Overrides Stripe's API base address (for example a <c>stripe-mock</c> or emulator server).
    /// Left unset, the kit talks to <c>https://api.stripe.com</c>, or to the in-process emulator when it is on.
    /// </summary>
    public Uri? ApiBase { get; set; }

    /// <summary>
    /// Says the configuration runs on the in-process emulator: no network, no Stripe account. Set by
    /// <c>UseEmulator()</c> from the <c>StripeTerminalKit.Emulator</c> package, which the kit does not
    /// depend on; turned on without that call (in configuration, say), start-up fails with a message
    /// naming the fix.
    /// </summary>
    public bool UseEmulator { get; set; }

    /// <summary>The time one HTTP attempt may take before it is abandoned and retried. Default 30 seconds.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The time one call may take across all its retries. Default 2 minutes.</summary>
    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How often a reader is polled while waiting for its action to finish. Default 1 second.</summary>
    public TimeSpan ReaderPollInterval { get; set; } = Polling.PollingDefaults.ActionWait;

    /// <summary>How long waiting for a reader action may take by default. Default 5 minutes.</summary>
    public TimeSpan ReaderActionTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The retry settings of the resilience pipeline.</summary>
    public StripeTerminalRetryOptions Retry { get; set; } = new();

    /// <summary>A description of the settings with the API key reduced to its mode.</summary>
    /// <returns>The description; it never contains the key.</returns>
    public override string ToString()
    {
        var builder = new StringBuilder("StripeTerminalOptions { ApiKey = ");
        builder.Append(DescribeKey(ApiKey));
        builder.Append(CultureInfo.InvariantCulture, $", Country = {Country ?? "(none)"}");
        builder.Append(CultureInfo.InvariantCulture, $", DefaultCurrency = {DefaultCurrency ?? "(country default)"}");
        builder.Append(CultureInfo.InvariantCulture, $", ConnectedAccount = {ConnectedAccount ?? "(none)"}");
        builder.Append(CultureInfo.InvariantCulture, $", ApiBase = {ApiBase?.ToString() ?? "(default)"}");
        builder.Append(CultureInfo.InvariantCulture, $", UseEmulator = {UseEmulator}");
        builder.Append(CultureInfo.InvariantCulture, $", AttemptTimeout = {AttemptTimeout}, TotalTimeout = {TotalTimeout}");
        builder.Append(CultureInfo.InvariantCulture, $", Retry = {Retry} }}");
        return builder.ToString();
    }

    /// <summary>The key's kind and mode only, such as <c>secret test key (redacted)</c>.</summary>
    internal static string DescribeKey(string? apiKey)
    {
        if (string.IsNullOrEmpty(apiKey))
        {
            return "(none)";
        }

        var kind = apiKey.StartsWith("rk_", StringComparison.Ordinal) ? "restricted"
            : apiKey.StartsWith("sk_", StringComparison.Ordinal) ? "secret"
            : "unrecognised";
        var mode = apiKey.Contains("_live_", StringComparison.Ordinal) ? "live"
            : apiKey.Contains("_test_", StringComparison.Ordinal) ? "test"
            : "unknown-mode";
        return $"{kind} {mode} key (redacted)";
    }

    /// <summary>Whether the key is a live-mode key.</summary>
    internal bool IsLiveMode => ApiKey?.Contains("_live_", StringComparison.Ordinal) == true;
}
