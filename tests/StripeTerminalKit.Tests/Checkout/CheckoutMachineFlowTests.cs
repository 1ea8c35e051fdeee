using StripeTerminalKit.Checkout;
using StripeTerminalKit.Readers;
using K = StripeTerminalKit.Checkout.CheckoutCommandKind;
using S = StripeTerminalKit.Payments.IntentStatus;
using A = StripeTerminalKit.Readers.ReaderActionStatus;
using StripeTerminalKit.Errors;

namespace StripeTerminalKit.Tests.Checkout;

/// <summary>The happy paths and the rows of the transition table up to the final result.</summary>
public sealed class CheckoutMachineFlowTests
{
    private static MachineHarness H(CheckoutRequest? request = null) => new(request);

    // ---- Start and PaymentIntent creation -----------------------------------------------------

    [Fact]
    public void Start_creates_the_payment_intent_under_a_key_derived_from_the_checkout_id()
    {
        var h = H();

        var commands = h.Start();

        Assert.Equal(K.CreatePaymentIntent, commands[0].Kind);
        Assert.Equal("stk:order-1:create:1", commands[0].Key.ToString());
        Assert.Contains(commands, c => c.Kind == K.ScheduleWakeUp);
        Assert.Equal(CheckoutState.CreatingPaymentIntent, h.PublicState);
    }

    [Fact]
    public void Starting_twice_sends_nothing_more()
    {
        var h = H();
        h.Start();

        var commands = h.Fire(CheckoutEvent.Start(h.Now));

        Assert.DoesNotContain(commands, c => c.IsMutation);
        Assert.Equal(1, h.Count(K.CreatePaymentIntent));
    }

    [Fact]
    public void A_created_payment_intent_is_handed_to_the_reader_in_one_step()
    {
        var h = H();

        h.ToSend();

        var send = h.LastOf(K.ProcessPaymentIntent);
        Assert.Equal("stk:order-1:process:1", send.Key.ToString());
        Assert.Equal(MachineHarness.IntentId, send.PaymentIntentId);
        Assert.Equal(1, send.Attempt);
        Assert.Equal(CheckoutState.SendingToReader, h.PublicState);
    }

    [Fact]
    public void With_cart_lines_the_cart_is_shown_before_the_payment()
    {
        var h = H(MachineHarness.Request(cart: true));
        h.Start();

        h.Answer(K.CreatePaymentIntent, MachineHarness.Pi(S.RequiresPaymentMethod));
        Assert.Equal(CheckoutState.DisplayingCart, h.PublicState);
        Assert.Equal("stk:order-1:display:1", h.LastOf(K.SetReaderDisplay).Key.ToString());
        Assert.False(h.Issued(K.ProcessPaymentIntent));

        h.Answer(K.SetReaderDisplay, MachineHarness.Reader(A.InProgress, ReaderActionType.SetReaderDisplay, intent: null));

        Assert.True(h.Issued(K.ProcessPaymentIntent));
    }

    [Fact]
    public void A_cart_that_cannot_be_shown_does_not_stop_the_payment()
    {
        var h = H(MachineHarness.Request(cart: true));
        h.Start();
        h.Answer(K.CreatePaymentIntent, MachineHarness.Pi(S.RequiresPaymentMethod));

        h.Fail(K.SetReaderDisplay, StripeFailureKind.ReaderTimeout, "terminal_reader_timeout");

        Assert.True(h.Issued(K.ProcessPaymentIntent));
    }

    [Fact]
    public void A_cart_on_an_offline_reader_fails_the_checkout_and_cancels_the_intent()
    {
        var h = H(MachineHarness.Request(cart: true));
        h.Start();
        h.Answer(K.CreatePaymentIntent, MachineHarness.Pi(S.RequiresPaymentMethod));

        h.Fail(K.SetReaderDisplay, StripeFailureKind.ReaderOffline, "terminal_reader_offline");
        h.Answer(K.CancelPaymentIntent, MachineHarness.Pi(S.Canceled));

        var failed = Assert.IsType<CheckoutFailed>(h.Result);
        Assert.Equal(CheckoutFailureReason.ReaderOffline, failed.Reason);
        Assert.Equal("terminal_reader_offline", failed.Code);
        Assert.False(h.Issued(K.ProcessPaymentIntent));
    }

