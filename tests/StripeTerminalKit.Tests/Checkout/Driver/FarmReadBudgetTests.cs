using Microsoft.Extensions.Logging.Abstractions;
using StripeTerminalKit.Checkout;

namespace StripeTerminalKit.Tests.Checkout.Driver;

/// <summary>
/// One polling budget per account (farm issue, item 4): the instances sharing a store split
/// <see cref="StripeTerminalCheckoutOptions.PollRequestsPerSecond"/> between the live ones, a
/// joining instance polls only once the others have seen it, and a dead instance's share returns.
/// </summary>
public sealed class FarmReadBudgetTests
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Three_instances_each_poll_a_third_and_a_dead_ones_share_returns_after_its_lease()
    {
        await using var a = await CheckoutHarness.StartAsync(webhooks: false, configure: o => { o.InstanceId = "a"; o.PollRequestsPerSecond = 12; o.PollBurst = 6; });
        var b = a.StartAnotherInstance(o => { o.InstanceId = "b"; o.PollRequestsPerSecond = 12; o.PollBurst = 6; });
        var c = a.StartAnotherInstance(o => { o.InstanceId = "c"; o.PollRequestsPerSecond = 12; o.PollBurst = 6; });
        try
        {
            var ownA = new CheckoutOwnershipService(a.Runtime, NullLogger.Instance);
            var ownB = new CheckoutOwnershipService(b.Runtime, NullLogger.Instance);
            var ownC = new CheckoutOwnershipService(c.Runtime, NullLogger.Instance);
            await ownA.MaintainAsync(default);
            Assert.Equal(12, a.Runtime.Budgets.RequestsPerSecond);

            await ownB.MaintainAsync(default);
            await ownC.MaintainAsync(default);
            await ownA.MaintainAsync(default);
            await ownB.MaintainAsync(default);

            foreach (var instance in new[] { a, b, c })
            {
                Assert.Equal(3, instance.Runtime.Budgets.Instances);
                Assert.Equal(4, instance.Runtime.Budgets.RequestsPerSecond);
                Assert.Equal(2, instance.Runtime.Budgets.Readers.Burst);
                Assert.Equal(4, instance.Runtime.Budgets.PaymentIntents.RequestsPerSecond);
                Assert.Equal(4, instance.Runtime.Budgets.ReaderLists.RequestsPerSecond);
                // Writes are split the same way (default 20 in any second per endpoint: 6 each).
                Assert.Equal(6, instance.Runtime.Budgets.Captures.RequestsPerSecond);
                Assert.Equal(6, instance.Runtime.Budgets.Creates.RequestsPerSecond);
            }

            // C dies (no more renewals). Until its lease runs out it is still counted; then A and B
            // split the budget in two.
            a.Time.Advance(Lease - TimeSpan.FromSeconds(1));
            await ownA.MaintainAsync(default);
            await ownB.MaintainAsync(default);
            Assert.Equal(3, a.Runtime.Budgets.Instances);
            a.Time.Advance(TimeSpan.FromSeconds(2));
            await ownA.MaintainAsync(default);
            await ownB.MaintainAsync(default);

            Assert.Equal(6, a.Runtime.Budgets.RequestsPerSecond);
            Assert.Equal(6, b.Runtime.Budgets.RequestsPerSecond);
        }
        finally
        {
            await b.Services.DisposeAsync();
            await c.Services.DisposeAsync();
        }
    }

    [Fact]
    public async Task An_instance_joining_a_running_farm_polls_only_after_the_others_have_had_a_round_to_see_it()
    {
        await using var a = await CheckoutHarness.StartAsync(webhooks: false, configure: o => o.InstanceId = "a");
        var b = a.StartAnotherInstance(o => o.InstanceId = "b");
        try
        {
            var ownA = new CheckoutOwnershipService(a.Runtime, NullLogger.Instance);
            var ownB = new CheckoutOwnershipService(b.Runtime, NullLogger.Instance);
            await ownA.MaintainAsync(default);
            var aTurn = a.Runtime.Budgets.Readers.WaitTurnAsync(default).AsTask();

            await ownB.MaintainAsync(default);
            var bTurn = b.Runtime.Budgets.Readers.WaitTurnAsync(default).AsTask();

            // A was alone: it polls at once. B joined A: it waits one round period (a quarter of the
            // lease) and half again, by which time A's round has counted B and halved A's share.
            Assert.True(aTurn.IsCompleted);
            a.Time.Advance((Lease / 4 * 1.5) - TimeSpan.FromMilliseconds(1));
            Assert.False(bTurn.IsCompleted);
            await ownA.MaintainAsync(default);
            Assert.Equal(2, a.Runtime.Budgets.Instances);
            a.Time.Advance(TimeSpan.FromMilliseconds(1));
            await bTurn;

            // The first instance of a farm (nobody else live) holds nothing.
            await using var alone = await CheckoutHarness.StartAsync(webhooks: false, configure: o => o.InstanceId = "solo");
            await new CheckoutOwnershipService(alone.Runtime, NullLogger.Instance).MaintainAsync(default);
            Assert.True(alone.Runtime.Budgets.Readers.WaitTurnAsync(default).AsTask().IsCompleted);
        }
        finally
        {
            await b.Services.DisposeAsync();
        }
    }
}
