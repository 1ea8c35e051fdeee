using Microsoft.Extensions.Logging.Abstractions;
using StripeTerminalKit.Checkout;
using StripeTerminalKit.Emulator;

namespace StripeTerminalKit.Tests.Checkout.Driver;

/// <summary>
/// Ownership across instances (farm issue, item 2): a checkout is driven under its instance's
/// lease; a live instance takes a dead one's checkouts after the lease and resumes them from
/// Stripe; the take moves the version, so the old holder is fenced; nobody drives a checkout
/// another live instance holds.
/// </summary>
public sealed class CheckoutLeaseTests
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_live_instance_takes_a_dead_instances_checkout_after_the_lease_and_charges_it_once()
    {
        await using var a = await CheckoutHarness.StartAsync(webhooks: false, configure: o => o.InstanceId = "a");
        var b = a.StartAnotherInstance(o => { o.InstanceId = "b"; o.WebhooksEnabled = false; });
        var ownA = new CheckoutOwnershipService(a.Runtime, NullLogger.Instance);
        var ownB = new CheckoutOwnershipService(b.Runtime, NullLogger.Instance);
        try
        {
            await ownA.MaintainAsync(default);
            await ownB.MaintainAsync(default);
            a.Emulator.Customer.Automate(CustomerAction.Tap(TestCards.Visa, TimeSpan.FromSeconds(30)));
            var started = await a.Checkout.StartAsync(a.Sale("order-lease", 2500));
            await a.RunUntilAsync(() => started.State == CheckoutState.WaitingForCustomer);
            await ownA.MaintainAsync(default);
            var diedAt = a.Time.GetUtcNow();
            await a.KillAsync();

            // Within the lease the dead instance still holds it: nobody else may drive it.
            a.Time.Advance(Lease - TimeSpan.FromSeconds(1));
            await ownB.MaintainAsync(default);
            var beforeExpiry = b.Runtime.Runners.Count;
            await Assert.ThrowsAsync<CheckoutConcurrencyException>(() => b.Checkout.StartAsync(a.Sale("order-lease", 2500)));

            // Expired: the next round takes it over and resumes it from Stripe.
            a.Time.Advance(TimeSpan.FromSeconds(1));
            await ownB.MaintainAsync(default);
            var takenAfter = a.Time.GetUtcNow() - diedAt;
            var taken = await b.Store.LoadAsync("order-lease");
            var handle = (await b.Checkout.FindAsync("order-lease"))!;
            var result = await b.CompleteAsync(handle, max: TimeSpan.FromMinutes(5));
            await b.SettleAsync();

            Assert.Equal(0, beforeExpiry);
            Assert.True(takenAfter <= Lease * 1.25, $"taken over {takenAfter} after the kill");
            Assert.Equal("instance:b", taken!.LeaseHolder);
            Assert.IsType<CheckoutSucceeded>(result);
            var ledger = a.Emulator.GetLedger();
            Assert.Single(ledger.PaymentIntents);
            Assert.Single(ledger.Charges);

            // Finished: the lease is let go, so any instance may capture or refund it later.
            Assert.Null((await b.Store.LoadAsync("order-lease"))!.LeaseHolder);
        }
        finally
        {
            await b.Services.DisposeAsync();
        }
    }

    [Fact]
    public async Task An_instance_that_missed_its_renewals_is_fenced_when_another_takes_its_checkout()
    {
        await using var a = await CheckoutHarness.StartAsync(webhooks: false, configure: o => o.InstanceId = "a");
        var b = a.StartAnotherInstance(o => { o.InstanceId = "b"; o.WebhooksEnabled = false; });
        var ownA = new CheckoutOwnershipService(a.Runtime, NullLogger.Instance);
        var ownB = new CheckoutOwnershipService(b.Runtime, NullLogger.Instance);
        try
        {
            await ownA.MaintainAsync(default);
            await ownB.MaintainAsync(default);
            a.Emulator.Customer.Automate(CustomerAction.Tap(TestCards.Visa, TimeSpan.FromSeconds(40)));
            var first = await a.Checkout.StartAsync(a.Sale("order-fenced", 2500));
            await a.RunUntilAsync(() => first.State == CheckoutState.WaitingForCustomer);
            var versionBefore = (await a.Store.LoadAsync("order-fenced"))!.Version;

            // A is alive but paused (no renewal) past its lease; B takes the checkout.
            a.Time.Advance(Lease + TimeSpan.FromSeconds(1));
            await ownB.MaintainAsync(default);
            var taken = (await a.Store.LoadAsync("order-fenced"))!;

            // A's next round finds the checkout held by B: its runner stops.
            await ownA.MaintainAsync(default);
            var aRunning = a.Runtime.Runners.Count;
            var second = (await b.Checkout.FindAsync("order-fenced"))!;
            await b.CompleteAsync(second, max: TimeSpan.FromMinutes(5));
            await a.SettleAsync();

            Assert.Equal("instance:b", taken.LeaseHolder);
            Assert.Equal(versionBefore + 1, taken.Version);
            Assert.Equal(0, aRunning);
            Assert.False(first.HasCompleted && first.Result is not CheckoutSucceeded);
            var ledger = a.Emulator.GetLedger();
            Assert.Single(ledger.PaymentIntents);
            Assert.Single(ledger.Charges);
            Assert.Equal(CheckoutState.Succeeded, (await b.Checkout.GetAsync("order-fenced"))!.State);
        }
        finally
        {
            await b.Services.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_restarted_instance_with_its_old_name_takes_its_checkouts_back_at_once()
    {
        await using var a = await CheckoutHarness.StartAsync(webhooks: false, configure: o => o.InstanceId = "till-server");
        await new CheckoutOwnershipService(a.Runtime, NullLogger.Instance).MaintainAsync(default);
        a.Emulator.Customer.Automate(CustomerAction.Tap(TestCards.Visa, TimeSpan.FromSeconds(10)));
        var first = await a.Checkout.StartAsync(a.Sale("order-restart", 2500));
        await a.RunUntilAsync(() => first.State == CheckoutState.WaitingForCustomer);

        await using var restarted = await a.CrashAndRestartAsync();
        await new CheckoutOwnershipService(restarted.Runtime, NullLogger.Instance).MaintainAsync(default);
        var resumedAt = restarted.Runtime.Runners.Count;
        var handle = (await restarted.Checkout.FindAsync("order-restart"))!;

        Assert.Equal(1, resumedAt);
        Assert.IsType<CheckoutSucceeded>(await restarted.CompleteAsync(handle, max: TimeSpan.FromMinutes(5)));
        Assert.Single(a.Emulator.GetLedger().Charges);
    }
}
