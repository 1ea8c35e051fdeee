using StripeTerminalKit.Checkout;
using StripeTerminalKit.Payments;
using StripeTerminalKit.Readers;
using K = StripeTerminalKit.Checkout.CheckoutCommandKind;
using S = StripeTerminalKit.Payments.IntentStatus;
using A = StripeTerminalKit.Readers.ReaderActionStatus;
using StripeTerminalKit.Errors;

namespace StripeTerminalKit.Tests.Checkout.Store;

/// <summary>
/// One machine state for every phase a stored checkout can be in, reached by driving the pure
/// machine (or, for the two phases that need a long fault sequence, by changing a reached state).
/// The golden files are these states as stored: a refactor of the machine that changes what is
/// stored fails <see cref="StoredCheckoutDocumentTests"/>.
/// </summary>
internal static class StoredCheckoutGallery
{
    /// <summary>A request that uses every field, so the golden files show every request setting.</summary>
    public static CheckoutRequest FullRequest(CheckoutCaptureMode capture = CheckoutCaptureMode.CountryDefault) => new()
    {
        CheckoutId = "order-1",
        Owner = "till-1",
        Amount = 1000,
        Currency = "aud",
        ReaderId = MachineHarness.ReaderId,
        CaptureMode = capture,
        Flow = CheckoutFlow.ProcessInOneStep,
        CartLines = [new CheckoutCartLine("Flat white", 450, 2)],
        CartTax = 100,
        SkipTipping = false,
        TipEligibleAmount = 900,
        AllowCustomerCancellation = false,
        WaitForRetryAfterDecline = true,
        Description = "Table 12",
        Metadata = new Dictionary<string, string> { ["table"] = "12" },
        ReceiptEmail = "someone@example.com",
        Timeout = TimeSpan.FromMinutes(3),
    };

    /// <summary>Gallery states showing optional fields added to version 2 after v1 (no v1 golden file can hold them).</summary>
    public static readonly string[] AddedAfterV1 = ["authorized_delayed_with_receipt", "collecting_inputs", "saving_receipt_email"];

