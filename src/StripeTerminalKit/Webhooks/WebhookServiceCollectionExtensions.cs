using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using StripeTerminalKit.Webhooks;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Stripe webhook verification and dispatch.</summary>
public static class WebhookServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="IStripeWebhookProcessor"/>: signature verification with the configured
    /// secrets (several during rotation), replay protection, deduplication and dispatch to every
    /// registered <see cref="ITerminalWebhookHandler"/>. The options are bound from the
    /// <c>StripeWebhooks</c> section of the <see cref="IConfiguration"/> in DI (when there is one),
    /// then <paramref name="configure"/> runs; they are validated at start-up, with messages that
    /// name the setting and never a secret.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Optional settings applied after configuration binding.</param>
    /// <returns>The service collection.</returns>
    /// <example>
    /// <code>
    /// // appsettings.json or user secrets: "StripeWebhooks": { "SigningSecret": "whsec_…" }
    /// services.AddStripeTerminalWebhooks();
    ///
    /// // or in code
    /// services.AddStripeTerminalWebhooks(o => o.SigningSecrets.Add(secretFromVault));
    /// </code>
    /// </example>
    public static IServiceCollection AddStripeTerminalWebhooks(this IServiceCollection services, Action<StripeWebhookOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<StripeWebhookOptions>().Configure<IServiceProvider>((o, provider) =>
        {
            if (provider.GetService<IConfiguration>() is { } root)
            {
                StripeWebhookOptionsBinder.Bind(root.GetSection(StripeWebhookOptions.ConfigurationSectionName), o);
            }
        });
        return AddCore(services, options, configure);
    }

    /// <summary>
    /// Adds <see cref="IStripeWebhookProcessor"/> with options bound from <paramref name="configuration"/>
    /// (such as <c>builder.Configuration.GetSection("Payments:StripeWebhooks")</c>), then
    /// <paramref name="configure"/>; validated at start-up.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">
    /// The section to bind: <c>SigningSecrets</c> (a list) or <c>SigningSecret</c> (one), <c>Tolerance</c>,
    /// <c>MaxBodyBytes</c>, <c>DeduplicationCapacity</c>.
    /// </param>
    /// <param name="configure">Optional settings applied after configuration binding.</param>
    /// <returns>The service collection.</returns>
    /// <example>
    /// <code>
    /// builder.Services.AddStripeTerminalWebhooks(builder.Configuration.GetSection("StripeWebhooks"));
    /// </code>
    /// </example>
    public static IServiceCollection AddStripeTerminalWebhooks(this IServiceCollection services, IConfiguration configuration, Action<StripeWebhookOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var options = services.AddOptions<StripeWebhookOptions>().Configure(o => StripeWebhookOptionsBinder.Bind(configuration, o));
        return AddCore(services, options, configure);
    }

    private static IServiceCollection AddCore(IServiceCollection services, OptionsBuilder<StripeWebhookOptions> options, Action<StripeWebhookOptions>? configure)
    {
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<StripeWebhookOptions>, StripeWebhookOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IStripeWebhookProcessor, StripeWebhookProcessor>();
        return services;
    }
}
