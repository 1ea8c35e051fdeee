using StripeTerminalKit.Checkout;
using StripeTerminalKit.Payments;
using K = StripeTerminalKit.Checkout.CheckoutCommandKind;
using S = StripeTerminalKit.Payments.IntentStatus;
using A = StripeTerminalKit.Readers.ReaderActionStatus;
using StripeTerminalKit.Errors;

namespace StripeTerminalKit.Tests.Checkout;

/// <summary>One test per reliability rule: declines, cancellation, the deadline, webhooks and crash-resume.</summary>
public sealed class CheckoutMachineRuleTests
{
    private static MachineHarness H(CheckoutRequest? request = null) => new(request);

    // ---- Decline, retry on the same PaymentIntent ---------------------------------------------

    [Fact]
    public void A_decline_keeps_the_intent_and_waits_for_a_retry()
    {
        var h = H();

        h.ToAwaitingRetry("insufficient_funds");

        Assert.Equal(CheckoutState.AwaitingRetry, h.PublicState);
        Assert.Equal("insufficient_funds", h.State.LastDeclineCode);
        Assert.False(h.Issued(K.CancelPaymentIntent));
        Assert.False(h.Issued(K.Complete));
    }

    [Theory]
    [InlineData("insufficient_funds", null, true)]
    [InlineData("card_declined", "do_not_honor", true)]
    [InlineData("a_failure_code_stripe_adds_later", null, false)]
    [InlineData("a_failure_code_stripe_adds_later", "generic_decline", true)]
    [InlineData("reader_timed_out", null, false)]
    public void The_machine_and_the_readers_module_read_a_failed_action_by_the_same_decline_rule(string failure, string? decline, bool isDecline)
    {
        var h = H();
        h.ToWaiting();
        h.Wake();

        h.AnswerReads(MachineHarness.Reader(A.Failed, failure: failure, decline: decline), null);
        h.AnswerReads(null, MachineHarness.Pi(S.RequiresPaymentMethod));

        // Before one rule: an unknown code was a decline to the machine and "other" to the readers module.
        Assert.Equal(CheckoutState.AwaitingRetry, h.PublicState);
        Assert.Equal(isDecline, h.State.LastWasDecline);
        Assert.Equal(isDecline, StripeTerminalKit.Readers.ReaderFailureRule.Classify(failure, decline) == StripeTerminalKit.Readers.ReaderActionFailureKind.CardDeclined);
    }

    [Fact]
    public void A_retry_sends_the_same_intent_to_the_reader_under_a_new_key()
    {
        var h = H();
        h.ToAwaitingRetry();

        var commands = h.Fire(CheckoutEvent.Retry(h.Now));

        var report = Assert.Single(commands, c => c.Kind == K.ReportOperation).Operation!;
        Assert.Equal(CheckoutOperationStatus.Accepted, report.Status);
        var send = h.LastOf(K.ProcessPaymentIntent);
        Assert.Equal("stk:order-1:process:2", send.Key.ToString());
        Assert.Equal(MachineHarness.IntentId, send.PaymentIntentId);
        Assert.Equal(2, send.Attempt);
        Assert.Equal(1, h.Count(K.CreatePaymentIntent));
    }

    [Fact]
    public void A_second_card_that_succeeds_completes_with_two_attempts()
    {
        var h = H();
        h.ToAwaitingRetry();
        h.Fire(CheckoutEvent.Retry(h.Now));
        h.Answer(K.ProcessPaymentIntent, MachineHarness.Reader(A.InProgress));
        h.Wake();

        h.AnswerReads(MachineHarness.Reader(A.Succeeded), null);
        h.AnswerReads(null, MachineHarness.Authorized());
        h.Answer(K.CapturePaymentIntent, MachineHarness.Captured());

        var result = Assert.IsType<CheckoutSucceeded>(h.Result);
        Assert.Equal(2, result.Attempts);
    }

    [Fact]
    public void A_retry_outside_a_decline_is_rejected()
    {
        var h = H();
        h.ToWaiting();

        var commands = h.Fire(CheckoutEvent.Retry(h.Now));

        var report = Assert.Single(commands).Operation!;
        Assert.Equal(CheckoutOperationStatus.Rejected, report.Status);
        Assert.Equal(CheckoutOperationRejection.NotAllowedInState, report.Rejection);
        Assert.Equal(1, h.Count(K.ProcessPaymentIntent));
    }

