using StripeTerminalKit.Checkout;
using StripeTerminalKit.Payments;

namespace StripeTerminalKit.Tests.Checkout;

/// <summary>Stripe's automatic_delayed rule, written once and read by the payments module and the checkout request alike.</summary>
public sealed class DelayedCaptureRuleTests
{
    [Theory]
    [InlineData(true, 7, "aud", "AU", null)]
    [InlineData(true, 7, "aud", null, null)]
    [InlineData(false, null, "aud", "AU", null)]
    [InlineData(true, 7, "nzd", "AU", "CaptureMethod")]
    [InlineData(true, 7, "aud", "NZ", "CaptureMethod")]
    [InlineData(true, null, "aud", "AU", "CaptureDelayDays")]
    [InlineData(false, 7, "aud", "AU", "CaptureDelayDays")]
    [InlineData(true, 0, "aud", "AU", "CaptureDelayDays")]
    [InlineData(true, 31, "aud", "AU", "CaptureDelayDays")]
    public void Names_the_first_setting_Stripe_would_refuse(bool delayed, int? days, string currency, string? country, string? parameter)
    {
        Assert.Equal(parameter, DelayedCaptureRule.Check(delayed, days, currency, country)?.Parameter);
    }

    [Theory]
    [InlineData(7, "nzd", "CaptureMode")]
    [InlineData(null, "aud", "CaptureDelayDays")]
    [InlineData(45, "aud", "CaptureDelayDays")]
    public void A_checkout_request_is_refused_by_the_same_rule_before_any_call(int? days, string currency, string parameter)
    {
        var request = new CheckoutRequest
        {
            CheckoutId = "order-1",
            ReaderId = "tmr_1",
            Amount = 1000,
            Currency = currency,
            CaptureMode = CheckoutCaptureMode.AutomaticDelayed,
            CaptureDelayDays = days,
        };

        var error = Assert.Throws<ArgumentException>(request.Validate);
        Assert.Equal(parameter, error.ParamName);
    }
}
