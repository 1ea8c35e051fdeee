using StripeTerminalKit.Checkout;
using StripeTerminalKit.Emulator;

namespace StripeTerminalKit.Tests.Checkout.Driver;

/// <summary>
/// A double-clicked start sent to two server instances: both find no stored checkout, both claim the
/// reader for it (the same checkout's claim), and the other instance's first save wins. CI caught
/// the loser throwing <see cref="CheckoutConcurrencyException"/> and releasing the reader claim the
/// winner's checkout still held (<c>ReaderContentionTests</c>, two instances, under load).
/// </summary>
public sealed class CheckoutStartRaceTests
{
    [Fact]
    public async Task A_start_that_loses_the_first_save_to_another_instance_resumes_the_winners_checkout()
    {
        var store = new OtherInstanceSavesFirst();
        await using var h = await CheckoutHarness.StartAsync(store: store);
        h.Emulator.Customer.Automate(CustomerAction.Tap(TestCards.Visa, TimeSpan.FromSeconds(2)));

        var handle = await h.Checkout.StartAsync(h.Sale("raced", 2100));

        Assert.True(store.Raced);
        Assert.Equal("raced", await store.GetReaderHolderAsync(h.ReaderId));
        Assert.IsType<CheckoutSucceeded>(await h.CompleteAsync(handle));
        Assert.Single(h.Emulator.GetLedger().Charges);
    }

    /// <summary>Another instance (whose lease has lapsed) saves the same new checkout just before this one does.</summary>
    private sealed class OtherInstanceSavesFirst : ForwardingCheckoutStore
    {
        public bool Raced { get; private set; }

        public override async ValueTask SaveAsync(CheckoutRecord record, long replacesVersion, CancellationToken cancellationToken = default)
        {
            if (!Raced && replacesVersion == 0)
            {
                Raced = true;
                await Inner.SaveAsync(record with { LeaseHolder = "instance:other" }, 0, cancellationToken);
            }

            await Inner.SaveAsync(record, replacesVersion, cancellationToken);
        }
    }
}
