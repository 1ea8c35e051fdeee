using System.Net;
using Stripe;

namespace StripeTerminalKit.Emulator.Tests.Behaviour;

/// <summary>
/// The money rules: capture only from <c>requires_capture</c> and at most what is capturable;
/// cancel only before the money moved; refunds only of captured money, never more than what is
/// left; and a refund that fails asynchronously (<see cref="TestCards.RefundFails"/>).
/// </summary>
public sealed class CaptureCancelRefundRulesTests
{
    [Fact]
    public async Task Capture_takes_the_whole_authorisation_by_default()
    {
        await using var s = await Scenario.StartAsync();
        var (pi, _) = await s.PayAsync(1000, TestCards.Visa, captureMethod: "manual");

        var captured = await s.Stripe.V1.PaymentIntents.CaptureAsync(pi.Id);
        var charge = await s.Stripe.V1.Charges.GetAsync(pi.LatestChargeId);

        Assert.Equal("succeeded", captured.Status);
        Assert.Equal(1000, captured.AmountReceived);
        Assert.Equal(0, captured.AmountCapturable);
        Assert.True(charge.Captured);
        Assert.Equal(1000, charge.AmountCaptured);
    }

    [Fact]
    public async Task A_partial_capture_captures_less_and_refunds_are_bounded_by_it()
    {
        await using var s = await Scenario.StartAsync();
        var (pi, _) = await s.PayAsync(1000, TestCards.Visa, captureMethod: "manual");

        var captured = await s.Stripe.V1.PaymentIntents.CaptureAsync(pi.Id, new PaymentIntentCaptureOptions { AmountToCapture = 600 });
        var tooMuch = await Scenario.FailsAsync(() => s.Stripe.V1.Refunds.CreateAsync(new RefundCreateOptions { PaymentIntent = pi.Id, Amount = 601 }));
        var refund = await s.Stripe.V1.Refunds.CreateAsync(new RefundCreateOptions { PaymentIntent = pi.Id });

        Assert.Equal(600, captured.AmountReceived);
        Assert.Equal(0, captured.AmountCapturable);
        Assert.Equal(HttpStatusCode.BadRequest, tooMuch.HttpStatusCode);
        Assert.Equal("amount_too_large", tooMuch.StripeError.Code);
        Assert.Equal(600, refund.Amount);
        var charge = s.Emulator.GetLedger().Charges.Single();
        Assert.Equal(600, charge.AmountCaptured);
        Assert.Equal(600, charge.AmountRefunded);
    }

    [Fact]
    public async Task Capturing_more_than_capturable_is_refused()
    {
        await using var s = await Scenario.StartAsync();
        var (pi, _) = await s.PayAsync(1000, TestCards.Visa, captureMethod: "manual");

        var e = await Scenario.FailsAsync(() => s.Stripe.V1.PaymentIntents.CaptureAsync(pi.Id, new PaymentIntentCaptureOptions { AmountToCapture = 1001 }));

        Assert.Equal(HttpStatusCode.BadRequest, e.HttpStatusCode);
        Assert.Equal("requires_capture", (await s.GetPaymentIntentAsync(pi.Id)).Status);
    }

    [Theory]
    [InlineData("requires_payment_method")]
    [InlineData("requires_confirmation")]
    [InlineData("succeeded")]
    [InlineData("canceled")]
    public async Task Only_requires_capture_can_be_captured(string state)
    {
        await using var s = await Scenario.StartAsync();
        var pi = await IntentInStateAsync(s, state);

        var e = await Scenario.FailsAsync(() => s.Stripe.V1.PaymentIntents.CaptureAsync(pi));

        Assert.Equal(HttpStatusCode.BadRequest, e.HttpStatusCode);
        Assert.Equal("payment_intent_unexpected_state", e.StripeError.Code);
        Assert.Equal(state, (await s.GetPaymentIntentAsync(pi)).Status);
    }

    [Theory]
    [InlineData("requires_payment_method")]
    [InlineData("requires_confirmation")]
    [InlineData("requires_capture")]
    public async Task An_intent_can_be_cancelled_before_the_money_moved(string state)
    {
        await using var s = await Scenario.StartAsync();
        var pi = await IntentInStateAsync(s, state);

        var cancelled = await s.Stripe.V1.PaymentIntents.CancelAsync(pi, new PaymentIntentCancelOptions { CancellationReason = "abandoned" });

        Assert.Equal("canceled", cancelled.Status);
        Assert.Equal("abandoned", cancelled.CancellationReason);
        Assert.NotNull(cancelled.CanceledAt);
        Assert.Equal(0, cancelled.AmountCapturable);
        Assert.Equal(0, cancelled.AmountReceived);
    }