    public static IReadOnlyList<(string Name, CheckoutMachineState State)> All()
    {
        var list = new List<(string, CheckoutMachineState)>
        {
            ("new", CheckoutMachineState.Create(FullRequest())),
        };

        var h = new MachineHarness(FullRequest());
        h.Start();
        list.Add(("creating_intent", h.State));
        h.Answer(K.CreatePaymentIntent, MachineHarness.Pi(S.RequiresPaymentMethod));
        list.Add(("displaying_cart", h.State));
        h.Answer(K.SetReaderDisplay, MachineHarness.Reader(A.InProgress, ReaderActionType.SetReaderDisplay, intent: null));
        list.Add(("sending_to_reader", h.State));

        // The optional receipt-email step (issue 15): the form on the reader, then the email being saved.
        var form = new MachineHarness(FullRequest() with { CartLines = null, CartTax = null, ReceiptEmail = null, CollectReceiptEmail = true });
        form.Start();
        form.Answer(K.CreatePaymentIntent, MachineHarness.Pi(S.RequiresPaymentMethod));
        form.Answer(K.CollectReceiptEmail, new ReaderObservation(MachineHarness.ReaderId, ReaderActionType.CollectInputs, A.InProgress));
        list.Add(("collecting_inputs", form.State));
        form.Wake();
        form.AnswerReads(new ReaderObservation(MachineHarness.ReaderId, ReaderActionType.CollectInputs, A.Succeeded, CollectedEmail: "jo@example.com"), null);
        list.Add(("saving_receipt_email", form.State));

        var two = new MachineHarness(MachineHarness.Request(flow: CheckoutFlow.CollectThenConfirm));
        two.ToWaiting();
        list.Add(("awaiting_reader_collect", two.State));

        var waiting = new MachineHarness(FullRequest() with { CartLines = null, CartTax = null });
        waiting.ToWaiting();
        list.Add(("awaiting_reader", waiting.State));

        var verifying = new MachineHarness();
        verifying.ToSend();
        verifying.Fail(K.ProcessPaymentIntent, StripeFailureKind.ReaderTimeout, "terminal_reader_timeout");
        list.Add(("verifying", verifying.State));

        var capturing = new MachineHarness();
        capturing.ToWaiting();
        capturing.Wake();
        capturing.AnswerReads(MachineHarness.Reader(A.Succeeded), null);
        capturing.AnswerReads(null, MachineHarness.Authorized());
        list.Add(("capturing", capturing.State));

        var retry = new MachineHarness();
        retry.ToAwaitingRetry();
        list.Add(("awaiting_retry", retry.State));

        var canceling = new MachineHarness();
        canceling.ToWaiting();
        canceling.Cancel();
        list.Add(("canceling_reader_action", canceling.State));
        canceling.Answer(K.CancelReaderAction, MachineHarness.NoAction());
        canceling.Settle(MachineHarness.NoAction(), MachineHarness.Pi(S.RequiresPaymentMethod));
        Assert.Equal(CheckoutPhase.CancelingIntent, canceling.State.Phase);
        list.Add(("canceling_intent", canceling.State));
        for (var i = 0; i < 6 && canceling.State.Phase == CheckoutPhase.CancelingIntent; i++)
        {
            if (canceling.State.Pending == PendingKind.Mutation)
            {
                canceling.Fire(CheckoutEvent.IntentReceived(canceling.Now, canceling.State.MutationTicket, MachineHarness.Pi(S.Canceled)));
            }
            else if (canceling.State.Pending == PendingKind.Reads)
            {
                canceling.Settle(MachineHarness.NoAction(), MachineHarness.Pi(S.Canceled));
            }
            else
            {
                canceling.Wake();
            }
        }

        Assert.Equal(CheckoutPhase.Closed, canceling.State.Phase);
        list.Add(("closed_canceled", canceling.State));

        var authorized = new MachineHarness(MachineHarness.Request(capture: CheckoutCaptureMode.Manual));
        authorized.ToAuthorized();
        list.Add(("authorized", authorized.State));
        authorized.Fire(CheckoutEvent.Capture(authorized.Now, 600));
        list.Add(("authorized_capturing_in_part", authorized.State));

        var captured = new MachineHarness();
        captured.ToCaptured();
        list.Add(("captured", captured.State));
        captured.Fire(CheckoutEvent.RefundRequest(captured.Now, 400));
        captured.AnswerReads(null, MachineHarness.Captured());
        list.Add(("captured_refunding", captured.State));
        captured.Answer(K.RefundPayment, new RefundObservation("re_1", 400, RefundStatus.Succeeded));
        list.Add(("partially_refunded", captured.State));

        var declined = new MachineHarness(MachineHarness.Request(retry: false));
        declined.ToWaiting();
        declined.Wake();
        declined.AnswerReads(MachineHarness.Reader(A.Failed, failure: "card_declined", decline: "insufficient_funds"), null);
        declined.AnswerReads(null, MachineHarness.Pi(S.RequiresPaymentMethod, decline: "insufficient_funds"));
        declined.Settle(MachineHarness.NoAction(), MachineHarness.Pi(S.Canceled, decline: "insufficient_funds"));
        if (declined.State.Pending == PendingKind.Mutation)
        {
            declined.Answer(declined.State.PendingMutation, MachineHarness.Pi(S.Canceled, decline: "insufficient_funds"));
        }

        list.Add(("closed_declined", declined.State));

        // Reached only through a long fault sequence (a single-message network captured while the
        // checkout was being cancelled; a refund Stripe would not confirm): a reached state, moved on.
        list.Add(("refunding_for_cancel", (canceling.State with
        {
            Phase = CheckoutPhase.RefundingForCancel,
            Result = null,
            Pending = PendingKind.Mutation,
            PendingMutation = K.RefundPayment,
            MutationTicket = canceling.State.Ticket + 1,
            Ticket = canceling.State.Ticket + 1,
            MutationAmount = 1000,
            AmountCaptured = 1000,
        }).WithKeySequence(IdempotencyStep.Refund, 1)));
        // The optional fields added to version 2 (issue 13): the EMV receipt of a paid checkout,
        // Australia's delayed capture and the Interac choice. Absent, they are left out.
        var receipt = new Payments.CardReceipt
        {
            ApplicationName = "Visa Credit",
            ApplicationId = "A0000000031010",
            AuthorizationResponseCode = "3030",
            AccountType = "credit",
            CardholderVerificationMethod = "none",
            AuthorizationCode = "123456",
            EntryMode = "contactless_emv",
            ApplicationCryptogram = "0F1E2D3C4B5A6978",
            TerminalVerificationResults = "0000000000",
            TransactionStatusInformation = "0000",
            ReaderId = MachineHarness.ReaderId,
            LocationId = "tml_1",
        };
        var delayed = new MachineHarness(FullRequest(CheckoutCaptureMode.AutomaticDelayed) with { CartLines = null, CartTax = null, CaptureDelayDays = 3, AllowInterac = false });
        delayed.ToWaiting();
        delayed.Wake();
        delayed.AnswerReads(MachineHarness.Reader(A.Succeeded), null);
        delayed.AnswerReads(null, MachineHarness.Authorized(1000) with { Receipt = receipt });
        Assert.Equal(CheckoutPhase.Authorized, delayed.State.Phase);
        list.Add(("authorized_delayed_with_receipt", delayed.State));

        list.Add(("attention", verifying.State with
        {
            Phase = CheckoutPhase.Attention,
            Pending = PendingKind.None,
            End = EndIntent.Fail,
            FailureCode = "payment_intent_unexpected_state",
            Result = new CheckoutNeedsAttention
            {
                CheckoutId = "order-1",
                PaymentIntentId = MachineHarness.IntentId,
                Attempts = 1,
                CompletedAt = verifying.Now,
                Reason = NeedsAttentionReason.OutcomeUnknown,
                Code = "payment_intent_unexpected_state",
            },
        }));
        return list;
    }
}
