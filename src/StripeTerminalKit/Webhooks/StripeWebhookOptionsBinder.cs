using Microsoft.Extensions.Configuration;

namespace StripeTerminalKit.Webhooks;

/// <summary>
/// Binds <see cref="StripeWebhookOptions"/> from a configuration section. The binding is
/// source-generated (no reflection, so trimmed and AOT apps keep it); a single
/// <c>SigningSecret</c> is accepted beside the <c>SigningSecrets</c> list, which is what
/// <c>dotnet user-secrets set StripeWebhooks:SigningSecret …</c> or an environment variable gives.
/// </summary>
internal static class StripeWebhookOptionsBinder
{
    public static void Bind(IConfiguration section, StripeWebhookOptions options)
    {
        section.Bind(options);
        if (section["SigningSecret"] is { Length: > 0 } single && !options.SigningSecrets.Contains(single))
        {
            options.SigningSecrets.Add(single);
        }

        // Where the settings came from, so a start-up error names the path the user wrote.
        if (section is IConfigurationSection { Path: { Length: > 0 } path })
        {
            options.SectionPath = path;
        }
    }
}