    [Fact]
    public void Without_retries_a_decline_ends_declined_and_cancels_the_intent()
    {
        var h = H(MachineHarness.Request(retry: false));
        h.ToWaiting();
        h.Wake();

        h.AnswerReads(MachineHarness.Reader(A.Failed, failure: "card_declined", decline: "insufficient_funds"), null);
        h.AnswerReads(null, MachineHarness.Pi(S.RequiresPaymentMethod, decline: "insufficient_funds"));
        h.Answer(K.CancelPaymentIntent, MachineHarness.Pi(S.Canceled));

        var declined = Assert.IsType<CheckoutDeclined>(h.Result);
        Assert.Equal("insufficient_funds", declined.DeclineCode);
        Assert.Equal(CheckoutState.Declined, h.PublicState);
    }

    [Fact]
    public void The_deadline_while_awaiting_a_retry_ends_declined_and_cancels_the_intent()
    {
        var h = H();
        h.ToAwaitingRetry("generic_decline");

        h.Wake();
        Assert.Equal(IntentCancellationReason.Abandoned, h.LastOf(K.CancelPaymentIntent).CancellationReason);
        h.Answer(K.CancelPaymentIntent, MachineHarness.Pi(S.Canceled));

        Assert.Equal("generic_decline", Assert.IsType<CheckoutDeclined>(h.Result).DeclineCode);
    }

    [Fact]
    public void Cancel_while_awaiting_a_retry_ends_canceled_with_the_last_decline()
    {
        var h = H();
        h.ToAwaitingRetry("insufficient_funds");

        h.Cancel();
        h.Answer(K.CancelPaymentIntent, MachineHarness.Pi(S.Canceled));

        var canceled = Assert.IsType<CheckoutCanceled>(h.Result);
        Assert.Equal(CheckoutCanceledBy.Merchant, canceled.CanceledBy);
        Assert.Equal("insufficient_funds", canceled.LastDeclineCode);
        Assert.False(h.Issued(K.CancelReaderAction));
    }

    [Fact]
    public void A_customer_cancel_on_the_reader_ends_canceled_by_the_customer()
    {
        var h = H();
        h.ToWaiting();
        h.Wake();

        h.AnswerReads(MachineHarness.Reader(A.Failed, failure: "customer_canceled"), null);
        h.AnswerReads(null, MachineHarness.Pi(S.RequiresPaymentMethod));
        Assert.Equal(IntentCancellationReason.RequestedByCustomer, h.LastOf(K.CancelPaymentIntent).CancellationReason);
        h.Answer(K.CancelPaymentIntent, MachineHarness.Pi(S.Canceled));

        Assert.Equal(CheckoutCanceledBy.Customer, Assert.IsType<CheckoutCanceled>(h.Result).CanceledBy);
    }

    [Fact]
    public void A_connection_error_on_the_reader_is_settled_by_the_intent_when_it_was_authorised()
    {
        var h = H();
        h.ToWaiting();
        h.Wake();

        h.AnswerReads(MachineHarness.Reader(A.Failed, failure: "connection_error"), null);
        h.AnswerReads(null, MachineHarness.Authorized());

        Assert.True(h.Issued(K.CapturePaymentIntent));
    }

    [Fact]
    public void A_connection_error_without_authorisation_is_a_failed_attempt_not_a_decline()
    {
        var h = H(MachineHarness.Request(retry: false));
        h.ToWaiting();
        h.Wake();

        h.AnswerReads(MachineHarness.Reader(A.Failed, failure: "connection_error"), null);
        h.AnswerReads(null, MachineHarness.Pi(S.RequiresPaymentMethod));
        h.Answer(K.CancelPaymentIntent, MachineHarness.Pi(S.Canceled));

        var failed = Assert.IsType<CheckoutFailed>(h.Result);
        Assert.Equal(CheckoutFailureReason.ReaderActionFailed, failed.Reason);
        Assert.Equal("connection_error", failed.Code);
    }

    [Fact]
    public void An_action_that_vanished_from_the_reader_is_a_failed_attempt_that_can_be_retried()
    {
        var h = H();
        h.ToWaiting();
        h.Wake();

        h.AnswerReads(MachineHarness.NoAction(), null);
        h.AnswerReads(null, MachineHarness.Pi(S.RequiresPaymentMethod));

        Assert.Equal(CheckoutState.AwaitingRetry, h.PublicState);
        Assert.Equal(StripeTerminalKit.Readers.ReaderFailureRule.ActionInterrupted, h.State.LastFailureCode);
        Assert.False(h.State.LastWasDecline);
    }