    [Fact]
    public void A_lost_create_response_is_resent_under_the_same_key()
    {
        var h = H();
        h.Start();

        var now = h.Fail(K.CreatePaymentIntent, StripeFailureKind.Network);
        Assert.DoesNotContain(now, c => c.Kind == K.CreatePaymentIntent);
        h.Wake();

        Assert.Equal(2, h.Count(K.CreatePaymentIntent));
        Assert.Equal("stk:order-1:create:1", h.LastOf(K.CreatePaymentIntent).Key.ToString());
    }

    [Fact]
    public void A_create_server_error_is_resent_under_a_new_key_because_stripe_stored_the_error()
    {
        var h = H();
        h.Start();

        h.Fail(K.CreatePaymentIntent, StripeFailureKind.ServerError);
        h.Wake();

        Assert.Equal("stk:order-1:create:2", h.LastOf(K.CreatePaymentIntent).Key.ToString());
    }

    [Fact]
    public void A_create_refused_by_stripe_fails_without_touching_the_reader()
    {
        var h = H();
        h.Start();

        h.Fail(K.CreatePaymentIntent, StripeFailureKind.Rejected, "parameter_invalid_integer");

        var failed = Assert.IsType<CheckoutFailed>(h.Result);
        Assert.Equal(CheckoutFailureReason.PaymentIntentRejected, failed.Reason);
        Assert.Equal("parameter_invalid_integer", failed.Code);
        Assert.Null(failed.PaymentIntentId);
        Assert.Equal(CheckoutState.Failed, h.PublicState);
        Assert.Single(h.Calls);
    }

    [Fact]
    public void Reusing_a_checkout_id_with_different_parameters_fails_with_an_idempotency_conflict()
    {
        var h = H();
        h.Start();

        h.Fail(K.CreatePaymentIntent, StripeFailureKind.IdempotencyMismatch, "idempotency_error");

        Assert.Equal(CheckoutFailureReason.IdempotencyConflict, Assert.IsType<CheckoutFailed>(h.Result).Reason);
    }

    // ---- Handing the payment to the reader ----------------------------------------------------

    [Fact]
    public void The_reader_acknowledgement_starts_polling_the_reader()
    {
        var h = H();
        h.ToWaiting();
        Assert.Equal(CheckoutState.WaitingForCustomer, h.PublicState);
        Assert.Equal(h.Now + CheckoutMachineOptions.Default.PollInterval, h.LastOf(K.ScheduleWakeUp).At);

        var commands = h.Wake();

        Assert.Equal([K.RetrieveReader], commands.Where(c => c.Kind != K.ScheduleWakeUp).Select(c => c.Kind));
    }

    [Fact]
    public void An_offline_reader_at_start_fails_the_checkout_and_cancels_the_intent()
    {
        var h = H();
        h.ToSend();

        h.Fail(K.ProcessPaymentIntent, StripeFailureKind.ReaderOffline, "terminal_reader_offline");
        h.Settle(MachineHarness.NoAction(), MachineHarness.Pi(S.RequiresPaymentMethod));
        h.Answer(K.CancelPaymentIntent, MachineHarness.Pi(S.Canceled));

        var failed = Assert.IsType<CheckoutFailed>(h.Result);
        Assert.Equal(CheckoutFailureReason.ReaderOffline, failed.Reason);
        Assert.Equal(IntentCancellationReason.Abandoned, h.LastOf(K.CancelPaymentIntent).CancellationReason);
        Assert.Equal(1, h.Count(K.ProcessPaymentIntent));
    }