    [Fact]
    public async Task Cancelling_an_authorised_intent_voids_its_charge()
    {
        await using var s = await Scenario.StartAsync();
        var pi = await IntentInStateAsync(s, "requires_capture");

        await s.Stripe.V1.PaymentIntents.CancelAsync(pi);
        var charge = s.Emulator.GetLedger().Charges.Single();

        Assert.True(charge.Voided);
        Assert.False(charge.Captured);
        Assert.Contains("charge.refunded", await s.EventTypesAsync());
    }

    [Theory]
    [InlineData("succeeded")]
    [InlineData("canceled")]
    public async Task A_succeeded_or_cancelled_intent_cannot_be_cancelled(string state)
    {
        await using var s = await Scenario.StartAsync();
        var pi = await IntentInStateAsync(s, state);

        var e = await Scenario.FailsAsync(() => s.Stripe.V1.PaymentIntents.CancelAsync(pi));

        Assert.Equal("payment_intent_unexpected_state", e.StripeError.Code);
        Assert.Equal(state, (await s.GetPaymentIntentAsync(pi)).Status);
    }

    [Fact]
    public async Task Cancelling_an_intent_waiting_on_a_reader_stops_the_reader_waiting()
    {
        await using var s = await Scenario.StartAsync();
        var pi = await s.CreatePaymentIntentAsync(1000);
        await s.ProcessAsync(pi.Id);

        await s.Stripe.V1.PaymentIntents.CancelAsync(pi.Id);
        var reader = await s.GetReaderAsync();

        Assert.NotEqual("in_progress", reader.Action.Status);
        await Scenario.FailsAsync(() => s.PresentAsync(TestCards.Visa));
        Assert.Empty(s.Emulator.GetLedger().Charges);
    }

    [Fact]
    public async Task An_uncaptured_payment_cannot_be_refunded()
    {
        await using var s = await Scenario.StartAsync();
        var pi = await IntentInStateAsync(s, "requires_capture");

        var e = await Scenario.FailsAsync(() => s.Stripe.V1.Refunds.CreateAsync(new RefundCreateOptions { PaymentIntent = pi }));

        Assert.Equal(HttpStatusCode.BadRequest, e.HttpStatusCode);
        Assert.Empty(s.Emulator.GetLedger().Refunds);
    }

    [Fact]
    public async Task Refunds_add_up_to_at_most_the_captured_amount()
    {
        await using var s = await Scenario.StartAsync();
        var (pi, _) = await s.PayAsync(1000, TestCards.Visa);

        await s.Stripe.V1.Refunds.CreateAsync(new RefundCreateOptions { PaymentIntent = pi.Id, Amount = 300 });
        await s.Stripe.V1.Refunds.CreateAsync(new RefundCreateOptions { Charge = pi.LatestChargeId, Amount = 300 });
        var tooMuch = await Scenario.FailsAsync(() => s.Stripe.V1.Refunds.CreateAsync(new RefundCreateOptions { PaymentIntent = pi.Id, Amount = 401 }));
        var rest = await s.Stripe.V1.Refunds.CreateAsync(new RefundCreateOptions { PaymentIntent = pi.Id });
        var again = await Scenario.FailsAsync(() => s.Stripe.V1.Refunds.CreateAsync(new RefundCreateOptions { PaymentIntent = pi.Id, Amount = 1 }));
        var charge = await s.Stripe.V1.Charges.GetAsync(pi.LatestChargeId);
        var listed = await s.Stripe.V1.Refunds.ListAsync(new RefundListOptions { PaymentIntent = pi.Id });

        Assert.Equal("amount_too_large", tooMuch.StripeError.Code);
        Assert.Equal(400, rest.Amount);
        Assert.Equal(HttpStatusCode.BadRequest, again.HttpStatusCode);
        Assert.Equal(1000, charge.AmountRefunded);
        Assert.True(charge.Refunded);
        Assert.Equal(3, listed.Data.Count);
        Assert.Equal(1000, s.Emulator.GetLedger().Refunds.Sum(r => r.Amount));
    }