    // ---- Cancellation -------------------------------------------------------------------------

    [Fact]
    public void Cancel_while_waiting_cancels_the_reader_action_then_the_intent()
    {
        var h = H();
        h.ToWaiting();

        var commands = h.Cancel();
        Assert.Equal(CheckoutOperationStatus.Accepted, commands.Single(c => c.Kind == K.ReportOperation).Operation!.Status);
        Assert.Equal("stk:order-1:cancel_action:1", h.LastOf(K.CancelReaderAction).Key.ToString());
        Assert.Equal(CheckoutState.Canceling, h.PublicState);
        h.Answer(K.CancelReaderAction, MachineHarness.NoAction());
        Assert.Equal(IntentCancellationReason.RequestedByCustomer, h.LastOf(K.CancelPaymentIntent).CancellationReason);
        h.Answer(K.CancelPaymentIntent, MachineHarness.Pi(S.Canceled));

        var canceled = Assert.IsType<CheckoutCanceled>(h.Result);
        Assert.Equal(CheckoutCanceledBy.Merchant, canceled.CanceledBy);
        Assert.False(canceled.Voided);
        Assert.Equal(0, canceled.AmountRefunded);
        Assert.Equal(CheckoutState.Canceled, h.PublicState);
    }

    [Fact]
    public void Cancel_during_authorisation_waits_for_the_outcome_and_voids_an_authorisation()
    {
        var h = H();
        h.ToWaiting();
        h.Cancel();

        h.Fail(K.CancelReaderAction, StripeFailureKind.ReaderBusy, "terminal_reader_busy");
        Assert.Equal(h.Now + TimeSpan.FromSeconds(1), h.LastOf(K.ScheduleWakeUp).At);
        h.Wake();
        h.AnswerReads(MachineHarness.Reader(A.InProgress), null);
        h.Wake();
        h.AnswerReads(MachineHarness.Reader(A.Succeeded), null);
        h.AnswerReads(null, MachineHarness.Authorized());
        Assert.False(h.Issued(K.CapturePaymentIntent));
        h.Answer(K.CancelPaymentIntent, MachineHarness.Pi(S.Canceled));

        var canceled = Assert.IsType<CheckoutCanceled>(h.Result);
        Assert.True(canceled.Voided);
        Assert.Equal(1, h.Count(K.CancelReaderAction));
    }

    [Fact]
    public void Cancel_that_meets_a_payment_captured_in_one_step_refunds_it()
    {
        var h = H();
        h.ToWaiting();
        h.Cancel();
        h.Fail(K.CancelReaderAction, StripeFailureKind.ReaderBusy);
        h.Wake();

        h.AnswerReads(MachineHarness.Reader(A.Succeeded), null);
        h.AnswerReads(null, MachineHarness.Captured(network: "eftpos_au"));
        var refund = h.LastOf(K.RefundPayment);
        Assert.Equal(1000, refund.Amount);
        Assert.Equal("stk:order-1:refund:1", refund.Key.ToString());
        h.Answer(K.RefundPayment, new RefundObservation("re_1", 1000, RefundStatus.Succeeded));

        var canceled = Assert.IsType<CheckoutCanceled>(h.Result);
        Assert.Equal(1000, canceled.AmountRefunded);
        Assert.Equal("re_1", canceled.RefundId);
        Assert.False(h.Issued(K.CapturePaymentIntent));
    }

    [Fact]
    public void Cancel_stops_waiting_for_a_busy_reader_after_the_grace_and_cancels_the_intent()
    {
        var h = H();
        h.ToWaiting();
        h.Cancel();
        h.Fail(K.CancelReaderAction, StripeFailureKind.ReaderBusy);
        var busySince = h.Now;

        while (!h.Issued(K.CancelPaymentIntent))
        {
            h.Wake();
            h.AnswerReads(MachineHarness.Reader(A.InProgress), null);
        }

        Assert.True(h.Now - busySince >= CheckoutMachineOptions.Default.CancelBusyGrace);
        h.Answer(K.CancelPaymentIntent, MachineHarness.Pi(S.Canceled));
        Assert.IsType<CheckoutCanceled>(h.Result);
    }

