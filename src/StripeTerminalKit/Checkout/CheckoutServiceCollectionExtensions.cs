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
    /// <c>AddStripeTerminalWebhooks</c> and <c>MapStripeTerminalWebhooks</c>).
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

        optionsBuilder
            .Validate(o => o.PollRequestsPerSecond is > 0 and <= 100, "StripeTerminalCheckoutOptions.PollRequestsPerSecond must be above 0 and at most 100 (Stripe's live limit).")
            .Validate(o => o.PollBurst > 0, "StripeTerminalCheckoutOptions.PollBurst must be positive.")
            .Validate(o => o.PollInterval > TimeSpan.Zero && o.SafetyNetPollInterval > TimeSpan.Zero, "StripeTerminalCheckoutOptions poll intervals must be positive.")
            .Validate(o => o.BatchPollInterval >= TimeSpan.Zero, "StripeTerminalCheckoutOptions.BatchPollInterval must not be negative (zero turns batched reads off).")
            .Validate(o => o.CompletedRetention >= TimeSpan.FromDays(1), "StripeTerminalCheckoutOptions.CompletedRetention must be at least a day.")
            .Validate(o => o.LeaseDuration >= TimeSpan.FromMilliseconds(300), "StripeTerminalCheckoutOptions.LeaseDuration must be at least 300 ms (15 s by default).")
            .ValidateOnStart();

        services.TryAddSingleton<ICheckoutStore, InMemoryCheckoutStore>();
        var key = StripeTerminalKitNames.ServiceKey(name);

        // The account's read budget: the checkouts' polls and the readers module's waits for a reader
        // action (ITerminalReaders.WaitForActionAsync) take their turns from the same one.
        services.TryAddKeyedSingleton<ReadBudgetShare>(key, (provider, _) =>
        {
            var checkoutOptions = provider.GetRequiredService<IOptionsMonitor<StripeTerminalCheckoutOptions>>().Get(name);
            return new ReadBudgetShare(checkoutOptions.PollRequestsPerSecond, checkoutOptions.PollBurst, provider.GetRequiredService<TimeProvider>());
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
                provider.GetRequiredKeyedService<ReadBudgetShare>(k));
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
    /// Call after <see cref="AddCheckout"/>; the default configuration's checkout is used.
    /// </summary>
    public static StripeTerminalKitBuilder AddCheckoutReconciler(this StripeTerminalKitBuilder builder, Action<CheckoutReconcilerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = new CheckoutReconcilerOptions();
        configure?.Invoke(options);
        if (options.Interval <= TimeSpan.Zero || options.SettleAuthorizationsAfter <= TimeSpan.Zero || options.OrphanLookback <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(configure), "CheckoutReconcilerOptions.Interval, SettleAuthorizationsAfter and OrphanLookback must be positive.");
        }

        if (options.OrphanGracePeriod < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(configure), "CheckoutReconcilerOptions.OrphanGracePeriod must not be negative.");
        }

        var key = StripeTerminalKitNames.ServiceKey(builder.Name);
        builder.Services.TryAddKeyedSingleton<ICheckoutReconciler>(key, (provider, k) => new CheckoutReconciler(
            provider.GetRequiredKeyedService<ITerminalCheckout>(k),
            provider.GetRequiredService<ICheckoutStore>(),
            provider.GetRequiredKeyedService<StripeCallExecutor>(k),
            provider.GetRequiredKeyedService<ITerminalPayments>(k),
            provider.GetRequiredService<TimeProvider>(),
            options,
            provider.GetRequiredService<IOptionsMonitor<StripeTerminalCheckoutOptions>>().Get(builder.Name).CompletedRetention,
            provider.GetService<ILoggerFactory>()?.CreateLogger("StripeTerminalKit.Checkout.Reconciler") ?? NullLogger.Instance,
            provider.GetRequiredService<IOptionsMonitor<StripeTerminalCheckoutOptions>>().Get(builder.Name).EffectiveInstanceId));
        if (StripeTerminalKitNames.IsDefault(builder.Name))
        {
            builder.Services.TryAddSingleton(provider => provider.GetRequiredKeyedService<ICheckoutReconciler>(key));
        }

        builder.Services.AddSingleton<Microsoft.Extensions.Hosting.IHostedService>(provider => new CheckoutReconcilerService(
            provider.GetRequiredKeyedService<ICheckoutReconciler>(key),
            provider.GetRequiredService<TimeProvider>(),
            options,
            provider.GetService<ILoggerFactory>()?.CreateLogger<CheckoutReconcilerService>() ?? NullLogger<CheckoutReconcilerService>.Instance));
        return builder;
    }
}