    [Fact]
    public async Task An_in_person_refund_counts_against_what_is_left_to_refund_online()
    {
        await using var s = await Scenario.StartAsync();
        var (pi, _) = await s.PayAsync(1000, TestCards.Interac, currency: "cad", types: ["interac_present"]);

        await s.Stripe.V1.Terminal.Readers.RefundPaymentAsync(s.ReaderId, new Stripe.Terminal.ReaderRefundPaymentOptions { PaymentIntent = pi.Id, Amount = 700 });
        var second = await Scenario.FailsAsync(() => s.Stripe.V1.Terminal.Readers.RefundPaymentAsync(s.ReaderId, new Stripe.Terminal.ReaderRefundPaymentOptions { PaymentIntent = pi.Id, Amount = 400 }));
        var done = await s.PresentAsync(TestCards.Interac, type: "interac_present");

        Assert.Equal(HttpStatusCode.BadRequest, second.HttpStatusCode);
        Assert.Equal("succeeded", done.Action.Status);
        var refund = s.Emulator.GetLedger().Refunds.Single();
        Assert.True(refund.InPerson);
        Assert.Equal(700, refund.Amount);
    }

    [Fact]
    public async Task A_refund_on_the_refund_fails_card_succeeds_first_then_fails_asynchronously()
    {
        await using var s = await Scenario.StartAsync(o => o.RefundFailureDelay = TimeSpan.FromSeconds(5));
        var (pi, _) = await s.PayAsync(1000, TestCards.RefundFails);

        var refund = await s.Stripe.V1.Refunds.CreateAsync(new RefundCreateOptions { PaymentIntent = pi.Id });
        var chargeBefore = await s.Stripe.V1.Charges.GetAsync(pi.LatestChargeId);
        s.Time.Advance(TimeSpan.FromSeconds(5));
        var failed = await s.Stripe.V1.Refunds.GetAsync(refund.Id);
        var chargeAfter = await s.Stripe.V1.Charges.GetAsync(pi.LatestChargeId);

        Assert.Equal("succeeded", pi.Status);
        Assert.Equal("succeeded", refund.Status);
        Assert.Equal(1000, chargeBefore.AmountRefunded);
        Assert.Equal("failed", failed.Status);
        Assert.Equal("expired_or_canceled_card", failed.FailureReason);
        Assert.Equal(0, chargeAfter.AmountRefunded);
        Assert.False(chargeAfter.Refunded);
        Assert.Equal("failed", s.Emulator.GetLedger().Refunds.Single().Status);
        var events = await s.EventsAsync();
        var refundFailed = Assert.Single(events, e => e.Event.Type == "refund.failed");
        Assert.Equal(failed.Id, ((Refund)refundFailed.Event.Data.Object).Id);
        Assert.Contains(events, e => e.Event.Type == "charge.refund.updated");

        // The money is back on the charge, so it can be refunded again (another way).
        var retry = await s.Stripe.V1.Refunds.CreateAsync(new RefundCreateOptions { PaymentIntent = pi.Id, Amount = 1000 });
        Assert.Equal(1000, retry.Amount);
    }

    /// <summary>A PaymentIntent brought to <paramref name="state"/> the way a POS would.</summary>
    private static async Task<string> IntentInStateAsync(Scenario s, string state)
    {
        var pi = await s.CreatePaymentIntentAsync(1000, captureMethod: state == "requires_capture" ? "manual" : null);
        switch (state)
        {
            case "requires_confirmation":
                await s.CollectAsync(pi.Id);
                await s.PresentAsync(TestCards.Visa);
                break;
            case "requires_capture":
            case "succeeded":
                await s.ProcessAsync(pi.Id);
                await s.PresentAsync(TestCards.Visa);
                break;
            case "canceled":
                await s.Stripe.V1.PaymentIntents.CancelAsync(pi.Id);
                break;
        }

        Assert.Equal(state, (await s.GetPaymentIntentAsync(pi.Id)).Status);
        return pi.Id;
    }

    /// <summary>"cancellation_reason stays null when none is given" (API reference, cancel a PaymentIntent; facts corrections table).</summary>
    [Fact]
    public async Task Cancelling_without_a_reason_leaves_cancellation_reason_null()
    {
        await using var s = await Scenario.StartAsync();
        var plain = await s.CreatePaymentIntentAsync(1000);
        var withReason = await s.CreatePaymentIntentAsync(1000);

        var canceled = await s.Stripe.V1.PaymentIntents.CancelAsync(plain.Id);
        var canceledWithReason = await s.Stripe.V1.PaymentIntents.CancelAsync(withReason.Id, new PaymentIntentCancelOptions { CancellationReason = "abandoned" });

        Assert.Equal("canceled", canceled.Status);
        Assert.Null(canceled.CancellationReason);
        Assert.Contains("\"cancellation_reason\":null", canceled.StripeResponse.Content, StringComparison.Ordinal);
        Assert.Equal("abandoned", canceledWithReason.CancellationReason);
    }