    [Fact]
    public void Cancel_on_an_offline_reader_goes_straight_to_the_intent()
    {
        var h = H();
        h.ToWaiting();
        h.Cancel();

        var commands = h.Fail(K.CancelReaderAction, StripeFailureKind.ReaderOffline, "terminal_reader_offline");

        Assert.Contains(commands, c => c.Kind == K.CancelPaymentIntent);
    }

    [Fact]
    public void A_lost_cancel_response_is_settled_by_reading_the_intent()
    {
        var h = H();
        h.ToAwaitingRetry();
        h.Cancel();

        h.Fail(K.CancelPaymentIntent, StripeFailureKind.Network);
        h.Settle(MachineHarness.NoAction(), MachineHarness.Pi(S.Canceled));

        Assert.IsType<CheckoutCanceled>(h.Result);
        Assert.Equal(1, h.Count(K.CancelPaymentIntent));
    }

    [Fact]
    public void A_cancel_refused_because_the_payment_was_captured_meanwhile_refunds_it()
    {
        var h = H();
        h.ToAwaitingRetry();
        h.Cancel();

        h.Fail(K.CancelPaymentIntent, StripeFailureKind.InvalidState, "payment_intent_unexpected_state");
        h.Settle(MachineHarness.NoAction(), MachineHarness.Captured());

        Assert.Equal(1000, h.LastOf(K.RefundPayment).Amount);
    }

    [Fact]
    public void Cancel_before_start_completes_canceled_without_any_stripe_call()
    {
        var h = H();

        h.Cancel();
        h.Start();

        Assert.IsType<CheckoutCanceled>(h.Result);
        Assert.Empty(h.Calls);
    }

    [Fact]
    public void Cancel_during_creation_cancels_the_intent_once_it_exists()
    {
        var h = H();
        h.Start();

        var commands = h.Cancel();
        Assert.DoesNotContain(commands, c => c.IsMutation);
        h.Answer(K.CreatePaymentIntent, MachineHarness.Pi(S.RequiresPaymentMethod));
        h.Answer(K.CancelPaymentIntent, MachineHarness.Pi(S.Canceled));

        Assert.IsType<CheckoutCanceled>(h.Result);
        Assert.False(h.Issued(K.ProcessPaymentIntent));
    }

    [Fact]
    public void Cancel_while_creation_backs_off_ends_at_once_because_nothing_reached_a_reader()
    {
        var h = H();
        h.Start();
        h.Fail(K.CreatePaymentIntent, StripeFailureKind.Network);

        h.Cancel();

        var canceled = Assert.IsType<CheckoutCanceled>(h.Result);
        Assert.Null(canceled.PaymentIntentId);
        Assert.Equal(1, h.Count(K.CreatePaymentIntent));
    }

    [Fact]
    public void A_second_cancel_is_accepted_but_sends_nothing_new()
    {
        var h = H();
        h.ToWaiting();
        h.Cancel();

        var commands = h.Cancel();

        Assert.DoesNotContain(commands, c => c.IsMutation);
        Assert.Equal(1, h.Count(K.CancelReaderAction));
    }

    [Fact]
    public void Once_a_cancel_of_the_intent_was_sent_an_authorisation_found_later_is_voided_not_captured()
    {
        var h = H();
        h.ToAwaitingRetry();
        h.Tick(TimeSpan.FromMinutes(5));
        Assert.True(h.Issued(K.CancelPaymentIntent));

        h.Fail(K.CancelPaymentIntent, StripeFailureKind.InvalidState);
        h.Settle(MachineHarness.NoAction(), MachineHarness.Authorized());

        Assert.False(h.Issued(K.CapturePaymentIntent));
        Assert.Equal(2, h.Count(K.CancelPaymentIntent));
        Assert.Equal("stk:order-1:cancel:2", h.LastOf(K.CancelPaymentIntent).Key.ToString());
    }

    // ---- The deadline -------------------------------------------------------------------------

    [Fact]
    public void A_reader_that_dropped_mid_payment_still_ends_at_the_deadline()
    {
        var h = H();
        h.ToWaiting();

        // The action stays in_progress forever and no webhook ever comes.
        while (!h.Issued(K.CancelReaderAction))
        {
            h.Wake();
            if (h.State.Pending == PendingKind.Reads)
            {
                h.AnswerReads(MachineHarness.Reader(A.InProgress), null);
            }
        }

        Assert.Equal(MachineHarness.T0 + TimeSpan.FromMinutes(5), h.Now);
        h.Fail(K.CancelReaderAction, StripeFailureKind.ReaderOffline, "terminal_reader_offline");
        h.Answer(K.CancelPaymentIntent, MachineHarness.Pi(S.Canceled));

        Assert.Equal(CheckoutCanceledBy.Deadline, Assert.IsType<CheckoutCanceled>(h.Result).CanceledBy);
    }

