using StripeTerminalKit.Checkout;
using StripeTerminalKit.Payments;
using K = StripeTerminalKit.Checkout.CheckoutCommandKind;
using S = StripeTerminalKit.Payments.IntentStatus;
using StripeTerminalKit.Errors;

namespace StripeTerminalKit.Tests.Checkout;

/// <summary>Capture later, void and refund on a completed checkout.</summary>
public sealed class CheckoutMachineOperationTests
{
    private static MachineHarness Authorized()
    {
        var h = new MachineHarness(MachineHarness.Request(capture: CheckoutCaptureMode.Manual));
        h.ToAuthorized();
        return h;
    }

    private static MachineHarness Captured()
    {
        var h = new MachineHarness();
        h.ToCaptured();
        return h;
    }

    private static CheckoutOperationResult Report(MachineHarness h) => h.LastOf(K.ReportOperation).Operation!;

    [Fact]
    public void Capture_later_reads_the_intent_first_then_captures_the_full_authorisation()
    {
        var h = Authorized();

        var commands = h.Fire(CheckoutEvent.Capture(h.Now));
        Assert.Equal([K.RetrievePaymentIntent], commands.Where(c => c.Kind != K.ScheduleWakeUp).Select(c => c.Kind));
        h.AnswerReads(null, MachineHarness.Authorized());
        Assert.Equal(1000, h.LastOf(K.CapturePaymentIntent).Amount);
        h.Answer(K.CapturePaymentIntent, MachineHarness.Captured());

        var report = Report(h);
        Assert.Equal(CheckoutOperation.Capture, report.Operation);
        Assert.Equal(CheckoutOperationStatus.Succeeded, report.Status);
        Assert.Equal(1000, report.Amount);
        Assert.Equal(CheckoutState.Succeeded, h.PublicState);
        Assert.Single(h.All, c => c.Kind == K.Complete);
    }

    [Fact]
    public void Capture_later_can_capture_part_of_the_authorisation()
    {
        var h = Authorized();

        h.Fire(CheckoutEvent.Capture(h.Now, 600));
        h.AnswerReads(null, MachineHarness.Authorized());
        Assert.Equal(600, h.LastOf(K.CapturePaymentIntent).Amount);
        h.Answer(K.CapturePaymentIntent, MachineHarness.Pi(S.Succeeded, 1000, received: 600));

        Assert.Equal(600, Report(h).Amount);
        Assert.Equal(600, h.State.AmountCaptured);
    }

    [Fact]
    public void Capturing_more_than_was_authorised_is_rejected_without_a_call()
    {
        var h = Authorized();
        var mark = h.Mark;

        h.Fire(CheckoutEvent.Capture(h.Now, 1001));

        Assert.Equal(CheckoutOperationRejection.AmountExceedsCapturable, Report(h).Rejection);
        Assert.Equal([K.ReportOperation], h.KindsSince(mark));
    }

    [Fact]
    public void Capturing_an_already_captured_payment_is_rejected()
    {
        var h = Captured();

        h.Fire(CheckoutEvent.Capture(h.Now));

        Assert.Equal(CheckoutOperationRejection.AlreadyCaptured, Report(h).Rejection);
    }

    [Fact]
    public void Capture_before_completion_is_rejected()
    {
        var h = new MachineHarness();
        h.ToWaiting();

        h.Fire(CheckoutEvent.Capture(h.Now));

        Assert.Equal(CheckoutOperationRejection.NotAllowedInState, Report(h).Rejection);
        Assert.False(h.Issued(K.CapturePaymentIntent));
    }

    [Fact]
    public void Capture_of_an_expired_authorisation_is_refused_as_cancelled()
    {
        var h = Authorized();

        h.Fire(CheckoutEvent.Capture(h.Now));
        h.AnswerReads(null, MachineHarness.Pi(S.Canceled) with { CancellationReason = "automatic" });

        Assert.Equal(CheckoutOperationRejection.PaymentIntentCanceled, Report(h).Rejection);
        Assert.False(h.Issued(K.CapturePaymentIntent));
        Assert.Equal(CheckoutState.Voided, h.PublicState);
    }

    [Fact]
    public void A_lost_capture_later_response_is_settled_by_reading_the_intent()
    {
        var h = Authorized();
        h.Fire(CheckoutEvent.Capture(h.Now));
        h.AnswerReads(null, MachineHarness.Authorized());

        h.Fail(K.CapturePaymentIntent, StripeFailureKind.Network);
        h.AnswerReads(null, MachineHarness.Captured());

        Assert.Equal(CheckoutOperationStatus.Succeeded, Report(h).Status);
        Assert.Equal(1, h.Count(K.CapturePaymentIntent));
    }

    [Fact]
    public void Cancel_of_an_authorised_payment_voids_it()
    {
        var h = Authorized();

        h.Cancel();
        h.AnswerReads(null, MachineHarness.Authorized());
        h.Answer(K.CancelPaymentIntent, MachineHarness.Pi(S.Canceled));

        var report = Report(h);
        Assert.Equal(CheckoutOperation.Void, report.Operation);
        Assert.Equal(CheckoutOperationStatus.Succeeded, report.Status);
        Assert.Equal(CheckoutState.Voided, h.PublicState);
    }