    [Fact]
    public void A_reader_busy_with_another_payment_fails_with_reader_busy()
    {
        var h = H();
        h.ToSend();

        h.Fail(K.ProcessPaymentIntent, StripeFailureKind.ReaderBusy, "terminal_reader_busy");
        h.AnswerReads(MachineHarness.Reader(A.InProgress, intent: "pi_someone_else"), MachineHarness.Pi(S.RequiresPaymentMethod));
        h.Answer(K.CancelPaymentIntent, MachineHarness.Pi(S.Canceled));

        var failed = Assert.IsType<CheckoutFailed>(h.Result);
        Assert.Equal(CheckoutFailureReason.ReaderBusy, failed.Reason);
        Assert.Equal("terminal_reader_busy", failed.Code);
    }

    [Fact]
    public void A_reader_busy_with_our_own_action_waits_for_it_instead_of_failing()
    {
        var h = H();
        h.ToSend();

        h.Fail(K.ProcessPaymentIntent, StripeFailureKind.ReaderBusy, "terminal_reader_busy");
        h.AnswerReads(MachineHarness.Reader(A.InProgress), MachineHarness.Pi(S.RequiresPaymentMethod));

        Assert.Equal(CheckoutPhase.AwaitingReader, h.State.Phase);
        Assert.Equal(1, h.Count(K.ProcessPaymentIntent));
    }

    [Fact]
    public void A_terminal_reader_timeout_that_did_reach_the_reader_is_not_resent()
    {
        var h = H();
        h.ToSend();

        var commands = h.Fail(K.ProcessPaymentIntent, StripeFailureKind.ReaderTimeout, "terminal_reader_timeout");
        Assert.Equal([K.RetrieveReader, K.RetrievePaymentIntent], commands.Where(c => c.Kind != K.ScheduleWakeUp).Select(c => c.Kind));
        Assert.Equal(CheckoutState.Verifying, h.PublicState);
        h.AnswerReads(MachineHarness.Reader(A.InProgress), MachineHarness.Pi(S.RequiresPaymentMethod));

        Assert.Equal(CheckoutState.WaitingForCustomer, h.PublicState);
        Assert.Equal(1, h.Count(K.ProcessPaymentIntent));
    }

    [Fact]
    public void A_terminal_reader_timeout_that_did_not_reach_the_reader_is_resent_under_a_new_key()
    {
        var h = H();
        h.ToSend();

        h.Fail(K.ProcessPaymentIntent, StripeFailureKind.ReaderTimeout, "terminal_reader_timeout");
        h.AnswerReads(MachineHarness.NoAction(), MachineHarness.Pi(S.RequiresPaymentMethod));
        h.Wake();

        Assert.Equal(2, h.Count(K.ProcessPaymentIntent));
        Assert.Equal("stk:order-1:process:2", h.LastOf(K.ProcessPaymentIntent).Key.ToString());
        Assert.Equal(1, h.Count(K.CreatePaymentIntent));
    }

    [Fact]
    public void A_lost_send_response_is_resent_under_the_same_key_once_verified_undelivered()
    {
        var h = H();
        h.ToSend();

        h.Fail(K.ProcessPaymentIntent, StripeFailureKind.Network);
        h.AnswerReads(MachineHarness.NoAction(), MachineHarness.Pi(S.RequiresPaymentMethod));
        h.Wake();

        Assert.Equal("stk:order-1:process:1", h.LastOf(K.ProcessPaymentIntent).Key.ToString());
        Assert.Equal(2, h.Count(K.ProcessPaymentIntent));
    }

    [Fact]
    public void A_rate_limited_send_is_retried_under_the_same_key_without_reading()
    {
        var h = H();
        h.ToSend();

        var commands = h.Fail(K.ProcessPaymentIntent, StripeFailureKind.RateLimited, "rate_limit");
        Assert.DoesNotContain(commands, c => c.Kind is K.RetrieveReader or K.ProcessPaymentIntent);
        h.Wake();

        Assert.Equal("stk:order-1:process:1", h.LastOf(K.ProcessPaymentIntent).Key.ToString());
    }

