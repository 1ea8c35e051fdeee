using StripeTerminalKit.Checkout;
using K = StripeTerminalKit.Checkout.CheckoutCommandKind;
using S = StripeTerminalKit.Payments.IntentStatus;
using A = StripeTerminalKit.Readers.ReaderActionStatus;
using StripeTerminalKit.Errors;

namespace StripeTerminalKit.Tests.Checkout;

/// <summary>The remaining rows of the table: refusals while ending, races the simulation found, final deadlines.</summary>
public sealed class CheckoutMachineEdgeTests
{
    [Fact]
    public void A_cancel_stripe_refuses_needs_attention()
    {
        var h = new MachineHarness();
        h.ToAwaitingRetry();
        h.Cancel();

        h.Fail(K.CancelPaymentIntent, StripeFailureKind.Rejected, "permission_denied");

        var attention = Assert.IsType<CheckoutNeedsAttention>(h.Result);
        Assert.Equal(NeedsAttentionReason.CancellationRejected, attention.Reason);
        Assert.Equal("permission_denied", attention.Code);
    }

    [Fact]
    public void A_lost_cancel_action_response_is_verified_before_cancelling_again()
    {
        var h = new MachineHarness();
        h.ToWaiting();
        h.Cancel();

        var commands = h.Fail(K.CancelReaderAction, StripeFailureKind.ServerError);
        Assert.Contains(commands, c => c.Kind == K.RetrieveReader);
        h.AnswerReads(MachineHarness.Reader(A.InProgress), MachineHarness.Pi(S.RequiresPaymentMethod));

        Assert.Equal(2, h.Count(K.CancelReaderAction));
        Assert.Equal("stk:order-1:cancel_action:2", h.LastOf(K.CancelReaderAction).Key.ToString());
    }

    [Fact]
    public void A_lost_refund_during_cancellation_refunds_only_what_is_still_unrefunded()
    {
        var h = new MachineHarness();
        h.ToWaiting();
        h.Cancel();
        h.Fail(K.CancelReaderAction, StripeFailureKind.ReaderBusy);
        h.Wake();
        h.AnswerReads(MachineHarness.Reader(A.Succeeded), null);
        h.AnswerReads(null, MachineHarness.Captured(network: "eftpos_au"));

        h.Fail(K.RefundPayment, StripeFailureKind.Network);
        h.Settle(MachineHarness.NoAction(), MachineHarness.Captured(network: "eftpos_au") with { AmountRefunded = 1000 });

        var canceled = Assert.IsType<CheckoutCanceled>(h.Result);
        Assert.Equal(1000, canceled.AmountRefunded);
        Assert.Equal(1, h.Count(K.RefundPayment));
    }

    [Fact]
    public void A_refused_refund_during_cancellation_needs_attention()
    {
        var h = new MachineHarness();
        h.ToAwaitingRetry();
        h.Cancel();
        h.Fail(K.CancelPaymentIntent, StripeFailureKind.InvalidState);
        h.Settle(MachineHarness.NoAction(), MachineHarness.Captured());

        h.Fail(K.RefundPayment, StripeFailureKind.Rejected, "charge_disputed");

        Assert.Equal(NeedsAttentionReason.RefundRejected, Assert.IsType<CheckoutNeedsAttention>(h.Result).Reason);
    }

    [Fact]
    public void Cancel_while_a_capture_waits_to_be_repeated_voids_instead_of_capturing()
    {
        var h = new MachineHarness();
        h.ToWaiting();
        h.Wake();
        h.AnswerReads(MachineHarness.Reader(A.Succeeded), null);
        h.AnswerReads(null, MachineHarness.Authorized());
        h.Cancel();

        h.Fail(K.CapturePaymentIntent, StripeFailureKind.RateLimited);
        h.Wake();
        h.AnswerReads(MachineHarness.Reader(A.Succeeded), MachineHarness.Authorized());

        Assert.Equal(1, h.Count(K.CapturePaymentIntent));
        Assert.True(h.Issued(K.CancelPaymentIntent));
    }

    [Fact]
    public void Cancel_while_a_send_waits_to_be_repeated_never_hands_the_payment_to_the_reader_again()
    {
        var h = new MachineHarness();
        h.ToSend();
        h.Fail(K.ProcessPaymentIntent, StripeFailureKind.RateLimited);

        h.Cancel();
        h.Settle(MachineHarness.NoAction(), MachineHarness.Pi(S.RequiresPaymentMethod));
        h.Answer(K.CancelPaymentIntent, MachineHarness.Pi(S.Canceled));

        Assert.Equal(1, h.Count(K.ProcessPaymentIntent));
        Assert.IsType<CheckoutCanceled>(h.Result);
    }

