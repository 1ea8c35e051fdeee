using StripeTerminalKit.Checkout;
using StripeTerminalKit.Readers;
using K = StripeTerminalKit.Checkout.CheckoutCommandKind;
using S = StripeTerminalKit.Payments.IntentStatus;
using A = StripeTerminalKit.Readers.ReaderActionStatus;
using StripeTerminalKit.Errors;

namespace StripeTerminalKit.Tests.Checkout.Steps;

/// <summary>
/// The optional step that asks the customer for a receipt email on the reader (<c>collect_inputs</c>)
/// and saves it on the PaymentIntent (<c>receipt_email</c>) before the payment: a courtesy that never
/// costs the sale.
/// </summary>
public sealed class ReceiptEmailStepTests
{
    private static MachineHarness H(bool cart = false) =>
        new(MachineHarness.Request(cart: cart) with { CollectReceiptEmail = true });

    private static ReaderObservation Form(A status, string? email = null, string? failure = null) =>
        new(MachineHarness.ReaderId, ReaderActionType.CollectInputs, status, null, failure, null, email);

    /// <summary>Start → PaymentIntent created → the form sent to the reader and acknowledged.</summary>
    private static MachineHarness ToForm(bool cart = false)
    {
        var h = H(cart);
        h.Start();
        h.Answer(K.CreatePaymentIntent, MachineHarness.Pi(S.RequiresPaymentMethod));
        if (cart)
        {
            h.Answer(K.SetReaderDisplay, MachineHarness.Reader(A.InProgress, ReaderActionType.SetReaderDisplay, intent: null));
        }

        Assert.Equal("stk:order-1:collect_inputs:1", h.LastOf(K.CollectReceiptEmail).Key.ToString());
        Assert.False(h.Issued(K.ProcessPaymentIntent));
        h.Answer(K.CollectReceiptEmail, Form(A.InProgress));
        Assert.Equal(CheckoutPhase.CollectingInputs, h.State.Phase);
        Assert.Equal(CheckoutState.WaitingForCustomer, h.PublicState);
        return h;
    }

    [Fact]
    public void The_email_the_customer_enters_is_saved_on_the_payment_intent_before_the_payment()
    {
        var h = ToForm(cart: true);

        h.Wake();
        h.AnswerReads(Form(A.InProgress), null);
        Assert.False(h.Issued(K.SaveReceiptEmail));
        h.Wake();
        h.AnswerReads(Form(A.Succeeded, email: "jo@example.com"), null);

        Assert.Equal("stk:order-1:receipt_email:1", h.LastOf(K.SaveReceiptEmail).Key.ToString());
        Assert.Equal("jo@example.com", h.State.Request.ReceiptEmail);
        Assert.False(h.Issued(K.ProcessPaymentIntent));

        h.Answer(K.SaveReceiptEmail, MachineHarness.Pi(S.RequiresPaymentMethod));
        Assert.Equal("stk:order-1:process:1", h.LastOf(K.ProcessPaymentIntent).Key.ToString());
        Assert.Equal(
            [K.CreatePaymentIntent, K.SetReaderDisplay, K.CollectReceiptEmail, K.RetrieveReader, K.RetrieveReader, K.SaveReceiptEmail, K.ProcessPaymentIntent],
            h.Calls.Select(c => c.Kind));
    }

    [Theory]
    [InlineData("succeeded", null, null)]
    [InlineData("succeeded", "not-an-email", null)]
    [InlineData("failed", null, "collect_inputs_timeout")]
    [InlineData("gone", null, null)]
    public void A_skipped_failed_or_vanished_form_goes_on_to_the_payment_without_an_email(string outcome, string? email, string? failure)
    {
        var status = outcome switch { "succeeded" => A.Succeeded, "failed" => A.Failed, _ => A.Unknown };
        var h = ToForm();

        h.Wake();
        h.AnswerReads(status == A.Unknown ? MachineHarness.NoAction() : Form(status, email, failure), null);

        Assert.False(h.Issued(K.SaveReceiptEmail));
        Assert.True(h.Issued(K.ProcessPaymentIntent));
        Assert.Null(h.State.Request.ReceiptEmail);
    }

    [Fact]
    public void A_webhook_saying_the_form_is_done_reads_the_reader_at_once()
    {
        var h = ToForm();
        var mark = h.Mark;

        h.Fire(CheckoutEvent.ReaderHint(h.Now, Form(A.Succeeded)));

        Assert.Equal([K.RetrieveReader], h.KindsSince(mark));
    }