    [Fact]
    public void A_reader_hardware_fault_fails_with_reader_unavailable()
    {
        var h = H();
        h.ToSend();

        h.Fail(K.ProcessPaymentIntent, StripeFailureKind.ReaderUnavailable, "terminal_reader_hardware_fault");
        h.Settle(MachineHarness.NoAction(), MachineHarness.Pi(S.RequiresPaymentMethod));
        h.Answer(K.CancelPaymentIntent, MachineHarness.Pi(S.Canceled));

        Assert.Equal(CheckoutFailureReason.ReaderUnavailable, Assert.IsType<CheckoutFailed>(h.Result).Reason);
    }

    [Fact]
    public void The_two_step_flow_collects_then_confirms_then_captures()
    {
        var h = H(MachineHarness.Request(flow: CheckoutFlow.CollectThenConfirm));
        h.ToWaiting();
        Assert.Equal("stk:order-1:collect:1", h.LastOf(K.CollectPaymentMethod).Key.ToString());

        h.Wake();
        h.AnswerReads(MachineHarness.Reader(A.Succeeded, ReaderActionType.CollectPaymentMethod), null);
        h.AnswerReads(null, MachineHarness.Pi(S.RequiresConfirmation));
        Assert.Equal("stk:order-1:confirm:2", h.LastOf(K.ConfirmPaymentIntent).Key.ToString());
        Assert.Equal(CheckoutState.Confirming, h.PublicState);

        h.Answer(K.ConfirmPaymentIntent, MachineHarness.Reader(A.InProgress, ReaderActionType.ConfirmPaymentIntent));
        Assert.Equal(CheckoutState.Confirming, h.PublicState);
        h.Wake();
        h.AnswerReads(MachineHarness.Reader(A.Succeeded, ReaderActionType.ConfirmPaymentIntent), null);
        h.AnswerReads(null, MachineHarness.Authorized());
        h.Answer(K.CapturePaymentIntent, MachineHarness.Captured());

        Assert.IsType<CheckoutSucceeded>(h.Result);
    }

    // ---- Waiting for the outcome --------------------------------------------------------------

    [Fact]
    public void A_poll_showing_the_action_in_progress_polls_again_without_reading_the_intent()
    {
        var h = H();
        h.ToWaiting();
        h.Wake();

        var commands = h.AnswerReads(MachineHarness.Reader(A.InProgress), null);

        Assert.Equal([K.ScheduleWakeUp], commands.Select(c => c.Kind));
        Assert.Equal(h.Now + TimeSpan.FromSeconds(2), commands[0].At);
    }

    [Fact]
    public void Polling_slows_down_after_the_first_minute()
    {
        var h = H();
        h.ToWaiting();
        var started = h.Now;

        while (h.Now - started < TimeSpan.FromSeconds(61))
        {
            h.Wake();
            h.AnswerReads(MachineHarness.Reader(A.InProgress), null);
        }

        Assert.Equal(h.Now + TimeSpan.FromSeconds(5), h.LastOf(K.ScheduleWakeUp).At);
    }

    [Fact]
    public void An_authorised_payment_is_captured_after_the_intent_confirms_it()
    {
        var h = H();
        h.ToWaiting();
        h.Wake();

        var afterReader = h.AnswerReads(MachineHarness.Reader(A.Succeeded), null);
        Assert.Contains(afterReader, c => c.Kind == K.RetrievePaymentIntent);
        h.AnswerReads(null, MachineHarness.Authorized());
        var capture = h.LastOf(K.CapturePaymentIntent);
        Assert.Equal(1000, capture.Amount);
        Assert.Equal("stk:order-1:capture:1", capture.Key.ToString());
        Assert.Equal(CheckoutState.Capturing, h.PublicState);
        h.Answer(K.CapturePaymentIntent, MachineHarness.Captured());

        var result = Assert.IsType<CheckoutSucceeded>(h.Result);
        Assert.True(result.Captured);
        Assert.Equal(CheckoutState.Succeeded, h.PublicState);
        Assert.Single(h.All, c => c.Kind == K.Complete);
    }