    [Fact]
    public void The_deadline_while_creation_backs_off_ends_canceled_by_the_deadline_without_a_payment_intent()
    {
        var h = new MachineHarness();
        h.Start();

        for (var i = 0; i < 1000 && h.Result is null; i++)
        {
            if (h.State.Pending == PendingKind.Mutation)
            {
                h.Fail(K.CreatePaymentIntent, StripeFailureKind.ServerError);
            }
            else
            {
                h.Wake();
            }
        }

        var canceled = Assert.IsType<CheckoutCanceled>(h.Result);
        Assert.Equal(CheckoutCanceledBy.Deadline, canceled.CanceledBy);
        Assert.Null(canceled.PaymentIntentId);
    }

    [Fact]
    public void A_payment_intent_stuck_in_processing_past_the_deadline_needs_attention()
    {
        var h = new MachineHarness();
        h.ToWaiting();
        h.Wake();
        h.AnswerReads(MachineHarness.Reader(A.Succeeded), null);

        for (var i = 0; i < 10_000 && h.Result is null; i++)
        {
            if (h.State.Pending == PendingKind.Reads)
            {
                h.AnswerReads(MachineHarness.Reader(A.Succeeded), MachineHarness.Pi(S.Processing));
            }
            else
            {
                h.Wake();
            }
        }

        Assert.Equal(NeedsAttentionReason.PaymentIntentProcessing, Assert.IsType<CheckoutNeedsAttention>(h.Result).Reason);
        Assert.False(h.Issued(K.CancelPaymentIntent));
    }

    [Fact]
    public void A_capture_that_is_never_confirmed_needs_attention_as_capture_unconfirmed()
    {
        var h = new MachineHarness();
        h.ToWaiting();
        h.Tick(TimeSpan.FromMinutes(5));
        h.Fail(K.CancelReaderAction, StripeFailureKind.Network);
        h.AnswerReads(MachineHarness.Reader(A.Succeeded), MachineHarness.Authorized());

        for (var i = 0; i < 10_000 && h.Result is null; i++)
        {
            if (h.State.Pending == PendingKind.Mutation)
            {
                h.Fail(K.CapturePaymentIntent, StripeFailureKind.RateLimited);
            }
            else
            {
                h.Wake();
            }
        }

        Assert.Equal(NeedsAttentionReason.CaptureUnconfirmed, Assert.IsType<CheckoutNeedsAttention>(h.Result).Reason);
    }

    [Fact]
    public void A_payment_intent_stripe_no_longer_knows_needs_attention()
    {
        var h = new MachineHarness();
        h.ToWaiting();
        h.Wake();
        h.AnswerReads(MachineHarness.Reader(A.Succeeded), null);

        h.Fire(CheckoutEvent.Failed(h.Now, h.State.IntentTicket, StripeFailureKind.NotFound, "resource_missing"));

        Assert.Equal(NeedsAttentionReason.PaymentIntentNotFound, Assert.IsType<CheckoutNeedsAttention>(h.Result).Reason);
    }

    [Fact]
    public void A_reader_that_no_longer_exists_runs_no_action_of_ours()
    {
        var h = new MachineHarness();
        h.ToWaiting();
        h.Wake();

        h.Fire(CheckoutEvent.Failed(h.Now, h.State.ReaderTicket, StripeFailureKind.NotFound, "resource_missing"));
        h.AnswerReads(null, MachineHarness.Pi(S.RequiresPaymentMethod));

        Assert.Equal(CheckoutState.AwaitingRetry, h.PublicState);
    }

    [Fact]
    public void A_failed_read_is_retried_after_a_backoff()
    {
        var h = new MachineHarness();
        h.ToWaiting();
        h.Wake();

        var now = h.Fire(CheckoutEvent.Failed(h.Now, h.State.ReaderTicket, StripeFailureKind.RateLimited));
        Assert.DoesNotContain(now, c => c.Kind == K.RetrieveReader);
        var later = h.Wake();

        Assert.Contains(later, c => c.Kind == K.RetrieveReader);
    }

    [Fact]
    public void Time_that_runs_backwards_in_an_event_does_not_move_the_machine_back()
    {
        var h = new MachineHarness();
        h.ToWaiting();
        var before = h.State.Now;

        h.Fire(CheckoutEvent.Tick(before - TimeSpan.FromMinutes(10)));

        Assert.Equal(before, h.State.Now);
    }
}
