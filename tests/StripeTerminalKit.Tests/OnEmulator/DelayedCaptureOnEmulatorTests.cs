using StripeTerminalKit.Errors;
using StripeTerminalKit.Payments;
using StripeTerminalKit.Tests.TestSupport;

namespace StripeTerminalKit.Tests.OnEmulator;

/// <summary>
/// Australia's <c>automatic_delayed</c> capture with <c>capture_delay_days</c> (docs:
/// terminal/payments/regional AU; facts corrections table), through the payments module: sent as
/// Stripe expects it (Stripe.net 53.1.0 has no property for the delay), refused before any call
/// where it cannot apply.
/// </summary>
public sealed class DelayedCaptureOnEmulatorTests
{
    [Fact]
    public async Task AutomaticDelayed_is_sent_as_the_card_present_capture_method_with_its_delay()
    {
        await using var kit = TestKit.OnEmulator("AU");

        var payment = await kit.Payments.CreateAsync(new CreatePaymentRequest(1000) { CaptureMethod = CaptureMethod.AutomaticDelayed, CaptureDelayDays = 4 });
        var raw = await kit.Emulator!.CreateStripeClient(TestSecrets.ApiKey).V1.PaymentIntents.GetAsync(payment.Id);

        Assert.Equal("automatic_delayed", raw.PaymentMethodOptions.CardPresent.CaptureMethod);
        Assert.Equal(4, raw.RawJsonElement!.Value.GetProperty("payment_method_options").GetProperty("card_present").GetProperty("capture_delay_days").GetInt32());
    }

    [Theory]
    [InlineData("US", 4, "CaptureMethod")]
    [InlineData("AU", null, "CaptureDelayDays")]
    [InlineData("AU", 0, "CaptureDelayDays")]
    [InlineData("AU", 31, "CaptureDelayDays")]
    public async Task AutomaticDelayed_outside_Australia_or_without_a_valid_delay_is_refused_before_any_call(string country, int? days, string parameter)
    {
        await using var kit = TestKit.OnEmulator(country);
        var before = kit.Emulator!.RequestLog.Count;

        var error = await Assert.ThrowsAsync<TerminalValidationException>(() =>
            kit.Payments.CreateAsync(new CreatePaymentRequest(1000) { CaptureMethod = CaptureMethod.AutomaticDelayed, CaptureDelayDays = days }));

        Assert.Equal(parameter, error.Parameter);
        Assert.Equal(before, kit.Emulator.RequestLog.Count);
    }

    [Fact]
    public async Task A_delay_without_AutomaticDelayed_is_refused_before_any_call()
    {
        await using var kit = TestKit.OnEmulator("AU");

        var error = await Assert.ThrowsAsync<TerminalValidationException>(() =>
            kit.Payments.CreateAsync(new CreatePaymentRequest(1000) { CaptureMethod = CaptureMethod.Manual, CaptureDelayDays = 2 }));

        Assert.Equal("CaptureDelayDays", error.Parameter);
    }
}
