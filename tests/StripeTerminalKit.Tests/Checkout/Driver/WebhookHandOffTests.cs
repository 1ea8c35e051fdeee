using StripeTerminalKit.Checkout;
using StripeTerminalKit.Emulator;

namespace StripeTerminalKit.Tests.Checkout.Driver;

/// <summary>
/// A webhook is handed to its checkout, not worked on the deliverer's stack: the endpoint answers
/// Stripe without waiting for the checkout's save or its next call, and a delivery lane's next
/// events never run ahead of what the checkout queues (the caller's answer after the capture).
/// </summary>
public sealed class WebhookHandOffTests
{
    // True only while a delivery runs synchronously on its deliverer's thread.
    [ThreadStatic]
    private static bool t_delivering;

    [Fact]
    public async Task A_webhook_is_acted_on_off_the_delivering_thread_and_still_spares_every_read()
    {
        var store = new RecordsWhereItSaves();
        await using var h = await CheckoutHarness.StartAsync(store: store, aroundDelivery: deliver =>
        {
            t_delivering = true;
            try
            {
                return deliver();
            }
            finally
            {
                t_delivering = false;
            }
        });
        h.Emulator.Customer.Automate(CustomerAction.Tap(TestCards.Visa, TimeSpan.FromSeconds(2)));

        // The first sale of the day shows the kit that webhooks arrive; the second relies on them alone.
        Assert.IsType<CheckoutSucceeded>(await h.CompleteAsync(await h.Checkout.StartAsync(h.Sale("first"))));
        var before = h.Emulator.GetRequestLog(0, 1000)[^1].Sequence;
        var result = await h.CompleteAsync(await h.Checkout.StartAsync(h.Sale("hand-off")));

        Assert.IsType<CheckoutSucceeded>(result);
        Assert.Equal(CheckoutState.Succeeded, (await h.Checkout.GetAsync("hand-off"))!.State);
        Assert.Empty(store.SavedWhileDelivering);
        // The capture was decided from the webhook: the second sale read nothing.
        var calls = h.Emulator.GetRequestLog(before, 100);
        Assert.Equal(["POST", "POST", "POST"], calls.Select(r => r.Method));
        Assert.True(store.Saves > 6, $"only {store.Saves} saves were seen");
    }

    private sealed class RecordsWhereItSaves : ForwardingCheckoutStore
    {
        private int _saves;

        public int Saves => Volatile.Read(ref _saves);

        public System.Collections.Concurrent.ConcurrentQueue<CheckoutState> SavedWhileDelivering { get; } = new();

        public override ValueTask SaveAsync(CheckoutRecord record, long replacesVersion, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _saves);
            if (t_delivering)
            {
                SavedWhileDelivering.Enqueue(record.State);
            }

            return base.SaveAsync(record, replacesVersion, cancellationToken);
        }
    }
}
