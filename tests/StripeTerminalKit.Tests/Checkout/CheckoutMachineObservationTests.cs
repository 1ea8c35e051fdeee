using StripeTerminalKit.Checkout;
using K = StripeTerminalKit.Checkout.CheckoutCommandKind;
using S = StripeTerminalKit.Payments.IntentStatus;
using A = StripeTerminalKit.Readers.ReaderActionStatus;
using StripeTerminalKit.Errors;

namespace StripeTerminalKit.Tests.Checkout;

/// <summary>
/// Verified webhooks carrying the whole object (<see cref="CheckoutEventKind.PaymentIntentObserved"/>,
/// <see cref="CheckoutEventKind.ReaderObserved"/>): where nothing is in doubt they stand as fresh
/// reads, so a healthy checkout costs create, process and capture; anywhere else they are hints.
/// </summary>
public sealed class CheckoutMachineObservationTests
{
    private static MachineHarness H(CheckoutRequest? request = null) => new(request);

    private static K[] Kinds(IReadOnlyList<CheckoutCommand> commands) =>
        commands.Where(c => c.Kind != K.ScheduleWakeUp).Select(c => c.Kind).ToArray();

    [Fact]
    public void An_authorisation_seen_in_a_verified_webhook_is_captured_without_reading_again()
    {
        var h = H();
        h.ToWaiting();

        var commands = h.Fire(CheckoutEvent.IntentObserved(h.Now, MachineHarness.Authorized(tip: 150)));

        Assert.Equal([K.CapturePaymentIntent], Kinds(commands));
        Assert.Equal(1150, h.LastOf(K.CapturePaymentIntent).Amount);
        Assert.Equal(CheckoutState.Capturing, h.PublicState);
    }

    [Fact]
    public void A_healthy_checkout_costs_exactly_create_process_and_capture()
    {
        var h = H();
        h.ToWaiting();

        h.Fire(CheckoutEvent.IntentObserved(h.Now, MachineHarness.Authorized()));
        h.Fire(CheckoutEvent.ReaderObserved(h.Now, MachineHarness.Reader(A.Succeeded)));
        h.Answer(K.CapturePaymentIntent, MachineHarness.Captured());
        h.Fire(CheckoutEvent.IntentObserved(h.Now, MachineHarness.Captured()));

        var ok = Assert.IsType<CheckoutSucceeded>(h.Result);
        Assert.Equal("4242", ok.Last4);
        Assert.Equal([K.CreatePaymentIntent, K.ProcessPaymentIntent, K.CapturePaymentIntent], h.Calls.Select(c => c.Kind));
    }

    [Fact]
    public void The_reader_webhook_first_costs_one_read_of_the_payment_intent_and_no_read_of_the_reader()
    {
        var h = H();
        h.ToWaiting();

        var commands = h.Fire(CheckoutEvent.ReaderObserved(h.Now, MachineHarness.Reader(A.Succeeded)));
        Assert.Equal([K.RetrievePaymentIntent], Kinds(commands));
        h.AnswerReads(null, MachineHarness.Authorized());
        h.Answer(K.CapturePaymentIntent, MachineHarness.Captured());

        Assert.IsType<CheckoutSucceeded>(h.Result);
        Assert.Equal(0, h.Count(K.RetrieveReader));
    }

    [Fact]
    public void A_payment_intent_webhook_arriving_while_the_read_it_replaces_is_in_flight_captures_at_once()
    {
        var h = H();
        h.ToWaiting();
        h.Fire(CheckoutEvent.ReaderObserved(h.Now, MachineHarness.Reader(A.Succeeded)));
        var readTicket = h.State.IntentTicket;

        var commands = h.Fire(CheckoutEvent.IntentObserved(h.Now, MachineHarness.Authorized()));
        var late = h.Fire(CheckoutEvent.IntentReceived(h.Now, readTicket, MachineHarness.Authorized()));

        Assert.Equal([K.CapturePaymentIntent], Kinds(commands));
        Assert.Empty(Kinds(late));
        Assert.Equal(1, h.Count(K.CapturePaymentIntent));
    }

    [Fact]
    public void With_manual_capture_the_payment_intent_is_read_once_for_the_card_before_the_checkout_ends_authorised()
    {
        var h = H(MachineHarness.Request(capture: CheckoutCaptureMode.Manual));
        h.ToWaiting();

        var commands = h.Fire(CheckoutEvent.IntentObserved(h.Now, MachineHarness.Authorized() with { CardBrand = null, Last4 = null }));
        Assert.Equal([K.RetrievePaymentIntent], Kinds(commands));
        h.AnswerReads(null, MachineHarness.Authorized());

        var ok = Assert.IsType<CheckoutSucceeded>(h.Result);
        Assert.Equal("visa", ok.CardBrand);
        Assert.Equal(CheckoutState.Authorized, h.PublicState);
        Assert.False(h.Issued(K.CapturePaymentIntent));
    }

    [Fact]
    public void A_one_step_capture_seen_in_a_webhook_is_confirmed_by_one_read()
    {
        var h = H();
        h.ToWaiting();

        var commands = h.Fire(CheckoutEvent.IntentObserved(h.Now, MachineHarness.Captured(network: "eftpos_au")));
        Assert.Equal([K.RetrievePaymentIntent], Kinds(commands));
        h.AnswerReads(null, MachineHarness.Captured(network: "eftpos_au"));

        var ok = Assert.IsType<CheckoutSucceeded>(h.Result);
        Assert.Equal("eftpos_au", ok.Network);
        Assert.False(h.Issued(K.CapturePaymentIntent));
    }

