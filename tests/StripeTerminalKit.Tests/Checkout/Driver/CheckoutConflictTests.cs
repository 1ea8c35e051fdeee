using StripeTerminalKit.Checkout;
using StripeTerminalKit.Emulator;

namespace StripeTerminalKit.Tests.Checkout.Driver;

/// <summary>
/// Compare-and-set in the runner: a runner whose save loses to another writer of the store stops
/// acting on the checkout — the Stripe call that save guarded is never sent — and reloads what
/// the store holds (durable checkouts issue, item 2).
/// </summary>
public sealed class CheckoutConflictTests
{
    [Fact]
    public async Task A_runner_that_loses_a_save_sends_nothing_more_and_leaves_the_checkout_to_the_winner()
    {
        // Another writer saves the checkout just before our runner saves the hand-over to the reader.
        var store = new ConflictingStore(r => r.State == CheckoutState.SendingToReader);
        await using var h = await CheckoutHarness.StartAsync(store: store);

        var handle = await h.Checkout.StartAsync(h.Sale("order-cas"));
        await h.RunUntilAsync(() => store.Conflicted, max: TimeSpan.FromMinutes(1));
        await h.SettleAsync();
        h.Time.Advance(TimeSpan.FromMinutes(2));
        await h.SettleAsync();

        Assert.DoesNotContain(h.Emulator.RequestLog, r => r.Path.EndsWith("/process_payment_intent", StringComparison.Ordinal));
        Assert.False(handle.HasCompleted);
        var stored = await store.LoadAsync("order-cas");
        Assert.Equal(store.WinnerVersion, stored!.Version);

        // The checkout is not lost: the next start (here, or on the instance that won) resumes it from the store.
        h.Emulator.Customer.Automate(CustomerAction.Tap(TestCards.Visa, TimeSpan.FromSeconds(2)));
        var resumed = await h.Checkout.StartAsync(h.Sale("order-cas"));
        Assert.IsType<CheckoutSucceeded>(await h.CompleteAsync(resumed));
        Assert.Single(h.Emulator.GetLedger().Charges);
    }

    [Fact]
    public async Task Two_instances_resuming_one_checkout_charge_it_once()
    {
        await using var a = await CheckoutHarness.StartAsync();
        var b = a.StartAnotherInstance();
        try
        {
            a.Emulator.Customer.Automate(CustomerAction.Tap(TestCards.Visa, TimeSpan.FromSeconds(20)));
            var first = await a.Checkout.StartAsync(a.Sale("order-twice", 2500));
            await a.RunUntilAsync(() => first.State == CheckoutState.WaitingForCustomer);

            // A second instance is told to resume the same checkout (say, a takeover after a false alarm).
            var second = await b.Checkout.StartAsync(a.Sale("order-twice", 2500));
            await a.RunUntilAsync(() => first.HasCompleted || second.HasCompleted, max: TimeSpan.FromMinutes(5));
            await a.SettleAsync();
            await b.SettleAsync();

            var ledger = a.Emulator.GetLedger();
            Assert.Single(ledger.PaymentIntents);
            Assert.Single(ledger.Charges);
            Assert.Equal(1, a.Emulator.RequestLog.Count(r => r.Path.EndsWith("/capture", StringComparison.Ordinal) && r.StatusCode == 200 && !r.Replayed));
            Assert.Equal(CheckoutState.Succeeded, (await a.Checkout.GetAsync("order-twice"))!.State);
        }
        finally
        {
            await b.Services.DisposeAsync();
        }
    }

    /// <summary>At the first save matching <paramref name="at"/>, another writer's save lands first.</summary>
    private sealed class ConflictingStore(Func<CheckoutRecord, bool> at) : ForwardingCheckoutStore
    {
        public bool Conflicted { get; private set; }

        public long WinnerVersion { get; private set; }

        public override async ValueTask SaveAsync(CheckoutRecord record, long replacesVersion, CancellationToken cancellationToken = default)
        {
            if (!Conflicted && at(record))
            {
                Conflicted = true;
                var held = (await Inner.LoadAsync(record.CheckoutId, cancellationToken))!;
                WinnerVersion = held.Version + 1;
                await Inner.SaveAsync(held with { Version = WinnerVersion }, held.Version, cancellationToken);
            }

            await Inner.SaveAsync(record, replacesVersion, cancellationToken);
        }
    }
}
