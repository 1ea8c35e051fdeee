using StripeTerminalKit.Checkout;
using StripeTerminalKit.Emulator;

namespace StripeTerminalKit.Tests.Checkout.Driver;

/// <summary>How often a waiting checkout reads its reader alone, as the options set it.</summary>
public sealed class PollPaceTests
{
    /// <summary>
    /// Webhooks off and batching off, so the checkout reads its own reader; the customer taps after
    /// <paramref name="tapAfter"/>. Gives the gaps between the reads from <paramref name="from"/> to
    /// <paramref name="to"/> after the start.
    /// </summary>
    private static async Task<TimeSpan[]> ReadGapsAsync(TimeSpan? pollInterval, int tapAfter, int from, int to)
    {
        await using var h = await CheckoutHarness.StartAsync(webhooks: false, configure: o =>
        {
            o.BatchPollInterval = TimeSpan.Zero;
            o.PollInterval = pollInterval ?? o.PollInterval;
        });
        h.Emulator.Customer.Automate(CustomerAction.Tap(TestCards.Visa, TimeSpan.FromSeconds(tapAfter)));
        var started = h.Time.GetUtcNow();
        Assert.IsType<CheckoutSucceeded>(await h.CompleteAsync(await h.Checkout.StartAsync(h.Sale("pace", 1400))));
        var reads = h.Emulator.RequestLog
            .Where(r => r.Operation == EmulatorOperations.ReadersGet && r.At > started + TimeSpan.FromSeconds(from) && r.At < started + TimeSpan.FromSeconds(to))
            .Select(r => r.At)
            .ToArray();
        Assert.True(reads.Length >= 5, $"only {reads.Length} reads between {from} s and {to} s");
        return reads.Zip(reads.Skip(1), (a, b) => b - a).ToArray();
    }

    [Fact]
    public async Task A_poll_interval_slower_than_the_slow_pace_is_never_sped_up_after_the_first_minute()
    {
        // Slowing down after the first minute must not read faster than the pace the application asked for.
        var pace = TimeSpan.FromSeconds(12);

        var gaps = await ReadGapsAsync(pace, tapAfter: 150, from: 20, to: 150);

        Assert.All(gaps, gap => Assert.True(gap >= pace, $"reads {gap} apart: {string.Join(", ", gaps)}"));
    }

    [Fact]
    public async Task The_default_single_read_pace_slows_from_two_to_five_seconds_after_the_first_minute()
    {
        Assert.All(await ReadGapsAsync(null, tapAfter: 120, from: 10, to: 55), gap => Assert.Equal(TimeSpan.FromSeconds(2), gap));
        Assert.All(await ReadGapsAsync(null, tapAfter: 120, from: 70, to: 115), gap => Assert.Equal(TimeSpan.FromSeconds(5), gap));
    }
}