    [Fact]
    public void Capture_after_a_void_is_rejected()
    {
        var h = Authorized();
        h.Cancel();
        h.AnswerReads(null, MachineHarness.Authorized());
        h.Answer(K.CancelPaymentIntent, MachineHarness.Pi(S.Canceled));

        h.Fire(CheckoutEvent.Capture(h.Now));

        Assert.Equal(CheckoutOperationStatus.Rejected, Report(h).Status);
        Assert.False(h.Issued(K.CapturePaymentIntent));
    }

    [Fact]
    public void A_partial_then_a_full_refund_use_distinct_keys_and_end_refunded()
    {
        var h = Captured();

        h.Fire(CheckoutEvent.RefundRequest(h.Now, 400));
        h.AnswerReads(null, MachineHarness.Captured());
        Assert.Equal("stk:order-1:refund:1", h.LastOf(K.RefundPayment).Key.ToString());
        h.Answer(K.RefundPayment, new RefundObservation("re_1", 400, RefundStatus.Succeeded));
        Assert.Equal(CheckoutState.PartiallyRefunded, h.PublicState);
        Assert.Equal("re_1", Report(h).RefundId);

        h.Fire(CheckoutEvent.RefundRequest(h.Now));
        h.AnswerReads(null, MachineHarness.Captured() with { AmountRefunded = 400 });
        var second = h.LastOf(K.RefundPayment);
        Assert.Equal(600, second.Amount);
        Assert.Equal("stk:order-1:refund:2", second.Key.ToString());
        h.Answer(K.RefundPayment, new RefundObservation("re_2", 600, RefundStatus.Pending));

        Assert.Equal(CheckoutState.Refunded, h.PublicState);
    }

    [Fact]
    public void An_over_refund_is_refused_without_a_call()
    {
        var h = Captured();
        var mark = h.Mark;

        h.Fire(CheckoutEvent.RefundRequest(h.Now, 1001));

        Assert.Equal(CheckoutOperationRejection.AmountExceedsRefundable, Report(h).Rejection);
        Assert.Equal([K.ReportOperation], h.KindsSince(mark));
    }

    [Fact]
    public void An_over_refund_seen_only_on_the_fresh_read_is_refused()
    {
        var h = Captured();

        h.Fire(CheckoutEvent.RefundRequest(h.Now, 500));
        h.AnswerReads(null, MachineHarness.Captured() with { AmountRefunded = 800 });

        Assert.Equal(CheckoutOperationRejection.AmountExceedsRefundable, Report(h).Rejection);
        Assert.False(h.Issued(K.RefundPayment));
    }

    [Fact]
    public void A_lost_refund_response_is_never_refunded_twice()
    {
        var h = Captured();
        h.Fire(CheckoutEvent.RefundRequest(h.Now, 400));
        h.AnswerReads(null, MachineHarness.Captured());

        h.Fail(K.RefundPayment, StripeFailureKind.Network);
        h.AnswerReads(null, MachineHarness.Captured() with { AmountRefunded = 400 });

        Assert.Equal(CheckoutOperationStatus.Succeeded, Report(h).Status);
        Assert.Equal(1, h.Count(K.RefundPayment));
    }

    [Fact]
    public void A_refund_that_did_not_happen_is_resent_under_the_same_key()
    {
        var h = Captured();
        h.Fire(CheckoutEvent.RefundRequest(h.Now, 400));
        h.AnswerReads(null, MachineHarness.Captured());

        h.Fail(K.RefundPayment, StripeFailureKind.Network);
        h.AnswerReads(null, MachineHarness.Captured());

        Assert.Equal(2, h.Count(K.RefundPayment));
        Assert.Equal("stk:order-1:refund:1", h.LastOf(K.RefundPayment).Key.ToString());
    }

    [Fact]
    public void Refund_before_capture_is_rejected()
    {
        var h = Authorized();

        h.Fire(CheckoutEvent.RefundRequest(h.Now));

        Assert.Equal(CheckoutOperationRejection.NotAllowedInState, Report(h).Rejection);
    }

    [Fact]
    public void A_second_operation_while_one_runs_is_rejected()
    {
        var h = Captured();
        h.Fire(CheckoutEvent.RefundRequest(h.Now, 100));

        h.Fire(CheckoutEvent.RefundRequest(h.Now, 100));

        Assert.Equal(CheckoutOperationRejection.OperationInProgress, Report(h).Rejection);
    }

    [Fact]
    public void A_refund_refused_by_stripe_reports_failed_with_the_code()
    {
        var h = Captured();
        h.Fire(CheckoutEvent.RefundRequest(h.Now, 100));
        h.AnswerReads(null, MachineHarness.Captured());

        h.Fail(K.RefundPayment, StripeFailureKind.Rejected, "charge_disputed");

        var report = Report(h);
        Assert.Equal(CheckoutOperationStatus.Failed, report.Status);
        Assert.Equal("charge_disputed", report.Code);
    }

    [Fact]
    public void An_operation_whose_outcome_cannot_be_confirmed_reports_unknown()
    {
        var h = Captured();
        h.Fire(CheckoutEvent.RefundRequest(h.Now, 100));

        for (var i = 0; i < 1000 && h.State.Operation != PostOperation.None; i++)
        {
            foreach (var command in h.Last.Where(c => c.Ticket != 0))
            {
                h.Fire(CheckoutEvent.Failed(h.Now, command.Ticket, StripeFailureKind.Network));
            }

            if (h.State.Operation != PostOperation.None)
            {
                h.Wake();
            }
        }

        Assert.Equal(CheckoutOperationStatus.Unknown, Report(h).Status);
        Assert.False(h.Issued(K.RefundPayment));
    }
}
