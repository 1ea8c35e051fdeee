using StripeTerminalKit.Checkout;
using StripeTerminalKit.Emulator;

namespace StripeTerminalKit.Tests.Checkout.Driver;

/// <summary>WatchAsync yields each state once, and its last update carries the result.</summary>
public sealed class CheckoutWatchTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 24, 9, 0, 0, TimeSpan.Zero);

    private static CheckoutUpdate Update(CheckoutState state, string? paymentIntentId = null, CheckoutResult? result = null) =>
        new("order-1", state, At, paymentIntentId, result);

    [Fact]
    public async Task A_completed_state_is_reported_once_with_its_result()
    {
        var handle = CheckoutHandle.ForTesting(Update(CheckoutState.Created));
        var paid = new CheckoutSucceeded { CheckoutId = "order-1", Currency = "aud", AmountCaptured = 1000 };
        var watching = Collect(handle);

        handle.PublishForTesting(Update(CheckoutState.WaitingForCustomer, "pi_1"));
        handle.PublishForTesting(Update(CheckoutState.WaitingForCustomer, "pi_2"));
        handle.PublishForTesting(Update(CheckoutState.Succeeded, "pi_2"));
        handle.PublishForTesting(Update(CheckoutState.Succeeded, "pi_2", paid));
        var seen = await watching;

        Assert.Equal([CheckoutState.Created, CheckoutState.WaitingForCustomer, CheckoutState.Succeeded], seen.Select(u => u.State));
        Assert.Same(paid, seen[^1].Result);
        Assert.All(seen[..^1], u => Assert.Null(u.Result));
        Assert.Same(paid, await handle.WaitForCompletionAsync());
    }

    [Fact]
    public async Task A_completed_state_the_checkout_moves_on_from_is_still_reported()
    {
        var handle = CheckoutHandle.ForTesting(Update(CheckoutState.Created));
        var watching = Collect(handle);

        handle.PublishForTesting(Update(CheckoutState.Authorized, "pi_1"));
        handle.PublishForTesting(Update(CheckoutState.Capturing, "pi_1"));
        handle.PublishForTesting(Update(CheckoutState.Succeeded, "pi_1", new CheckoutSucceeded { CheckoutId = "order-1", Currency = "aud", AmountCaptured = 1000 }));
        var seen = await watching;

        Assert.Equal([CheckoutState.Created, CheckoutState.Authorized, CheckoutState.Capturing, CheckoutState.Succeeded], seen.Select(u => u.State));
    }

    [Fact]
    public async Task A_real_checkout_streams_distinct_states_ending_with_the_result()
    {
        await using var h = await CheckoutHarness.StartAsync();
        h.Emulator.Customer.Automate(CustomerAction.Tap(TestCards.Visa, TimeSpan.FromSeconds(2)));
        var handle = await h.Checkout.StartAsync(h.Sale("order-watch-once"));
        var watching = Task.Run(() => Collect(handle));

        var result = await h.CompleteAsync(handle);
        var seen = await watching.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(seen.Count, seen.Select(u => u.State).Distinct().Count());
        Assert.Same(result, seen[^1].Result);
        Assert.Single(seen, u => u.Result is not null);
    }

    [Fact]
    public void A_real_handle_cannot_be_moved_by_a_test()
    {
        var handle = new CheckoutHandle(Update(CheckoutState.Created));

        Assert.Throws<InvalidOperationException>(() => handle.PublishForTesting(Update(CheckoutState.Failed)));
    }

    private static async Task<List<CheckoutUpdate>> Collect(CheckoutHandle handle)
    {
        var seen = new List<CheckoutUpdate>();
        await foreach (var update in handle.WatchAsync())
        {
            seen.Add(update);
        }

        return seen;
    }
}
