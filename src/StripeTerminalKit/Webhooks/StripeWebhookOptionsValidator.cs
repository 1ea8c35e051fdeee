using Microsoft.Extensions.Options;

namespace StripeTerminalKit.Webhooks;

/// <summary>
/// Validates <see cref="StripeWebhookOptions"/> at start-up. Each message names the setting by its
/// configuration path (<c>StripeWebhooks:SigningSecrets</c>, or the section it was bound from) and
/// says which secret is wrong by position, never by value.
/// </summary>
internal sealed class StripeWebhookOptionsValidator : IValidateOptions<StripeWebhookOptions>
{
    public ValidateOptionsResult Validate(string? name, StripeWebhookOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var section = options.SectionPath ?? StripeWebhookOptions.ConfigurationSectionName;
        var failures = new List<string>();
        void Fail(string setting, string message) => failures.Add($"{section}:{setting} {message}");

        if (options.SigningSecrets.Count == 0)
        {
            Fail("SigningSecrets", "is required: the endpoint's signing secret (whsec_…) from the Stripe Dashboard or `stripe listen`, "
                + "in configuration (SigningSecret, or the SigningSecrets list during a rotation) or with o.SigningSecrets.Add(…).");
        }

        for (var i = 0; i < options.SigningSecrets.Count; i++)
        {
            var secret = options.SigningSecrets[i];
            if (string.IsNullOrWhiteSpace(secret) || !secret.StartsWith("whsec_", StringComparison.Ordinal))
            {
                Fail($"SigningSecrets:{i}", "is not a webhook signing secret: it must start with 'whsec_' (an API key is not a signing secret).");
            }
            else if (secret.Any(char.IsWhiteSpace))
            {
                Fail($"SigningSecrets:{i}", "contains whitespace; check for a stray space or line break when it was copied.");
            }
        }

        if (options.Tolerance <= TimeSpan.Zero)
        {
            Fail("Tolerance", "must be positive (Stripe's default is 00:05:00).");
        }

        if (options.MaxBodyBytes <= 0)
        {
            Fail("MaxBodyBytes", "must be positive.");
        }

        if (options.DeduplicationCapacity <= 0)
        {
            Fail("DeduplicationCapacity", "must be positive.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
