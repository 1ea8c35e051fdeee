using StripeTerminalKit.Checkout;
using StripeTerminalKit.Polling;

namespace StripeTerminalKit.Tests.Polling;

/// <summary>Every reader-poll default comes from <see cref="PollingDefaults"/>, with the values the README documents.</summary>
public sealed class PollingDefaultsTests
{
    [Fact]
    public void The_public_knobs_and_the_machine_take_their_defaults_from_one_place()
    {
        var checkout = new StripeTerminalCheckoutOptions();
        var kit = new StripeTerminalOptions();

        Assert.Equal(
            (PollingDefaults.SafetyNet, PollingDefaults.Batch, PollingDefaults.SingleRead, PollingDefaults.ActionWait),
            (checkout.SafetyNetPollInterval, checkout.BatchPollInterval, checkout.PollInterval, kit.ReaderPollInterval));
        Assert.Equal((PollingDefaults.SingleRead, PollingDefaults.SlowRead), (CheckoutMachineOptions.Default.PollInterval, CheckoutMachineOptions.Default.PollSlowInterval));
    }

    [Fact]
    public void The_defaults_are_the_documented_ones()
    {
        Assert.Equal(
            (TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(1)),
            (PollingDefaults.SafetyNet, PollingDefaults.Batch, PollingDefaults.SingleRead, PollingDefaults.SlowRead, PollingDefaults.ActionWait));
    }

    [Theory]
    [InlineData(1, 5)]
    [InlineData(2, 5)]
    [InlineData(5, 5)]
    [InlineData(12, 12)]
    public void Slowing_down_after_the_first_minute_never_reads_faster_than_the_configured_pace(int singleRead, int expected)
    {
        Assert.Equal(TimeSpan.FromSeconds(expected), PollingDefaults.SlowReadAfter(TimeSpan.FromSeconds(singleRead)));
    }
}
