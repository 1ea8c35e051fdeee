using Microsoft.Extensions.DependencyInjection;
using StripeTerminalKit.Checkout;
using StripeTerminalKit.DependencyInjection;
using StripeTerminalKit.Polling;

namespace StripeTerminalKit.Benchmarks.Checkout;

/// <summary>
/// For benchmarks that measure something other than pacing (overhead, memory): the kit paces its
/// writes at 20 a second per endpoint and its reads at 10 a second, which a benchmark starting
/// checkouts back to back or in a burst would otherwise measure instead. The options cannot lift
/// them (they stop at Stripe's live limit), so the account's budgets are registered here directly.
/// </summary>
internal static class RequestPacing
{
    /// <summary>
    /// Registers the account's request budgets as <c>AddCheckout</c> would, with at most
    /// <paramref name="writesPerSecond"/> writes a second per endpoint and, when given,
    /// <paramref name="readsPerSecond"/> reads a second (else the default read pace). Call it before
    /// <c>AddCheckout</c>, which then keeps this registration.
    /// </summary>
    public static IServiceCollection LiftRequestLimits(this IServiceCollection services, TimeProvider time, int writesPerSecond, int? readsPerSecond = null)
    {
        var defaults = new StripeTerminalCheckoutOptions();
        var reads = readsPerSecond ?? defaults.PollRequestsPerSecond;
        var burst = readsPerSecond ?? defaults.PollBurst;
        return services.AddKeyedSingleton(
            StripeTerminalKitNames.ServiceKey(null),
            (_, _) => new RequestBudgetShare(reads, burst, time, writesPerSecond));
    }
}