    /// <summary>A declined charge's outcome.reason carries its decline code (captured real responses; facts corrections table, "Declines").</summary>
    [Theory]
    [InlineData(TestCards.InsufficientFunds, 1000, "insufficient_funds")]
    [InlineData(TestCards.LostCard, 1000, "lost_card")]
    [InlineData(TestCards.Visa, 1005, "generic_decline")]
    [InlineData(TestCards.Visa, 1055, "incorrect_pin")]
    public async Task A_declined_charge_has_its_decline_code_as_outcome_reason(string card, long amount, string declineCode)
    {
        await using var s = await Scenario.StartAsync();
        var (pi, _) = await s.PayAsync(amount, card);

        var charge = await s.Stripe.V1.Charges.GetAsync(pi.LatestChargeId);

        Assert.Equal("failed", charge.Status);
        Assert.Equal(declineCode, charge.Outcome.Reason);
        Assert.Equal("issuer_declined", charge.Outcome.Type);
    }

    /// <summary>
    /// Australia: payment_method_options[card_present][capture_method]=automatic_delayed with
    /// capture_delay_days (docs: terminal/payments/regional?integration-country=AU; facts
    /// corrections table, "AU capture options"): authorised now, captured by Stripe after the delay.
    /// </summary>
    [Fact]
    public async Task Australia_accepts_automatic_delayed_and_captures_after_the_delay()
    {
        await using var s = await Scenario.StartAsync();
        var options = new PaymentIntentCreateOptions
        {
            Amount = 2000,
            Currency = "aud",
            AllowedPaymentMethodTypes = ["card_present"],
            PaymentMethodOptions = new PaymentIntentPaymentMethodOptionsOptions
            {
                CardPresent = new PaymentIntentPaymentMethodOptionsCardPresentOptions { CaptureMethod = "automatic_delayed" },
            },
        };
        options.AddExtraParam("payment_method_options[card_present][capture_delay_days]", "3");
        var pi = await s.Stripe.V1.PaymentIntents.CreateAsync(options);
        await s.ProcessAsync(pi.Id);
        await s.PresentAsync(TestCards.Visa);

        var authorised = await s.GetPaymentIntentAsync(pi.Id);
        s.Time.Advance(TimeSpan.FromDays(3));
        var captured = await s.GetPaymentIntentAsync(pi.Id);

        Assert.Contains("\"capture_delay_days\":3", pi.StripeResponse.Content, StringComparison.Ordinal);
        Assert.Equal("automatic_delayed", pi.PaymentMethodOptions.CardPresent.CaptureMethod);
        Assert.Equal("requires_capture", authorised.Status);
        Assert.Equal("succeeded", captured.Status);
        Assert.Equal(2000, captured.AmountReceived);
        Assert.True(captured.LatestCharge.Captured);
    }

    [Theory]
    [InlineData("nzd", "3", "payment_method_options[card_present][capture_method]")]
    [InlineData("aud", null, "payment_method_options[card_present][capture_delay_days]")]
    public async Task Automatic_delayed_needs_australia_and_a_delay(string currency, string? days, string param)
    {
        await using var s = await Scenario.StartAsync();
        var options = new PaymentIntentCreateOptions
        {
            Amount = 2000,
            Currency = currency,
            AllowedPaymentMethodTypes = ["card_present"],
            PaymentMethodOptions = new PaymentIntentPaymentMethodOptionsOptions
            {
                CardPresent = new PaymentIntentPaymentMethodOptionsCardPresentOptions { CaptureMethod = "automatic_delayed" },
            },
        };
        if (days is not null)
        {
            options.AddExtraParam("payment_method_options[card_present][capture_delay_days]", days);
        }

        var e = await Scenario.FailsAsync(() => s.Stripe.V1.PaymentIntents.CreateAsync(options));

        Assert.Equal(param, e.StripeError.Param);
        Assert.Empty(s.Emulator.GetLedger().PaymentIntents);
    }
}