    [Fact]
    public void A_webhook_of_the_finished_form_that_overtakes_the_forms_answer_is_not_lost()
    {
        var h = H();
        h.Start();
        h.Answer(K.CreatePaymentIntent, MachineHarness.Pi(S.RequiresPaymentMethod));

        h.Fire(CheckoutEvent.ReaderHint(h.Now, Form(A.Succeeded)));
        var mark = h.Mark;
        h.Answer(K.CollectReceiptEmail, Form(A.InProgress));

        Assert.Equal([K.RetrieveReader], h.KindsSince(mark));
    }

    [Fact]
    public void A_lost_answer_to_the_form_reads_the_reader_and_waits_for_a_form_it_finds()
    {
        var h = H();
        h.Start();
        h.Answer(K.CreatePaymentIntent, MachineHarness.Pi(S.RequiresPaymentMethod));

        h.Fail(K.CollectReceiptEmail, StripeFailureKind.Network);
        h.AnswerReads(Form(A.InProgress), null);

        Assert.Equal(CheckoutPhase.CollectingInputs, h.State.Phase);
        Assert.Equal(1, h.Count(K.CollectReceiptEmail));
        Assert.False(h.Issued(K.ProcessPaymentIntent));
    }

    [Fact]
    public void A_restart_before_the_form_reached_the_reader_asks_the_customer_again_under_the_same_key()
    {
        // SIGKILL crash test: the process died as the form was sent; the request never reached
        // Stripe, the reader still showed the last sale's payment, and the resumed checkout went
        // to the payment without asking for the email.
        var h = H();
        h.Start();
        h.Answer(K.CreatePaymentIntent, MachineHarness.Pi(S.RequiresPaymentMethod));
        Assert.Equal(1, h.Count(K.CollectReceiptEmail));

        h.State = CheckoutStateSerializer.Deserialize(CheckoutStateSerializer.Serialize(h.State));
        h.Fire(CheckoutEvent.Resume(h.Now));
        h.AnswerReads(MachineHarness.Reader(A.Succeeded, ReaderActionType.ProcessPaymentIntent, intent: "pi_last_sale"), null);
        h.Wake();

        Assert.Equal(2, h.Count(K.CollectReceiptEmail));
        Assert.Equal("stk:order-1:collect_inputs:1", h.LastOf(K.CollectReceiptEmail).Key.ToString());
        Assert.False(h.Issued(K.ProcessPaymentIntent));
        h.Answer(K.CollectReceiptEmail, Form(A.InProgress));
        h.Wake();
        h.AnswerReads(Form(A.Succeeded, email: "jo@example.com"), null);
        Assert.Equal("jo@example.com", h.State.Request.ReceiptEmail);
    }

    [Fact]
    public void A_lost_form_the_reader_does_not_show_is_sent_again_but_an_answered_one_that_vanished_is_not()
    {
        var lost = H();
        lost.Start();
        lost.Answer(K.CreatePaymentIntent, MachineHarness.Pi(S.RequiresPaymentMethod));
        lost.Fail(K.CollectReceiptEmail, StripeFailureKind.ServerError);
        lost.AnswerReads(MachineHarness.NoAction(), null);
        lost.Wake();
        Assert.Equal(2, lost.Count(K.CollectReceiptEmail));
        Assert.False(lost.Issued(K.ProcessPaymentIntent));

        // Acknowledged on the reader, then gone (cleared, replaced, restarted): the payment goes on.
        var answered = ToForm();
        answered.Wake();
        answered.AnswerReads(MachineHarness.NoAction(), null);
        Assert.Equal(1, answered.Count(K.CollectReceiptEmail));
        Assert.True(answered.Issued(K.ProcessPaymentIntent));
    }

