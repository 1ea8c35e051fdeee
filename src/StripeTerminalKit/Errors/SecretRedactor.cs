using System.Text.RegularExpressions;

namespace StripeTerminalKit.Errors;

/// <summary>
/// Scrubs anything shaped like a Stripe secret from text that the kit did not write itself
/// (Stripe's error messages echo a masked key on 401, proxies echo headers, …).
/// </summary>
internal static partial class SecretRedactor
{
    public const string Replacement = "[redacted]";

    // API keys (secret, restricted, publishable), webhook secrets, intent client secrets,
    // and bearer credentials in echoed headers.
    [GeneratedRegex(
        @"(?:\b(?:sk|rk|pk)_(?:test|live)_[A-Za-z0-9*]+)|(?:\bwhsec_[A-Za-z0-9+/=]+)|(?:\b(?:pi|seti)_[A-Za-z0-9]+_secret_[A-Za-z0-9]+)|(?:Bearer\s+\S+)",
        RegexOptions.CultureInvariant,
        matchTimeoutMilliseconds: 1000)]
    private static partial Regex SecretPattern();

    public static string Redact(string? text) =>
        string.IsNullOrEmpty(text) ? string.Empty : SecretPattern().Replace(text, Replacement);
}
