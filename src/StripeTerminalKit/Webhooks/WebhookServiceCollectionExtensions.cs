using Microsoft.Extensions.DependencyInjection.Extensions;
using StripeTerminalKit.Webhooks;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Stripe webhook verification and dispatch.</summary>
public static class WebhookServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="IStripeWebhookProcessor"/>: signature verification with the configured
    /// secrets (several during rotation), replay protection, deduplication and dispatch to every
    /// registered <see cref="ITerminalWebhookHandler"/>.
    /// </summary>
    /// <example>
    /// <code>
    /// services.AddStripeTerminalWebhooks(o => o.SigningSecrets.Add(configuration["Stripe:WebhookSecret"]!));
    /// </code>
    /// </example>
    public static IServiceCollection AddStripeTerminalWebhooks(this IServiceCollection services, Action<StripeWebhookOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<StripeWebhookOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.Validate(o => o.SigningSecrets.Count > 0 && o.SigningSecrets.All(s => s.StartsWith("whsec_", StringComparison.Ordinal)),
                "StripeWebhookOptions.SigningSecrets: at least one secret is required, and every secret starts with 'whsec_'.")
            .Validate(o => o.Tolerance > TimeSpan.Zero, "StripeWebhookOptions.Tolerance must be positive.")
            .Validate(o => o.MaxBodyBytes > 0, "StripeWebhookOptions.MaxBodyBytes must be positive.")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IStripeWebhookProcessor, StripeWebhookProcessor>();
        return services;
    }
}