    [Theory]
    [InlineData("order-1", true)]
    [InlineData("order-earlier", false)]
    [InlineData(null, false)]
    public void Only_a_form_that_carries_this_checkouts_id_counts_as_its_form(string? formOf, bool ours)
    {
        // Another sale's finished form left on the reader must never give this sale its customer's email.
        var action = new TerminalReaderAction
        {
            Type = ReaderActionType.CollectInputs,
            StripeType = "collect_inputs",
            Status = A.Succeeded,
            ReaderId = MachineHarness.ReaderId,
            Inputs = [new CollectedEmail("earlier@example.com")],
            Metadata = formOf is null ? null : new Dictionary<string, string> { ["stk_checkout_id"] = formOf },
        };
        var reader = new TerminalReader(MachineHarness.ReaderId, "lane", "simulated_stripe_s700", null, null, ReaderNetworkStatus.Online, action,
            new Dictionary<string, string>(), null, null, null, false);

        var seen = StripeTerminalKit.Checkout.Runtime.CheckoutCommandExecutor.Observe(reader, "order-1");

        Assert.Equal(ours ? ReaderActionType.CollectInputs : ReaderActionType.Unknown, seen.ActionType);
        Assert.Equal(ours ? "earlier@example.com" : null, seen.CollectedEmail);
    }

    [Fact]
    public void A_form_on_an_offline_reader_fails_the_checkout_and_cancels_the_intent()
    {
        var h = H();
        h.Start();
        h.Answer(K.CreatePaymentIntent, MachineHarness.Pi(S.RequiresPaymentMethod));

        h.Fail(K.CollectReceiptEmail, StripeFailureKind.ReaderOffline, "terminal_reader_offline");
        h.Answer(K.CancelPaymentIntent, MachineHarness.Pi(S.Canceled));

        Assert.Equal(CheckoutFailureReason.ReaderOffline, Assert.IsType<CheckoutFailed>(h.Result).Reason);
    }

    [Fact]
    public void Cancelling_while_the_form_shows_takes_it_down_then_cancels_the_intent()
    {
        var h = ToForm();

        h.Cancel();
        Assert.Equal(CheckoutState.Canceling, h.PublicState);
        h.Answer(K.CancelReaderAction, MachineHarness.NoAction());
        h.Answer(K.CancelPaymentIntent, MachineHarness.Pi(S.Canceled));

        Assert.Equal(CheckoutCanceledBy.Merchant, Assert.IsType<CheckoutCanceled>(h.Result).CanceledBy);
        Assert.False(h.Issued(K.ProcessPaymentIntent));
    }

    [Fact]
    public void A_refused_receipt_email_does_not_cost_the_sale_and_a_lost_one_is_resent_under_its_key()
    {
        var h = ToForm();
        h.Wake();
        h.AnswerReads(Form(A.Succeeded, email: "jo@example.com"), null);

        h.Fail(K.SaveReceiptEmail, StripeFailureKind.Network);
        h.Wake();
        Assert.Equal(2, h.Count(K.SaveReceiptEmail));
        Assert.Equal("stk:order-1:receipt_email:1", h.LastOf(K.SaveReceiptEmail).Key.ToString());

        h.Fail(K.SaveReceiptEmail, StripeFailureKind.Rejected, "email_invalid");
        Assert.True(h.Issued(K.ProcessPaymentIntent));
    }

    [Fact]
    public void A_restart_while_saving_the_email_resends_it_under_the_same_key_from_the_stored_checkout()
    {
        var h = ToForm();
        h.Wake();
        h.AnswerReads(Form(A.Succeeded, email: "jo@example.com"), null);

        h.State = CheckoutStateSerializer.Deserialize(CheckoutStateSerializer.Serialize(h.State));
        h.Fire(CheckoutEvent.Resume(h.Now));
        h.Wake();

        Assert.Equal(2, h.Count(K.SaveReceiptEmail));
        Assert.Equal("stk:order-1:receipt_email:1", h.LastOf(K.SaveReceiptEmail).Key.ToString());
        Assert.Equal("jo@example.com", h.State.Request.ReceiptEmail);
        Assert.True(h.State.Request.CollectReceiptEmail);
    }

    [Fact]
    public void A_request_that_names_its_receipt_email_is_never_asked_for_one()
    {
        var h = new MachineHarness(MachineHarness.Request() with { CollectReceiptEmail = true, ReceiptEmail = "given@example.com" });

        h.ToSend();

        Assert.False(h.Issued(K.CollectReceiptEmail));
        Assert.True(h.Issued(K.ProcessPaymentIntent));
    }

    [Fact]
    public void Without_the_option_no_form_is_shown()
    {
        var h = new MachineHarness();

        h.ToSend();

        Assert.False(h.Issued(K.CollectReceiptEmail));
    }
}