    [Fact]
    public void The_deadline_keeps_a_payment_the_customer_already_approved()
    {
        var h = H();
        h.ToWaiting();
        h.Tick(TimeSpan.FromMinutes(5));
        Assert.True(h.Issued(K.CancelReaderAction));

        h.Fail(K.CancelReaderAction, StripeFailureKind.Network);
        h.AnswerReads(MachineHarness.Reader(A.Succeeded), MachineHarness.Authorized());
        h.Answer(K.CapturePaymentIntent, MachineHarness.Captured());

        Assert.IsType<CheckoutSucceeded>(h.Result);
        Assert.False(h.Issued(K.CancelPaymentIntent));
    }

    [Fact]
    public void The_deadline_keeps_a_payment_approved_just_before_its_cancel_reached_the_reader()
    {
        // Found by the chaos test (world 1000068): the cancel_action's answer showed the customer's
        // payment already through, and the checkout cancelled the PaymentIntent anyway, voiding it.
        var h = H();
        h.ToWaiting();
        h.Tick(TimeSpan.FromMinutes(5));

        // Stripe answers cancel_action with no action on the reader, approved or not.
        h.Answer(K.CancelReaderAction, MachineHarness.NoAction());
        h.AnswerReads(null, MachineHarness.Authorized());
        h.Answer(K.CapturePaymentIntent, MachineHarness.Captured());

        Assert.IsType<CheckoutSucceeded>(h.Result);
        Assert.False(h.Issued(K.CancelPaymentIntent));
    }

    [Fact]
    public void An_explicit_cancel_cancels_the_payment_intent_straight_after_the_reader_action_and_voids_an_approval()
    {
        var h = H();
        h.ToWaiting();
        h.Cancel();

        h.Answer(K.CancelReaderAction, MachineHarness.NoAction());
        h.Answer(K.CancelPaymentIntent, MachineHarness.Pi(S.Canceled, amount: 1000, refunded: 1000));

        var canceled = Assert.IsType<CheckoutCanceled>(h.Result);
        Assert.True(canceled.Voided);
        Assert.False(h.Issued(K.CapturePaymentIntent));
    }

    [Fact]
    public void With_stripe_unreachable_the_checkout_still_ends_needing_attention_after_the_deadline()
    {
        var h = H();
        h.ToWaiting();

        for (var i = 0; i < 10_000 && h.Result is null; i++)
        {
            h.Wake();
            foreach (var command in h.Last.Where(c => c.Ticket != 0))
            {
                h.Fire(CheckoutEvent.Failed(h.Now, command.Ticket, StripeFailureKind.Network));
            }
        }

        var attention = Assert.IsType<CheckoutNeedsAttention>(h.Result);
        Assert.Equal(NeedsAttentionReason.CancellationUnconfirmed, attention.Reason);
        Assert.True(h.Now <= MachineHarness.T0 + TimeSpan.FromMinutes(5) + CheckoutMachineOptions.Default.SettleGrace);
        Assert.Single(h.All, c => c.Kind == K.Complete);
    }

    [Fact]
    public void Cancel_after_the_deadline_becomes_a_merchant_cancel_that_voids_an_authorisation()
    {
        var h = H();
        h.ToWaiting();
        h.Tick(TimeSpan.FromMinutes(5));
        h.Cancel();

        h.Fail(K.CancelReaderAction, StripeFailureKind.Network);
        h.AnswerReads(MachineHarness.Reader(A.Succeeded), MachineHarness.Authorized());
        h.Answer(K.CancelPaymentIntent, MachineHarness.Pi(S.Canceled));

        var canceled = Assert.IsType<CheckoutCanceled>(h.Result);
        Assert.Equal(CheckoutCanceledBy.Merchant, canceled.CanceledBy);
        Assert.True(canceled.Voided);
        Assert.False(h.Issued(K.CapturePaymentIntent));
    }

    // ---- Webhooks -----------------------------------------------------------------------------

