using Microsoft.Extensions.DependencyInjection;
using StripeTerminalKit.Checkout;
using StripeTerminalKit.DependencyInjection;
using StripeTerminalKit.Polling;

namespace StripeTerminalKit.Benchmarks.Checkout;

/// <summary>
/// For benchmarks that measure something other than pacing (overhead, memory): the kit's writes
/// are paced at 20 a second per endpoint, which a benchmark starting checkouts back to back or in a
/// burst would otherwise measure instead.
/// </summary>
internal static class WritePacing
{
    /// <summary>
    /// Registers the account's request budgets as <c>AddCheckout</c> would (the default read pace),
    /// with at most <paramref name="writesPerSecond"/> writes a second per endpoint. Call it before
    /// <c>AddCheckout</c>, which then keeps this registration.
    /// </summary>
    public static IServiceCollection LiftWriteLimit(this IServiceCollection services, TimeProvider time, int writesPerSecond)
    {
        var defaults = new StripeTerminalCheckoutOptions();
        return services.AddKeyedSingleton(
            StripeTerminalKitNames.ServiceKey(null),
            (_, _) => new RequestBudgetShare(defaults.PollRequestsPerSecond, defaults.PollBurst, time, writesPerSecond));
    }
}