    [Fact]
    public void An_authorisation_for_another_amount_is_verified_not_captured()
    {
        var h = H();
        h.ToWaiting();

        var commands = h.Fire(CheckoutEvent.IntentObserved(h.Now, MachineHarness.Authorized(amount: 900)));

        Assert.DoesNotContain(K.CapturePaymentIntent, Kinds(commands));
        Assert.Contains(K.RetrievePaymentIntent, Kinds(commands));
    }

    [Fact]
    public void After_a_cancel_an_authorisation_in_a_webhook_is_never_captured()
    {
        var h = H();
        h.ToWaiting();
        h.Cancel();

        h.Fire(CheckoutEvent.IntentObserved(h.Now, MachineHarness.Authorized()));
        h.Fail(K.CancelReaderAction, StripeFailureKind.ReaderBusy, "terminal_reader_busy");
        h.Fire(CheckoutEvent.IntentObserved(h.Now, MachineHarness.Authorized()));

        Assert.False(h.Issued(K.CapturePaymentIntent));
    }

    [Fact]
    public void After_an_ambiguous_send_the_webhook_is_only_a_hint_and_both_are_read()
    {
        var h = H();
        h.ToSend();
        h.Fail(K.ProcessPaymentIntent, StripeFailureKind.Network);
        h.AnswerReads(MachineHarness.Reader(A.InProgress), MachineHarness.Pi(S.RequiresPaymentMethod));
        Assert.Equal(CheckoutPhase.AwaitingReader, h.State.Phase);

        // Re-read proved the send arrived: from here on the webhook may stand as an observation.
        var commands = h.Fire(CheckoutEvent.IntentObserved(h.Now, MachineHarness.Authorized()));

        Assert.Equal([K.CapturePaymentIntent], Kinds(commands));
    }

    [Fact]
    public void While_the_send_is_unanswered_a_webhook_waits_for_the_answer_and_then_both_are_read()
    {
        var h = H();
        h.ToSend();

        var during = h.Fire(CheckoutEvent.IntentObserved(h.Now, MachineHarness.Authorized()));
        var after = h.Answer(K.ProcessPaymentIntent, MachineHarness.Reader(A.InProgress));

        Assert.Empty(Kinds(during));
        Assert.Equal([K.RetrieveReader, K.RetrievePaymentIntent], Kinds(after));
    }

    [Fact]
    public void A_failed_action_in_a_verified_webhook_stays_a_hint_so_a_stale_decline_cannot_end_a_new_attempt()
    {
        var h = H();
        h.ToAwaitingRetry();
        h.Fire(CheckoutEvent.Retry(h.Now));
        h.Answer(K.ProcessPaymentIntent, MachineHarness.Reader(A.InProgress));

        var commands = h.Fire(CheckoutEvent.ReaderObserved(h.Now, MachineHarness.Reader(A.Failed, failure: "card_declined", decline: "insufficient_funds")));
        h.AnswerReads(MachineHarness.Reader(A.InProgress), MachineHarness.Pi(S.RequiresPaymentMethod, decline: "insufficient_funds"));

        Assert.Equal([K.RetrieveReader, K.RetrievePaymentIntent], Kinds(commands));
        Assert.Equal(CheckoutState.WaitingForCustomer, h.PublicState);
    }

    [Fact]
    public void A_payment_intent_webhook_that_shows_no_money_moved_is_verified_like_any_hint()
    {
        var h = H();
        h.ToWaiting();

        var commands = h.Fire(CheckoutEvent.IntentObserved(h.Now, MachineHarness.Pi(S.Canceled)));

        Assert.Equal([K.RetrieveReader, K.RetrievePaymentIntent], Kinds(commands));
        Assert.Null(h.Result);
    }

    [Fact]
    public void Webhooks_for_another_payment_or_arriving_after_the_end_change_nothing()
    {
        var h = H();
        h.ToWaiting();

        var other = h.Fire(CheckoutEvent.IntentObserved(h.Now, MachineHarness.Authorized() with { Id = "pi_other" }));
        var otherReader = h.Fire(CheckoutEvent.ReaderObserved(h.Now, MachineHarness.Reader(A.Succeeded, intent: "pi_other")));
        h.Fire(CheckoutEvent.IntentObserved(h.Now, MachineHarness.Authorized()));
        h.Answer(K.CapturePaymentIntent, MachineHarness.Captured());
        var late = h.Fire(CheckoutEvent.IntentObserved(h.Now, MachineHarness.Authorized()));
        var lateReader = h.Fire(CheckoutEvent.ReaderObserved(h.Now, MachineHarness.Reader(A.Succeeded)));

        Assert.Empty(other);
        Assert.Empty(otherReader);
        Assert.Empty(late);
        Assert.Empty(lateReader);
        Assert.Single(h.All, c => c.Kind == K.Complete);
    }

    [Fact]
    public void Observations_allocate_nothing()
    {
        var h = H();
        h.ToWaiting();
        var machine = h.Machine;
        var state = h.State;
        var buffer = new CheckoutCommandBuffer();
        var observed = CheckoutEvent.IntentObserved(h.Now, MachineHarness.Authorized());
        var reader = CheckoutEvent.ReaderObserved(h.Now, MachineHarness.Reader(A.Succeeded));
        for (var i = 0; i < 100; i++)
        {
            machine.Transition(state, observed, buffer);
            machine.Transition(state, reader, buffer);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            machine.Transition(state, observed, buffer);
            machine.Transition(state, reader, buffer);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
