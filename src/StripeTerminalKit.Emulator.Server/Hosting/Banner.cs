using StripeTerminalKit.Emulator.Server.CommandLine;
using StripeTerminalKit.Emulator.Server.Control;
using StripeTerminalKit.Emulator.Server.Diagnostics;

namespace StripeTerminalKit.Emulator.Server.Hosting;

/// <summary>
/// The start-up text. It goes straight to the console, not through the logger: it is the one
/// place a generated webhook secret is shown, once, so that logs never hold it.
/// </summary>
internal static class Banner
{
    /// <param name="output">Standard output.</param>
    /// <param name="address">Where the server listens.</param>
    /// <param name="seed">The emulator's seed.</param>
    /// <param name="settings">The parsed settings.</param>
    /// <param name="generatedSecret">The secret made for this run, or null when the user gave one
    /// (they know it, so it is not echoed).</param>
    public static async Task WriteAsync(TextWriter output, Uri address, int seed, ServerSettings settings, string? generatedSecret)
    {
        var apiBase = address.GetLeftPart(UriPartial.Authority);
        var lines = new List<string>
        {
            $"Stripe Terminal emulator {ControlEndpoints.Version} listening on {apiBase} (loopback only, test mode)",
            // No key-shaped text in the output, not even a placeholder: logs that carry the banner
            // are scanned for keys, and a made-up one would teach readers to paste keys into logs.
            $"  Stripe.net:      new StripeClient(<any sk_test_ key>, apiBase: \"{apiBase}\")",
            settings.Seed is null
                ? $"  Seed:            {seed}  (random; --seed {seed} repeats this run)"
                : $"  Seed:            {seed}",
            $"  Rate limits:     {RateLimits(settings.RateLimits)}",
            generatedSecret is null
                ? "  Webhook secret:  the one you supplied"
                : $"  Webhook secret:  {generatedSecret}  (generated test secret for this run; signs emulator events only)",
        };

        lines.AddRange(settings.WebhookUrls.Select(url => $"  Webhooks to:     {Log.Redact(url)}"));
        lines.Add(settings.AllowRemoteWebhooks
            ? "  Webhook URLs:    any host (--allow-remote-webhooks): signed events may leave this machine"
            : "  Webhook URLs:    this machine only (localhost, 127.x.x.x, [::1])");
        lines.Add($"  Health:          {apiBase}{ControlEndpoints.Prefix}/health");
        lines.Add("Press Ctrl+C to stop.");

        foreach (var line in lines)
        {
            await output.WriteLineAsync(line).ConfigureAwait(false);
        }

        await output.FlushAsync().ConfigureAwait(false);
    }

    private static string RateLimits(EmulatorRateLimits? limits) => limits is null
        ? "off"
        : $"{limits.GlobalPerSecond}/s overall, {limits.PerEndpointPerSecond}/s per endpoint (429 rate_limit beyond)";
}
