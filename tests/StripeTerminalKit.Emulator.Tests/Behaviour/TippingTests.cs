using Stripe.Terminal;

namespace StripeTerminalKit.Emulator.Tests.Behaviour;

/// <summary>
/// On-reader tipping: <c>amount_tip</c> is added to the PaymentIntent amount and shown in
/// <c>amount_details.tip.amount</c>; <c>skip_tipping</c> and <c>amount_eligible = 0</c> turn it off.
/// </summary>
public sealed class TippingTests
{
    [Fact]
    public async Task A_tip_is_added_to_the_amount_and_reported_in_amount_details()
    {
        await using var s = await Scenario.StartAsync();

        var (pi, _) = await s.PayAsync(1000, TestCards.Visa, tip: 150);

        Assert.Equal("succeeded", pi.Status);
        Assert.Equal(1150, pi.Amount);
        Assert.Equal(1150, pi.AmountReceived);
        Assert.Equal(150, pi.AmountDetails.Tip.Amount);
        Assert.Equal(1150, pi.LatestCharge.Amount);
        Assert.Equal(1150, pi.LatestCharge.AmountCaptured);
    }

    [Fact]
    public async Task A_tip_on_a_manual_capture_payment_is_capturable()
    {
        await using var s = await Scenario.StartAsync();

        var (pi, _) = await s.PayAsync(2000, TestCards.Mastercard, captureMethod: "manual", tip: 300);
        var captured = await s.Stripe.V1.PaymentIntents.CaptureAsync(pi.Id);

        Assert.Equal("requires_capture", pi.Status);
        Assert.Equal(2300, pi.AmountCapturable);
        Assert.Equal(2300, captured.AmountReceived);
    }

    [Fact]
    public async Task No_tip_chosen_reports_a_zero_tip()
    {
        await using var s = await Scenario.StartAsync();

        var (pi, _) = await s.PayAsync(1000, TestCards.Visa);

        Assert.Equal(1000, pi.Amount);
        Assert.Equal(0, pi.AmountDetails.Tip.Amount);
    }

    [Fact]
    public async Task Skip_tipping_ignores_the_tip_and_leaves_the_tip_unset()
    {
        await using var s = await Scenario.StartAsync();
        var pi = await s.CreatePaymentIntentAsync(1000);
        var processing = await s.ProcessAsync(pi.Id, new ReaderProcessConfigOptions { SkipTipping = true });

        await s.PresentAsync(TestCards.Visa, tip: 200);

        var paid = await s.GetPaymentIntentAsync(pi.Id);
        Assert.True(processing.Action.ProcessPaymentIntent.ProcessConfig.SkipTipping);
        Assert.Equal(1000, paid.Amount);
        using var raw = System.Text.Json.JsonDocument.Parse(paid.StripeResponse.Content);
        Assert.False(raw.RootElement.GetProperty("amount_details").GetProperty("tip").TryGetProperty("amount", out _));
    }

    [Fact]
    public async Task A_zero_tip_eligible_amount_turns_tipping_off()
    {
        await using var s = await Scenario.StartAsync();
        var pi = await s.CreatePaymentIntentAsync(1000);
        var processing = await s.ProcessAsync(pi.Id, new ReaderProcessConfigOptions { Tipping = new ReaderProcessConfigTippingOptions { AmountEligible = 0 } });

        await s.PresentAsync(TestCards.Visa, tip: 200);

        var paid = await s.GetPaymentIntentAsync(pi.Id);
        Assert.Equal(0, processing.Action.ProcessPaymentIntent.ProcessConfig.Tipping.AmountEligible);
        Assert.Equal(1000, paid.Amount);
        Assert.Equal(1000, paid.AmountReceived);
    }

    [Fact]
    public async Task Skipping_tipping_with_a_positive_tip_eligible_amount_is_an_error()
    {
        await using var s = await Scenario.StartAsync();
        var pi = await s.CreatePaymentIntentAsync(1000);

        var e = await Scenario.FailsAsync(() => s.ProcessAsync(pi.Id, new ReaderProcessConfigOptions
        {
            SkipTipping = true,
            Tipping = new ReaderProcessConfigTippingOptions { AmountEligible = 500 },
        }));

        Assert.Equal(System.Net.HttpStatusCode.BadRequest, e.HttpStatusCode);
        Assert.Equal("invalid_request_error", e.StripeError.Type);
        Assert.Null((await s.GetReaderAsync()).Action);
    }

    [Fact]
    public async Task A_tip_collected_in_the_two_step_flow_is_charged_at_confirmation()
    {
        await using var s = await Scenario.StartAsync();
        var pi = await s.CreatePaymentIntentAsync(1000);
        await s.CollectAsync(pi.Id);
        await s.PresentAsync(TestCards.Visa, tip: 100);

        var collected = await s.GetPaymentIntentAsync(pi.Id);
        await s.ConfirmAsync(pi.Id);
        var paid = await s.GetPaymentIntentAsync(pi.Id);

        Assert.Equal("requires_confirmation", collected.Status);
        Assert.Equal(1100, collected.Amount);
        Assert.Equal("succeeded", paid.Status);
        Assert.Equal(1100, paid.AmountReceived);
        Assert.Equal(100, paid.AmountDetails.Tip.Amount);
    }

    [Fact]
    public async Task A_declined_tipped_attempt_does_not_keep_its_tip_on_the_intent()
    {
        await using var s = await Scenario.StartAsync();
        var pi = await s.CreatePaymentIntentAsync(1000);
        await s.ProcessAsync(pi.Id);
        await s.PresentAsync(TestCards.InsufficientFunds, tip: 200);

        var declined = await s.GetPaymentIntentAsync(pi.Id);
        await s.ProcessAsync(pi.Id);
        await s.PresentAsync(TestCards.Visa, tip: 100);
        var paid = await s.GetPaymentIntentAsync(pi.Id);

        Assert.Equal("requires_payment_method", declined.Status);
        Assert.Equal(1000, declined.Amount);
        Assert.Equal(1100, paid.Amount);
        Assert.Equal(1100, paid.AmountReceived);
        Assert.Equal(100, paid.AmountDetails.Tip.Amount);
    }
}