    [Fact]
    public void A_webhook_is_a_hint_that_triggers_a_fresh_read_not_a_result()
    {
        var h = H();
        h.ToWaiting();

        var commands = h.Fire(CheckoutEvent.ReaderHint(h.Now, MachineHarness.Reader(A.Succeeded)));

        Assert.Equal([K.RetrieveReader, K.RetrievePaymentIntent],
            commands.Where(c => c.Kind != K.ScheduleWakeUp).Select(c => c.Kind));
        Assert.Null(h.Result);
    }

    [Fact]
    public void Webhooks_alone_complete_a_checkout_before_any_poll()
    {
        var h = H();
        h.ToWaiting();

        h.Fire(CheckoutEvent.ReaderHint(h.Now, MachineHarness.Reader(A.Succeeded)));
        h.AnswerReads(MachineHarness.Reader(A.Succeeded), MachineHarness.Authorized());
        h.Answer(K.CapturePaymentIntent, MachineHarness.Captured());

        Assert.IsType<CheckoutSucceeded>(h.Result);
        Assert.Equal(1, h.Count(K.RetrieveReader));
    }

    [Fact]
    public void A_stale_decline_webhook_from_the_previous_attempt_is_ignored_after_a_fresh_read()
    {
        var h = H();
        h.ToAwaitingRetry();
        h.Fire(CheckoutEvent.Retry(h.Now));
        h.Answer(K.ProcessPaymentIntent, MachineHarness.Reader(A.InProgress));

        h.Fire(CheckoutEvent.ReaderHint(h.Now, MachineHarness.Reader(A.Failed, failure: "card_declined", decline: "insufficient_funds")));
        h.AnswerReads(MachineHarness.Reader(A.InProgress), MachineHarness.Pi(S.RequiresPaymentMethod, decline: "insufficient_funds"));

        Assert.Equal(CheckoutState.WaitingForCustomer, h.PublicState);
        Assert.Equal(2, h.State.Attempt);
    }

    [Fact]
    public void A_duplicate_webhook_causes_no_second_read()
    {
        var h = H(MachineHarness.Request(capture: CheckoutCaptureMode.Manual));
        h.ToAwaitingRetry();
        var hint = MachineHarness.Reader(A.Failed, failure: "card_declined", decline: "insufficient_funds");

        var commands = h.Fire(CheckoutEvent.ReaderHint(h.Now, hint));

        Assert.DoesNotContain(commands, c => c.Kind == K.RetrieveReader);
    }

    [Fact]
    public void Webhooks_for_another_payment_intent_or_reader_are_ignored()
    {
        var h = H();
        h.ToWaiting();

        var other = h.Fire(CheckoutEvent.ReaderHint(h.Now, MachineHarness.Reader(A.Succeeded, intent: "pi_other")));
        var otherReader = h.Fire(CheckoutEvent.ReaderHint(h.Now, MachineHarness.Reader(A.Succeeded) with { ReaderId = "tmr_other" }));
        var otherIntent = h.Fire(CheckoutEvent.IntentHint(h.Now, MachineHarness.Authorized() with { Id = "pi_other" }));

        Assert.Empty(other);
        Assert.Empty(otherReader);
        Assert.Empty(otherIntent);
    }

    [Fact]
    public void A_webhook_arriving_after_polling_concluded_is_ignored()
    {
        var h = H();
        h.ToCaptured();

        var reader = h.Fire(CheckoutEvent.ReaderHint(h.Now, MachineHarness.Reader(A.Succeeded)));
        var intent = h.Fire(CheckoutEvent.IntentHint(h.Now, MachineHarness.Captured()));

        Assert.Empty(reader);
        Assert.Empty(intent);
        Assert.Single(h.All, c => c.Kind == K.Complete);
    }

    [Fact]
    public void A_webhook_during_a_send_is_used_once_the_send_is_acknowledged()
    {
        var h = H();
        h.ToSend();

        var during = h.Fire(CheckoutEvent.ReaderHint(h.Now, MachineHarness.Reader(A.Succeeded)));
        Assert.Empty(during);
        var after = h.Answer(K.ProcessPaymentIntent, MachineHarness.Reader(A.InProgress));

        Assert.Contains(after, c => c.Kind == K.RetrieveReader);
        Assert.Contains(after, c => c.Kind == K.RetrievePaymentIntent);
    }

    [Fact]
    public void A_payment_intent_webhook_triggers_a_fresh_read()
    {
        var h = H();
        h.ToWaiting();

        var commands = h.Fire(CheckoutEvent.IntentHint(h.Now, MachineHarness.Authorized()));

        Assert.Contains(commands, c => c.Kind == K.RetrievePaymentIntent);
    }

