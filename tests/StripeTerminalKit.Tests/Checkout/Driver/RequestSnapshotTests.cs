using StripeTerminalKit.Checkout;
using StripeTerminalKit.Emulator;

namespace StripeTerminalKit.Tests.Checkout.Driver;

/// <summary>
/// A checkout keeps the request as it was validated: a caller that changes its metadata dictionary
/// or cart list after the start changes nothing of the sale — not what Stripe is sent (where a
/// reserved <c>stk_</c> key would otherwise reach Stripe unchecked) and not what is stored.
/// </summary>
public sealed class RequestSnapshotTests
{
    [Fact]
    public async Task Changing_the_metadata_or_cart_after_the_start_changes_nothing_of_the_sale()
    {
        var store = new HoldsTheFirstCall();
        await using var h = await CheckoutHarness.StartAsync(store: store);
        h.Emulator.Customer.Automate(CustomerAction.Tap(TestCards.Visa, TimeSpan.FromSeconds(2)));
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal) { ["table"] = "12" };
        var cart = new List<CheckoutCartLine> { new("Flat white", 500, 2) };

        var handle = await h.Checkout.StartAsync(h.Sale("snapshot", 1000) with { Metadata = metadata, CartLines = cart });
        metadata["table"] = "99";
        metadata["stk_checkout_id"] = "someone-else";
        cart[0] = new CheckoutCartLine("Caviar", 100_000, 1);
        store.Release();

        Assert.IsType<CheckoutSucceeded>(await h.CompleteAsync(handle));
        var sent = Assert.Single(h.Emulator.GetLedger().PaymentIntents).Metadata;
        Assert.Equal("12", sent["table"]);
        Assert.Equal("snapshot", sent["stk_checkout_id"]);
        var stored = CheckoutStateSerializer.Deserialize((await store.LoadAsync("snapshot"))!.StateJson).Request;
        Assert.Equal("12", stored.Metadata!["table"]);
        Assert.Equal("Flat white", Assert.Single(stored.CartLines!).Description);
    }

    /// <summary>Holds the checkout's first save after the start (the one before any Stripe call) until released.</summary>
    private sealed class HoldsTheFirstCall : ForwardingCheckoutStore
    {
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Release() => _released.TrySetResult();

        public override async ValueTask SaveAsync(CheckoutRecord record, long replacesVersion, CancellationToken cancellationToken = default)
        {
            if (replacesVersion == 1)
            {
                await _released.Task;
            }

            await base.SaveAsync(record, replacesVersion, cancellationToken);
        }
    }
}
