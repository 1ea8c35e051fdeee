using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using StripeTerminalKit;
using StripeTerminalKit.Checkout;
using StripeTerminalKit.Checkout.Runtime;
using StripeTerminalKit.DependencyInjection;
using StripeTerminalKit.Internal;
using StripeTerminalKit.Payments;
using StripeTerminalKit.Polling;
using StripeTerminalKit.Readers;
using StripeTerminalKit.Webhooks;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers <see cref="ITerminalCheckout"/>.</summary>
public static class CheckoutServiceCollectionExtensions
{
    /// <summary>
    /// Adds the checkout façade for this configuration: <see cref="ITerminalCheckout"/>, an
    /// in-memory <see cref="ICheckoutStore"/> unless one is registered, and the webhook handler
    /// that routes verified events to running checkouts (register the webhook endpoint with
    /// <c>AddStripeTerminalWebhooks</c> and <c>MapStripeTerminalWebhooks</c>). The options are
    /// validated at start-up, with messages that name the setting.
    /// </summary>
    /// <example>
    /// <code>
    /// services.AddStripeTerminalKit(o => o.Country = "AU").UseEmulator().AddCheckout();
    /// </code>
    /// </example>
    public static StripeTerminalKitBuilder AddCheckout(this StripeTerminalKitBuilder builder, Action<StripeTerminalCheckoutOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        var name = builder.Name;
        var optionsBuilder = services.AddOptions<StripeTerminalCheckoutOptions>(name);
        if (configure is not null)
        {
            optionsBuilder.Configure(configure);
        }

        optionsBuilder.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<StripeTerminalCheckoutOptions>, StripeTerminalCheckoutOptionsValidator>());

        services.TryAddSingleton<ICheckoutStore, InMemoryCheckoutStore>();
        var key = StripeTerminalKitNames.ServiceKey(name);

        // The account's request budgets: the checkouts' polls and the readers module's waits for a
        // reader action (ITerminalReaders.WaitForActionAsync) take their turns from the same reads
        // budget; the checkouts' writes are paced per endpoint.
        services.TryAddKeyedSingleton<RequestBudgetShare>(key, (provider, _) =>
        {
            var checkoutOptions = provider.GetRequiredService<IOptionsMonitor<StripeTerminalCheckoutOptions>>().Get(name);
            return new RequestBudgetShare(
                checkoutOptions.PollRequestsPerSecond, checkoutOptions.PollBurst, provider.GetRequiredService<TimeProvider>(),
                checkoutOptions.WriteRequestsPerSecond);
        });
        services.TryAddKeyedSingleton<TerminalCheckout>(key, (provider, k) =>
        {
            var kitOptions = provider.GetRequiredService<IOptionsMonitor<StripeTerminalOptions>>().Get(name);
            return new TerminalCheckout(
                provider.GetRequiredKeyedService<ITerminalPayments>(key),
                provider.GetRequiredKeyedService<ITerminalReaders>(key),
                provider.GetRequiredService<ICheckoutStore>(),
                provider.GetRequiredService<IOptionsMonitor<StripeTerminalCheckoutOptions>>().Get(name),
                provider.GetRequiredService<TimeProvider>(),
                provider.GetService<ILoggerFactory>()?.CreateLogger("StripeTerminalKit.Checkout") ?? NullLogger.Instance,
                kitOptions.Country,
                kitOptions.DefaultCurrency,
                provider.GetRequiredKeyedService<RequestBudgetShare>(k),
                kitOptions.ReaderPollInterval);
        });
        services.TryAddKeyedSingleton<ITerminalCheckout>(key, (provider, k) => provider.GetRequiredKeyedService<TerminalCheckout>(k));
        services.AddSingleton<ITerminalWebhookHandler>(provider => provider.GetRequiredKeyedService<TerminalCheckout>(key));

        // Keeps this instance's lease alive and takes over the checkouts of instances that died.
        services.AddSingleton<Microsoft.Extensions.Hosting.IHostedService>(provider => new CheckoutOwnershipService(
            provider.GetRequiredKeyedService<TerminalCheckout>(key),
            provider.GetService<ILoggerFactory>()?.CreateLogger("StripeTerminalKit.Checkout.Ownership") ?? NullLogger.Instance));
        if (StripeTerminalKitNames.IsDefault(name))
        {
            services.TryAddSingleton(provider => provider.GetRequiredKeyedService<ITerminalCheckout>(key));
        }

        return builder;
    }

    /// <summary>
    /// Adds <see cref="ICheckoutReconciler"/> and a background service that runs it at start-up
    /// (resuming checkouts a crash interrupted) and then periodically (settling ageing
    /// authorisations by <see cref="CheckoutReconcilerOptions.UncapturedAuthorizations"/>).
    /// Call after <see cref="AddCheckout"/>; the default configuration's checkout is used. The
    /// options are validated at start-up, with messages that name the setting.
    /// </summary>
    public static StripeTerminalKitBuilder AddCheckoutReconciler(this StripeTerminalKitBuilder builder, Action<CheckoutReconcilerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var name = builder.Name;
        var optionsBuilder = builder.Services.AddOptions<CheckoutReconcilerOptions>(name);
        if (configure is not null)
        {
            optionsBuilder.Configure(configure);
        }

        optionsBuilder.ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<CheckoutReconcilerOptions>, CheckoutReconcilerOptionsValidator>());

        var key = StripeTerminalKitNames.ServiceKey(name);
        builder.Services.TryAddKeyedSingleton<ICheckoutReconciler>(key, (provider, k) => new CheckoutReconciler(
            provider.GetRequiredKeyedService<ITerminalCheckout>(k),
            provider.GetRequiredService<ICheckoutStore>(),
            provider.GetRequiredKeyedService<StripeCallExecutor>(k),
            provider.GetRequiredKeyedService<ITerminalPayments>(k),
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<IOptionsMonitor<CheckoutReconcilerOptions>>().Get(name),
            provider.GetRequiredService<IOptionsMonitor<StripeTerminalCheckoutOptions>>().Get(name).CompletedRetention,
            provider.GetService<ILoggerFactory>()?.CreateLogger("StripeTerminalKit.Checkout.Reconciler") ?? NullLogger.Instance,
            provider.GetRequiredService<IOptionsMonitor<StripeTerminalCheckoutOptions>>().Get(name).EffectiveInstanceId));
        if (StripeTerminalKitNames.IsDefault(name))
        {
            builder.Services.TryAddSingleton(provider => provider.GetRequiredKeyedService<ICheckoutReconciler>(key));
        }

        builder.Services.AddSingleton<Microsoft.Extensions.Hosting.IHostedService>(provider => new CheckoutReconcilerService(
            provider.GetRequiredKeyedService<ICheckoutReconciler>(key),
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<IOptionsMonitor<CheckoutReconcilerOptions>>().Get(name),
            provider.GetService<ILoggerFactory>()?.CreateLogger<CheckoutReconcilerService>() ?? NullLogger<CheckoutReconcilerService>.Instance));
        return builder;
    }
}
