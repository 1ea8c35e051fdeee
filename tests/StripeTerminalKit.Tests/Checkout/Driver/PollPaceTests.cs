using StripeTerminalKit.Checkout;
using StripeTerminalKit.Emulator;

namespace StripeTerminalKit.Tests.Checkout.Driver;

/// <summary>How often a waiting checkout reads its reader alone, as the options set it.</summary>
public sealed class PollPaceTests
{
    [Fact]
    public async Task A_poll_interval_slower_than_the_slow_pace_is_never_sped_up_after_the_first_minute()
    {
        // Webhooks off and batching off: the checkout reads its own reader at PollInterval. Slowing
        // down after the first minute must not read faster than the pace the application asked for.
        var pace = TimeSpan.FromSeconds(12);
        await using var h = await CheckoutHarness.StartAsync(webhooks: false, configure: o =>
        {
            o.BatchPollInterval = TimeSpan.Zero;
            o.PollInterval = pace;
        });
        h.Emulator.Customer.Automate(CustomerAction.Tap(TestCards.Visa, TimeSpan.FromSeconds(150)));
        var started = h.Time.GetUtcNow();

        var result = await h.CompleteAsync(await h.Checkout.StartAsync(h.Sale("slow-pace", 1400)));

        Assert.IsType<CheckoutSucceeded>(result);
        var waiting = h.Emulator.RequestLog
            .Where(r => r.Operation == EmulatorOperations.ReadersGet && r.At > started + TimeSpan.FromSeconds(20) && r.At < started + TimeSpan.FromSeconds(150))
            .Select(r => r.At)
            .ToArray();
        Assert.True(waiting.Length >= 5, $"only {waiting.Length} reads while the customer waited");
        var gaps = waiting.Zip(waiting.Skip(1), (a, b) => b - a).ToArray();
        Assert.All(gaps, gap => Assert.True(gap >= pace, $"reads {gap} apart: {string.Join(", ", gaps)}"));
    }

    [Fact]
    public async Task The_default_single_read_pace_slows_from_two_to_five_seconds_after_the_first_minute()
    {
        await using var h = await CheckoutHarness.StartAsync(webhooks: false, configure: o => o.BatchPollInterval = TimeSpan.Zero);
        h.Emulator.Customer.Automate(CustomerAction.Tap(TestCards.Visa, TimeSpan.FromSeconds(120)));
        var started = h.Time.GetUtcNow();

        var result = await h.CompleteAsync(await h.Checkout.StartAsync(h.Sale("default-pace", 1400)));

        Assert.IsType<CheckoutSucceeded>(result);
        TimeSpan[] Gaps(int from, int to)
        {
            var at = h.Emulator.RequestLog
                .Where(r => r.Operation == EmulatorOperations.ReadersGet && r.At > started + TimeSpan.FromSeconds(from) && r.At < started + TimeSpan.FromSeconds(to))
                .Select(r => r.At)
                .ToArray();
            return at.Zip(at.Skip(1), (a, b) => b - a).ToArray();
        }

        Assert.All(Gaps(10, 55), gap => Assert.Equal(TimeSpan.FromSeconds(2), gap));
        Assert.All(Gaps(70, 115), gap => Assert.Equal(TimeSpan.FromSeconds(5), gap));
    }
}