    // ---- Crash and resume ---------------------------------------------------------------------

    private static MachineHarness Restart(MachineHarness crashed)
    {
        var h = new MachineHarness { State = crashed.State, Now = crashed.Now + TimeSpan.FromSeconds(30) };
        h.Fire(CheckoutEvent.Resume(h.Now));
        return h;
    }

    [Fact]
    public void Resuming_with_a_create_in_flight_resends_it_under_the_same_key()
    {
        var before = H();
        before.Start();

        var h = Restart(before);
        h.Wake();

        Assert.Equal("stk:order-1:create:1", h.LastOf(K.CreatePaymentIntent).Key.ToString());
    }

    [Fact]
    public void Resuming_with_a_send_in_flight_reads_before_resending()
    {
        var before = H();
        before.ToSend();

        var h = Restart(before);
        Assert.Equal([K.RetrieveReader, K.RetrievePaymentIntent], h.KindsSince(0));
        h.AnswerReads(MachineHarness.Reader(A.InProgress), MachineHarness.Pi(S.RequiresPaymentMethod));

        Assert.Equal(CheckoutState.WaitingForCustomer, h.PublicState);
        Assert.False(h.Issued(K.ProcessPaymentIntent));
        Assert.False(h.Issued(K.CreatePaymentIntent));
    }

    [Fact]
    public void Resuming_while_waiting_re_arms_the_timer()
    {
        var before = H();
        before.ToWaiting();

        var h = Restart(before);

        Assert.True(h.Issued(K.ScheduleWakeUp));
    }

    [Fact]
    public void Resuming_between_webhook_paced_polls_reads_the_reader_at_once()
    {
        // With webhooks the wait polls only as a safety net (every 30 s). Webhooks sent while the
        // process was down are lost: a tap made during the outage must be looked for at restart,
        // not at the next safety-net poll. (Found by the SIGKILL crash run: a resumed checkout sat
        // up to 30 s after the restart before reading the reader.)
        var webhookPaced = CheckoutMachineOptions.Default with { PollInterval = TimeSpan.FromSeconds(30), PollSlowInterval = TimeSpan.FromSeconds(30) };
        var before = new MachineHarness(options: webhookPaced);
        before.ToWaiting();

        var h = new MachineHarness(options: webhookPaced) { State = before.State, Now = before.Now + TimeSpan.FromSeconds(3) };
        h.Fire(CheckoutEvent.Resume(h.Now));

        Assert.Equal([K.RetrieveReader], h.Calls.Select(c => c.Kind));
        h.AnswerReads(MachineHarness.Reader(A.Succeeded), null);
        h.AnswerReads(null, MachineHarness.Authorized());
        Assert.Equal(K.CapturePaymentIntent, h.Calls.Last().Kind);
    }

    [Fact]
    public void Resuming_with_a_capture_in_flight_reads_the_intent_before_capturing_again()
    {
        var before = H();
        before.ToWaiting();
        before.Wake();
        before.AnswerReads(MachineHarness.Reader(A.Succeeded), null);
        before.AnswerReads(null, MachineHarness.Authorized());

        var h = Restart(before);
        h.AnswerReads(null, MachineHarness.Captured());

        Assert.IsType<CheckoutSucceeded>(h.Result);
        Assert.False(h.Issued(K.CapturePaymentIntent));
    }

    [Fact]
    public void Resuming_a_completed_checkout_emits_no_second_completion()
    {
        var before = H();
        before.ToCaptured();

        var h = Restart(before);

        Assert.False(h.Issued(K.Complete));
        Assert.Empty(h.Calls);
        Assert.IsType<CheckoutSucceeded>(h.Result);
    }

    [Fact]
    public void Replaying_the_same_events_yields_the_same_commands_and_keys()
    {
        var h = H();
        h.ToAwaitingRetry();
        h.Fire(CheckoutEvent.Retry(h.Now));
        h.Fail(K.ProcessPaymentIntent, StripeFailureKind.ReaderTimeout);
        h.AnswerReads(MachineHarness.NoAction(), MachineHarness.Pi(S.RequiresPaymentMethod));
        h.Wake();

        var replay = new MachineHarness();
        foreach (var e in h.Events)
        {
            replay.Fire(e);
        }

        Assert.Equal(h.All, replay.All);
        Assert.Equal(h.State, replay.State);
    }
}
