using Stripe;
using Stripe.Terminal;

namespace StripeTerminalKit.Emulator.Tests.Behaviour;

/// <summary>
/// Interac (Canada): <c>interac_present</c> in CAD only, single-message (captured at once),
/// refunded only in person on the reader with <c>refund_payment</c>, where partial refund amounts
/// ending in 01/05/55/65/75 decline.
/// </summary>
public sealed class InteracTests
{
    private static Task<(PaymentIntent Intent, Reader Reader)> PayInteracAsync(Scenario s, long amount, string? captureMethod = null) =>
        s.PayAsync(amount, TestCards.Interac, captureMethod: captureMethod, currency: "cad", types: ["interac_present"]);

    private static Task<Reader> RefundOnReaderAsync(Scenario s, string paymentIntentId, long? amount = null, bool? cancellable = null) =>
        s.Stripe.V1.Terminal.Readers.RefundPaymentAsync(s.ReaderId, new ReaderRefundPaymentOptions
        {
            PaymentIntent = paymentIntentId,
            Amount = amount,
            RefundPaymentConfig = cancellable is null ? null : new ReaderRefundPaymentConfigOptions { EnableCustomerCancellation = cancellable },
        });

    [Fact]
    public async Task Interac_is_only_for_CAD()
    {
        await using var s = await Scenario.StartAsync();

        var e = await Scenario.FailsAsync(() => s.CreatePaymentIntentAsync(1000, "aud", types: ["interac_present"]));

        Assert.Equal("invalid_request_error", e.StripeError.Type);
        Assert.Empty(s.Emulator.GetLedger().PaymentIntents);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("automatic")]
    public async Task An_interac_payment_is_captured_in_one_step(string? captureMethod)
    {
        await using var s = await Scenario.StartAsync();

        var (pi, reader) = await PayInteracAsync(s, 1500, captureMethod);

        Assert.Equal("succeeded", reader.Action.Status);
        Assert.Equal("succeeded", pi.Status);
        Assert.Equal(1500, pi.AmountReceived);
        Assert.True(pi.LatestCharge.Captured);
        Assert.Equal("interac_present", pi.LatestCharge.PaymentMethodDetails.Type);
    }

    /// <summary>
    /// "Interac no longer supports capture_method=manual (basil 2025-03-31): create refused"
    /// (changelog basil 2025-03-31; facts corrections table, row "Interac capture").
    /// </summary>
    [Theory]
    [InlineData("interac_present")]
    [InlineData("card_present,interac_present")]
    public async Task An_interac_payment_intent_with_manual_capture_is_refused(string typeList)
    {
        var types = typeList.Split(',');
        await using var s = await Scenario.StartAsync();

        var e = await Scenario.FailsAsync(() => s.CreatePaymentIntentAsync(1500, "cad", captureMethod: "manual", types: types));
        var cardOnly = await s.CreatePaymentIntentAsync(1500, "cad", captureMethod: "manual", types: ["card_present"]);

        Assert.Equal(System.Net.HttpStatusCode.BadRequest, e.HttpStatusCode);
        Assert.Equal("invalid_request_error", e.StripeError.Type);
        Assert.Equal("capture_method", e.StripeError.Param);
        Assert.Equal("manual", cardOnly.CaptureMethod);
        Assert.Single(s.Emulator.GetLedger().PaymentIntents);
    }

    [Fact]
    public async Task An_interac_payment_cannot_be_refunded_online()
    {
        await using var s = await Scenario.StartAsync();
        var (pi, _) = await PayInteracAsync(s, 1500);

        var e = await Scenario.FailsAsync(() => s.Stripe.V1.Refunds.CreateAsync(new RefundCreateOptions { PaymentIntent = pi.Id }));

        Assert.Equal("invalid_request_error", e.StripeError.Type);
        Assert.Empty(s.Emulator.GetLedger().Refunds);
    }

    [Fact]
    public async Task An_interac_payment_is_refunded_in_person_when_the_card_is_presented()
    {
        await using var s = await Scenario.StartAsync();
        var (pi, _) = await PayInteracAsync(s, 1500);

        var waiting = await RefundOnReaderAsync(s, pi.Id);
        var refunded = await s.PresentAsync(TestCards.Interac, type: "interac_present");

        Assert.Equal("refund_payment", waiting.Action.Type);
        Assert.Equal("in_progress", waiting.Action.Status);
        Assert.Equal(1500, waiting.Action.RefundPayment.Amount);
        Assert.Equal(pi.LatestChargeId, waiting.Action.RefundPayment.ChargeId);
        Assert.Equal("succeeded", refunded.Action.Status);
        var refund = await s.Stripe.V1.Refunds.GetAsync(refunded.Action.RefundPayment.RefundId);
        Assert.Equal("succeeded", refund.Status);
        Assert.Equal(1500, refund.Amount);
        Assert.True(s.Emulator.GetLedger().Refunds.Single().InPerson);
        Assert.Equal(1500, (await s.Stripe.V1.Charges.GetAsync(pi.LatestChargeId)).AmountRefunded);
    }