    [Fact]
    public void Automatic_capture_completes_without_a_capture_call()
    {
        var h = H(MachineHarness.Request(capture: CheckoutCaptureMode.Automatic));
        h.ToWaiting();
        h.Wake();

        h.AnswerReads(MachineHarness.Reader(A.Succeeded), null);
        h.AnswerReads(null, MachineHarness.Captured());

        Assert.True(Assert.IsType<CheckoutSucceeded>(h.Result).Captured);
        Assert.False(h.Issued(K.CapturePaymentIntent));
    }

    [Fact]
    public void Manual_capture_completes_authorised_without_capturing()
    {
        var h = H(MachineHarness.Request(capture: CheckoutCaptureMode.Manual));

        h.ToAuthorized();

        var result = Assert.IsType<CheckoutSucceeded>(h.Result);
        Assert.False(result.Captured);
        Assert.Equal(1000, result.Amount);
        Assert.Equal(CheckoutState.Authorized, h.PublicState);
        Assert.False(h.Issued(K.CapturePaymentIntent));
    }

    [Fact]
    public void An_eftpos_payment_captured_in_one_step_succeeds_without_a_capture_call_even_with_manual_capture()
    {
        var h = H(MachineHarness.Request(capture: CheckoutCaptureMode.Manual));
        h.ToWaiting();
        h.Wake();

        h.AnswerReads(MachineHarness.Reader(A.Succeeded), null);
        h.AnswerReads(null, MachineHarness.Captured(network: "eftpos_au"));

        var result = Assert.IsType<CheckoutSucceeded>(h.Result);
        Assert.True(result.Captured);
        Assert.Equal("eftpos_au", result.Network);
        Assert.Equal(CheckoutState.Succeeded, h.PublicState);
        Assert.False(h.Issued(K.CapturePaymentIntent));
    }

    [Fact]
    public void The_success_result_carries_amount_tip_card_network_and_ids()
    {
        var h = H();
        h.ToWaiting();
        h.Wake();
        h.AnswerReads(MachineHarness.Reader(A.Succeeded), null);

        h.AnswerReads(null, MachineHarness.Authorized(tip: 200));
        Assert.Equal(1200, h.LastOf(K.CapturePaymentIntent).Amount);
        h.Answer(K.CapturePaymentIntent, MachineHarness.Captured(tip: 200));

        var result = Assert.IsType<CheckoutSucceeded>(h.Result);
        Assert.Equal(1200, result.Amount);
        Assert.Equal(200, result.TipAmount);
        Assert.Equal(1200, result.AmountCaptured);
        Assert.Equal("aud", result.Currency);
        Assert.Equal("visa", result.CardBrand);
        Assert.Equal("4242", result.Last4);
        Assert.Equal("visa", result.Network);
        Assert.Equal(MachineHarness.IntentId, result.PaymentIntentId);
        Assert.Equal("ch_1", result.ChargeId);
        Assert.Equal("order-1", result.CheckoutId);
        Assert.Equal(1, result.Attempts);
        Assert.Equal(h.Now, result.CompletedAt);
    }

    [Fact]
    public void A_processing_intent_is_read_again_later()
    {
        var h = H();
        h.ToWaiting();
        h.Wake();
        h.AnswerReads(MachineHarness.Reader(A.Succeeded), null);

        h.AnswerReads(null, MachineHarness.Pi(S.Processing));
        Assert.Equal(CheckoutState.Verifying, h.PublicState);
        var commands = h.Wake();

        Assert.Contains(commands, c => c.Kind == K.RetrievePaymentIntent);
        Assert.Null(h.Result);
    }

    [Fact]
    public void An_intent_cancelled_elsewhere_fails_the_checkout()
    {
        var h = H();
        h.ToWaiting();
        h.Wake();
        h.AnswerReads(MachineHarness.NoAction(), null);

        h.AnswerReads(null, MachineHarness.Pi(S.Canceled) with { CancellationReason = "abandoned" });

        var failed = Assert.IsType<CheckoutFailed>(h.Result);
        Assert.Equal(CheckoutFailureReason.PaymentIntentCanceled, failed.Reason);
        Assert.Equal("abandoned", failed.Code);
    }

