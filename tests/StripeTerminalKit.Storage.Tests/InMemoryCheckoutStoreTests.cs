using StripeTerminalKit.Checkout;

namespace StripeTerminalKit.Storage.Tests;

public sealed class InMemoryCheckoutStoreTests : CheckoutStoreContract
{
    protected override Task<ICheckoutStore> CreateStoreAsync(TimeProvider time) => Task.FromResult<ICheckoutStore>(new InMemoryCheckoutStore(time));

    [Fact]
    public async Task The_store_is_bounded_the_oldest_completed_leave_first_and_unfinished_or_authorised_never()
    {
        var store = new InMemoryCheckoutStore(maxCompleted: 3);
        await store.SaveAsync(Record("running", 1), 0);
        await store.SaveAsync(Record("held", 1, CheckoutState.Authorized, reader: "tmr_h"), 0);
        for (var i = 0; i < 10; i++)
        {
            await store.SaveAsync(Record($"paid-{i}", 1, CheckoutState.Succeeded, reader: $"tmr_{i}"), 0);
        }

        Assert.Equal(5, store.Count);
        Assert.NotNull(await store.LoadAsync("running"));
        Assert.NotNull(await store.LoadAsync("held"));
        Assert.Null(await store.LoadAsync("paid-6"));
        Assert.NotNull(await store.LoadAsync("paid-7"));
        Assert.NotNull(await store.LoadAsync("paid-9"));
    }
}
