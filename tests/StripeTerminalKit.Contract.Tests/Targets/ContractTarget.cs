using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Stripe;
using StripeTerminalKit.Checkout;
using StripeTerminalKit.TestHygiene;

namespace StripeTerminalKit.Contract.Tests.Targets;

/// <summary>
/// Where the scenarios run: something that answers like Stripe. A target gives the kit its
/// connection and hands out a plain Stripe.net client, which plays the customer (the documented
/// test helpers) and any other application using the same reader. Everything else the scenarios
/// do goes through the kit's public API, the same on every target.
/// </summary>
public abstract class ContractTarget : IAsyncLifetime
{
    /// <summary>A short name for messages.</summary>
    public abstract string Name { get; }

    /// <summary>A Stripe.net client on the same account as the kit: test helpers and "another application".</summary>
    public abstract StripeClient Stripe { get; }

    /// <summary>How often the kit polls a waiting checkout here (webhooks are off in the suite).</summary>
    public virtual TimeSpan PollInterval => TimeSpan.FromMilliseconds(100);

    /// <summary>The longest any one step may take before the scenario fails.</summary>
    public virtual TimeSpan StepTimeout => TimeSpan.FromSeconds(20);

    /// <summary>Whether the customer can press cancel on the reader (Stripe offers no test helper for it).</summary>
    public virtual bool CanCustomerCancel => false;

    /// <summary>The customer presses cancel on the reader.</summary>
    public virtual Task CustomerCancelsAsync(string readerId) =>
        throw new NotSupportedException($"{Name} has no way to press cancel on a simulated reader.");

    /// <summary>A kit for one scenario: its own services and in-memory checkout store, on this target.</summary>
    /// <param name="country">The account's country the kit is configured for.</param>
    public ServiceProvider BuildKit(string country)
    {
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Debug).AddProvider(ScanningLoggerProvider.Instance));
        var builder = services.AddStripeTerminalKit(o =>
        {
            o.Country = country;
            ConfigureKit(o);
        });
        Connect(builder);
        builder.AddCheckout(o =>
        {
            o.WebhooksEnabled = false;
            o.PollInterval = PollInterval;
        });
        return services.BuildServiceProvider();
    }

    /// <summary>The key and address the kit talks to.</summary>
    protected abstract void ConfigureKit(StripeTerminalOptions options);

    /// <summary>Anything else the kit needs to reach the target (the in-process emulator plugs in here).</summary>
    protected virtual void Connect(StripeTerminalKitBuilder builder)
    {
    }

    /// <inheritdoc />
    public abstract Task InitializeAsync();

    /// <inheritdoc />
    public abstract Task DisposeAsync();
}