    [Fact]
    public void An_authorised_amount_that_does_not_match_the_checkout_needs_attention()
    {
        var h = H();
        h.ToWaiting();
        h.Wake();
        h.AnswerReads(MachineHarness.Reader(A.Succeeded), null);

        h.AnswerReads(null, MachineHarness.Authorized(amount: 900));

        Assert.Equal(NeedsAttentionReason.AmountMismatch, Assert.IsType<CheckoutNeedsAttention>(h.Result).Reason);
        Assert.False(h.Issued(K.CapturePaymentIntent));
    }

    // ---- Capture ------------------------------------------------------------------------------

    private static MachineHarness ToCapturing()
    {
        var h = H();
        h.ToWaiting();
        h.Wake();
        h.AnswerReads(MachineHarness.Reader(A.Succeeded), null);
        h.AnswerReads(null, MachineHarness.Authorized());
        Assert.True(h.Issued(K.CapturePaymentIntent));
        return h;
    }

    [Fact]
    public void A_lost_capture_response_is_settled_by_reading_the_intent()
    {
        var h = ToCapturing();

        var commands = h.Fail(K.CapturePaymentIntent, StripeFailureKind.Network);
        Assert.Contains(commands, c => c.Kind == K.RetrievePaymentIntent);
        h.AnswerReads(null, MachineHarness.Captured());

        Assert.IsType<CheckoutSucceeded>(h.Result);
        Assert.Equal(1, h.Count(K.CapturePaymentIntent));
    }

    [Fact]
    public void A_capture_server_error_is_retried_under_a_new_key_after_verifying()
    {
        var h = ToCapturing();

        h.Fail(K.CapturePaymentIntent, StripeFailureKind.ServerError);
        h.AnswerReads(null, MachineHarness.Authorized());

        Assert.Equal("stk:order-1:capture:2", h.LastOf(K.CapturePaymentIntent).Key.ToString());
    }

    [Fact]
    public void A_refused_capture_needs_attention_because_the_authorisation_is_still_held()
    {
        var h = ToCapturing();

        h.Fail(K.CapturePaymentIntent, StripeFailureKind.Rejected, "amount_too_large");

        var attention = Assert.IsType<CheckoutNeedsAttention>(h.Result);
        Assert.Equal(NeedsAttentionReason.CaptureRejected, attention.Reason);
        Assert.Equal("amount_too_large", attention.Code);
    }

    // ---- Answers that are late, duplicated or never come --------------------------------------

    [Fact]
    public void A_late_answer_with_an_old_ticket_is_ignored()
    {
        var h = H();
        h.ToWaiting();
        h.Wake();
        var oldTicket = h.LastOf(K.RetrieveReader).Ticket;
        h.AnswerReads(MachineHarness.Reader(A.InProgress), null);
        var before = h.State;

        var commands = h.Fire(CheckoutEvent.ReaderReceived(h.Now, oldTicket, MachineHarness.Reader(A.Failed, failure: "card_declined")));

        Assert.Empty(commands);
        Assert.Equal(before, h.State);
    }

    [Fact]
    public void An_answer_the_driver_never_delivers_is_treated_as_lost_and_verified()
    {
        var h = H();
        h.ToSend();

        var commands = h.Tick(CheckoutMachineOptions.Default.RequestTimeout);

        Assert.Contains(commands, c => c.Kind == K.RetrieveReader);
        Assert.Contains(commands, c => c.Kind == K.RetrievePaymentIntent);
        Assert.True(h.State.AmbiguousSend);
    }

    [Fact]
    public void An_answer_about_another_payment_intent_is_treated_as_lost()
    {
        var h = ToCapturing();

        h.Answer(K.CapturePaymentIntent, MachineHarness.Captured() with { Id = "pi_other" });

        Assert.Null(h.Result);
        Assert.Equal(PendingKind.Reads, h.State.Pending);
    }
}
