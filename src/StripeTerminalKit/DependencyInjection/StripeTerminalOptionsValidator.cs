using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using StripeTerminalKit.Validation;

namespace StripeTerminalKit.DependencyInjection;

/// <summary>
/// Validates <see cref="StripeTerminalOptions"/> at start-up. Every message names the setting by
/// its configuration path (<c>StripeTerminal:ApiKey</c>, <c>StripeTerminal:shop2:Country</c>) and
/// never repeats the API key.
/// </summary>
internal sealed partial class StripeTerminalOptionsValidator(IOptionsMonitor<StripeTerminalKitHooks> hooks) : IValidateOptions<StripeTerminalOptions>
{
    private static readonly TimeSpan MinTimeout = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan MaxTimeout = TimeSpan.FromHours(24);

    [GeneratedRegex("^(?:sk|rk)_(?:test|live)_[A-Za-z0-9]+$", RegexOptions.CultureInvariant)]
    private static partial Regex KeyShape();

    public ValidateOptionsResult Validate(string? name, StripeTerminalOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var section = StripeTerminalKitNames.SectionPath(name);
        var failures = new List<string>();
        void Fail(string setting, string message) => failures.Add($"{section}:{setting} {message}");

        // The kit does not carry the emulator: the switch alone (StripeTerminal:UseEmulator=true)
        // would otherwise send "payments" nowhere, so it needs the emulator package's UseEmulator().
        if (options.UseEmulator && hooks.Get(name ?? Options.DefaultName).InProcessHandler is null)
        {
            Fail("UseEmulator", "is on but no emulator is registered for this configuration: add the StripeTerminalKit.Emulator package and call UseEmulator() on the builder that AddStripeTerminalKit returns, or turn UseEmulator off and set ApiKey.");
        }

        ValidateKey(options, Fail);

        if (string.IsNullOrWhiteSpace(options.Country))
        {
            Fail("Country", "is required: the ISO 3166-1 alpha-2 country of the Stripe account, such as 'AU'.");
        }
        else if (!TerminalCountries.IsSupported(options.Country))
        {
            Fail("Country", $"'{options.Country}' is not a country where Stripe Terminal is available (supported: {string.Join(", ", TerminalCountries.Supported.Order(StringComparer.Ordinal))}).");
        }
        else if (options.DefaultCurrency is not null)
        {
            if (!TerminalCurrencies.IsIso4217(options.DefaultCurrency))
            {
                Fail("DefaultCurrency", $"'{options.DefaultCurrency}' is not an ISO 4217 currency code.");
            }
            else if (!TerminalCountries.SupportsCurrency(options.Country, options.DefaultCurrency))
            {
                Fail("DefaultCurrency", $"'{options.DefaultCurrency}' is not supported for Terminal in {options.Country.ToUpperInvariant()} (supported: {string.Join(", ", TerminalCountries.GetCurrencies(options.Country))}).");
            }
        }

        if (options.ConnectedAccount is not null
            && (!options.ConnectedAccount.StartsWith("acct_", StringComparison.Ordinal) || options.ConnectedAccount.Length < 6
                || options.ConnectedAccount.Any(c => !(char.IsAsciiLetterOrDigit(c) || c == '_'))))
        {
            Fail("ConnectedAccount", "must be a Stripe account id starting with 'acct_'.");
        }

        if (options.ApiBase is not null
            && (!options.ApiBase.IsAbsoluteUri || (options.ApiBase.Scheme != Uri.UriSchemeHttps && options.ApiBase.Scheme != Uri.UriSchemeHttp)))
        {
            Fail("ApiBase", "must be an absolute http or https address.");
        }

        CheckTimeout("AttemptTimeout", options.AttemptTimeout, Fail);
        CheckTimeout("TotalTimeout", options.TotalTimeout, Fail);
        if (options.AttemptTimeout > options.TotalTimeout)
        {
            Fail("AttemptTimeout", "must not be longer than TotalTimeout.");
        }

        if (options.ReaderPollInterval <= TimeSpan.Zero)
        {
            Fail("ReaderPollInterval", "must be positive.");
        }

        if (options.ReaderActionTimeout <= TimeSpan.Zero)
        {
            Fail("ReaderActionTimeout", "must be positive.");
        }
        else if (options.ReaderPollInterval > options.ReaderActionTimeout)
        {
            Fail("ReaderPollInterval", "must not be longer than ReaderActionTimeout.");
        }

        ValidateRetry(options, Fail);

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void ValidateKey(StripeTerminalOptions options, Action<string, string> fail)
    {
        var key = options.ApiKey;
        if (string.IsNullOrWhiteSpace(key))
        {
            fail("ApiKey", "is required: a secret key (sk_test_…/sk_live_…) or restricted key (rk_test_…/rk_live_…). To run without one, call UseEmulator() from the StripeTerminalKit.Emulator package.");
            return;
        }

        // The messages below describe the key and never quote it.
        if (key.StartsWith("pk_", StringComparison.Ordinal))
        {
            fail("ApiKey", "is a publishable key; server-driven Terminal needs a secret (sk_…) or restricted (rk_…) key.");
        }
        else if (key.Any(char.IsWhiteSpace))
        {
            fail("ApiKey", "contains whitespace; check for a stray space or line break when it was copied.");
        }
        else if (!KeyShape().IsMatch(key))
        {
            fail("ApiKey", "does not look like a Stripe secret or restricted key (expected sk_test_…, sk_live_…, rk_test_… or rk_live_…).");
        }
        else if (options.UseEmulator && options.IsLiveMode)
        {
            fail("ApiKey", "is a live-mode key but UseEmulator is on; the emulator only takes test-mode keys.");
        }
    }

    private static void ValidateRetry(StripeTerminalOptions options, Action<string, string> fail)
    {
        var retry = options.Retry;
        if (retry is null)
        {
            fail("Retry", "must not be null.");
            return;
        }

        if (retry.MaxRetries is < 0 or > 10)
        {
            fail("Retry:MaxRetries", "must be between 0 and 10.");
        }

        if (retry.BaseDelay <= TimeSpan.Zero || retry.BaseDelay > MaxTimeout)
        {
            fail("Retry:BaseDelay", "must be positive and at most 24 hours.");
        }

        if (retry.MaxDelay < retry.BaseDelay || retry.MaxDelay > MaxTimeout)
        {
            fail("Retry:MaxDelay", "must be at least Retry:BaseDelay and at most 24 hours.");
        }

        if (retry.MaxRetryAfter < TimeSpan.Zero || retry.MaxRetryAfter > MaxTimeout)
        {
            fail("Retry:MaxRetryAfter", "must be between zero and 24 hours.");
        }

        if (double.IsNaN(retry.JitterFactor) || retry.JitterFactor is < 0 or > 1)
        {
            fail("Retry:JitterFactor", "must be between 0 and 1.");
        }
    }

    private static void CheckTimeout(string setting, TimeSpan value, Action<string, string> fail)
    {
        if (value < MinTimeout || value > MaxTimeout)
        {
            fail(setting, "must be between 10 milliseconds and 24 hours.");
        }
    }
}
