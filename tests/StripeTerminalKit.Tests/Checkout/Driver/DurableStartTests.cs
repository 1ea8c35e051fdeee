using StripeTerminalKit.Checkout;
using StripeTerminalKit.Emulator;

namespace StripeTerminalKit.Tests.Checkout.Driver;

/// <summary>
/// A checkout the caller was told had started is in the store: a process killed right after
/// <see cref="ITerminalCheckout.StartAsync"/> returned resumes it at the next start, with no
/// request from the POS. Found by the SIGKILL crash run (tests/StripeTerminalKit.Crash.Tests,
/// seed 20261206): the web sample answered 202 for a checkout whose first save had not happened,
/// the kill lost it, and its reader stayed claimed by a checkout the store did not hold, refusing
/// every later sale on that reader as busy.
/// </summary>
public sealed class DurableStartTests
{
    [Fact]
    public async Task A_checkout_is_stored_before_StartAsync_returns_and_resumes_after_a_kill_right_after()
    {
        // The process dies at the runner's first save of its own (the create about to go out).
        var store = new CrashPointStore(r => r.State != CheckoutState.Created);
        await using var before = await CheckoutHarness.StartAsync(store: store);
        await before.Checkout.StartAsync(before.Sale("durable-start", 2300));

        var stored = await store.LoadAsync("durable-start");
        Assert.NotNull(stored);
        Assert.False(stored.Completed);
        await before.RunUntilAsync(() => store.Crashed);

        // Restarted with no POS request: the reconciler's resume alone takes the payment.
        await using var after = await before.CrashAndRestartAsync();
        after.Emulator.Customer.Automate(CustomerAction.Tap(TestCards.Visa, TimeSpan.FromSeconds(1)));
        var resumed = await after.Checkout.ResumeUnfinishedAsync();
        var result = await after.CompleteAsync(Assert.Single(resumed));

        Assert.Equal(2300, Assert.IsType<CheckoutSucceeded>(result).AmountCaptured);
        Assert.Single(after.Emulator.GetLedger().PaymentIntents);
        Assert.Null(await store.GetReaderHolderAsync(after.ReaderId));
    }
}