    /// <summary>
    /// "In-person refunds are only available on Interac" (docs: terminal/features/refunds;
    /// stripe-terminal-facts.md corrections table, row "In-person refunds"): a Visa, eftpos or an
    /// Interac-less card_present payment is refused before the reader is given anything to do.
    /// </summary>
    [Theory]
    [InlineData(TestCards.Visa, "aud")]
    [InlineData(TestCards.EftposAuDebit, "aud")]
    [InlineData(TestCards.Mastercard, "cad")]
    public async Task A_payment_that_is_not_interac_cannot_be_refunded_on_the_reader(string card, string currency)
    {
        await using var s = await Scenario.StartAsync();
        var (pi, _) = await s.PayAsync(1500, card, currency: currency);
        var before = (await s.GetReaderAsync()).Action;

        var byIntent = await Scenario.FailsAsync(() => RefundOnReaderAsync(s, pi.Id));
        var byCharge = await Scenario.FailsAsync(() => s.Stripe.V1.Terminal.Readers.RefundPaymentAsync(s.ReaderId, new ReaderRefundPaymentOptions { Charge = pi.LatestChargeId }));

        Assert.Equal(System.Net.HttpStatusCode.BadRequest, byIntent.HttpStatusCode);
        Assert.Equal("invalid_request_error", byIntent.StripeError.Type);
        Assert.Equal("payment_intent", byIntent.StripeError.Param);
        Assert.Contains("only available for Interac", byIntent.StripeError.Message, StringComparison.Ordinal);
        Assert.Equal("charge", byCharge.StripeError.Param);
        var after = (await s.GetReaderAsync()).Action;
        Assert.Equal(before.Type, after.Type);
        Assert.Equal("succeeded", after.Status);
        Assert.Empty(s.Emulator.GetLedger().Refunds);

        // The way Stripe documents instead: an online refund.
        var online = await s.Stripe.V1.Refunds.CreateAsync(new RefundCreateOptions { PaymentIntent = pi.Id });
        Assert.Equal("succeeded", online.Status);
    }

    [Theory]
    [InlineData(1001)]
    [InlineData(1005)]
    [InlineData(1055)]
    [InlineData(1065)]
    [InlineData(1075)]
    public async Task A_partial_in_person_refund_with_a_decline_amount_fails(long amount)
    {
        await using var s = await Scenario.StartAsync();
        var (pi, _) = await PayInteracAsync(s, 5000);

        await RefundOnReaderAsync(s, pi.Id, amount);
        var reader = await s.PresentAsync(TestCards.Interac, type: "interac_present");

        Assert.Equal("failed", reader.Action.Status);
        Assert.Equal("card_declined", reader.Action.FailureCode);
        Assert.Empty(s.Emulator.GetLedger().Refunds);
        Assert.Equal(0, (await s.Stripe.V1.Charges.GetAsync(pi.LatestChargeId)).AmountRefunded);
    }

    [Fact]
    public async Task A_partial_in_person_refund_with_another_amount_succeeds()
    {
        await using var s = await Scenario.StartAsync();
        var (pi, _) = await PayInteracAsync(s, 5000);

        await RefundOnReaderAsync(s, pi.Id, 1000);
        var reader = await s.PresentAsync(TestCards.Interac, type: "interac_present");

        Assert.Equal("succeeded", reader.Action.Status);
        Assert.Equal(1000, (await s.Stripe.V1.Charges.GetAsync(pi.LatestChargeId)).AmountRefunded);
    }

    [Fact]
    public async Task An_in_person_refund_cannot_exceed_what_is_left_to_refund()
    {
        await using var s = await Scenario.StartAsync();
        var (pi, _) = await PayInteracAsync(s, 1500);
        await RefundOnReaderAsync(s, pi.Id, 1000);
        await s.PresentAsync(TestCards.Interac, type: "interac_present");

        var e = await Scenario.FailsAsync(() => RefundOnReaderAsync(s, pi.Id, 600));

        Assert.Equal("amount_too_large", e.StripeError.Code);
        Assert.Equal("succeeded", (await s.GetReaderAsync()).Action.Status);
    }

    [Fact]
    public async Task The_customer_can_cancel_an_in_person_refund_when_allowed()
    {
        await using var s = await Scenario.StartAsync();
        var (pi, _) = await PayInteracAsync(s, 1500);
        await RefundOnReaderAsync(s, pi.Id, cancellable: true);

        Assert.True(s.Emulator.Customer.CancelOnReader(s.ReaderId));

        var reader = await s.GetReaderAsync();
        Assert.Equal("failed", reader.Action.Status);
        Assert.Equal("customer_canceled", reader.Action.FailureCode);
        Assert.Empty(s.Emulator.GetLedger().Refunds);
    }
}
