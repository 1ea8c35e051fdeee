using StripeTerminalKit.Errors;
using StripeTerminalKit.Payments;
using StripeTerminalKit.Polling;
using StripeTerminalKit.Readers;

namespace StripeTerminalKit.Checkout.Runtime;

/// <summary>
/// Runs the state machine's calls through the payment and reader modules (which own validation,
/// retries and error typing) and turns each answer or failure into the event that answers the
/// command's ticket. Reads go through the shared polling budgets, one per endpoint read; a waiting
/// checkout's reader is read through <see cref="ReaderReads"/>: in a batch (one list request for
/// every checkout waiting on its page) when batches run, and alone when no batch shows it.
/// </summary>
internal sealed partial class CheckoutCommandExecutor(
    ITerminalPayments payments, ITerminalReaders readers, ReaderReads reads, RequestBudgetShare budgets, TimeProvider time, string? country, TimeSpan readerActionPollInterval, CancellationToken stopping)
{
    /// <summary>The metadata key a checkout's refund carries its idempotency key under, to be found again when its answer is lost.</summary>
    internal const string RefundKeyMetadataKey = "stk_refund_key";

    /// <summary>Runs one command of the machine's; its answer is posted back to the runner.</summary>
    /// <param name="runner">The checkout.</param>
    /// <param name="command">The call to make.</param>
    /// <param name="waitingPoll">
    /// The command is a routine poll of a checkout waiting for its customer, which a batch (up to one
    /// interval away) may answer. Any other read decides what happens next and goes out at once.
    /// </param>
    public void Start(CheckoutRunner runner, CheckoutCommand command, bool waitingPoll = false)
    {
        runner.Owner.Work.WorkQueued();
        _ = RunAsync(runner, command, waitingPoll);
    }

    private async Task RunAsync(CheckoutRunner runner, CheckoutCommand command, bool waitingPoll)
    {
        try
        {
            await CallAndAnswerAsync(runner, command, waitingPoll).ConfigureAwait(false);
        }
        finally
        {
            runner.Owner.Work.WorkDone();
        }
    }

    private async Task CallAndAnswerAsync(CheckoutRunner runner, CheckoutCommand command, bool waitingPoll)
    {
        CheckoutEvent answer;
        try
        {
            answer = await CallAsync(runner, command, waitingPoll).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            return;
        }
#pragma warning disable CA1031 // any other failure is an unknown outcome: the machine re-reads Stripe before acting again
        catch (Exception exception)
#pragma warning restore CA1031
        {
            answer = CheckoutEvent.Failed(time.GetUtcNow(), command.Ticket, FailureOf(exception));
        }

        runner.Post(in answer);
    }

    // The machine retries its own calls (reads first, then the key it chooses): the pipeline only
    // resends what got no answer (TerminalCallOptions.CallerRetries).
    private async Task<CheckoutEvent> CallAsync(CheckoutRunner runner, CheckoutCommand c, bool waitingPoll)
    {
        var request = runner.Request;
        var options = c.Key.IsEmpty ? TerminalCallOptions.CallerRetries : new TerminalCallOptions { IdempotencyKey = c.Key.ToKey(), RetriedByCaller = true };
        var piId = c.PaymentIntentId ?? runner.PaymentIntentId;
        if (c.IsMutation)
        {
            await WriteBudget(c.Kind).WaitTurnAsync(runner.Owner.Work, stopping).ConfigureAwait(false);
        }

        var sentAt = time.GetUtcNow();
        switch (c.Kind)
        {
            case CheckoutCommandKind.CreatePaymentIntent:
                return IntentAnswer(c, request, await payments.CreateAsync(BuildCreate(request), options, stopping).ConfigureAwait(false));
            case CheckoutCommandKind.SetReaderDisplay:
                var lines = request.CartLines!.Select(l => new CartLineItem(l.Description, l.Amount, l.Quantity)).ToArray();
                var tax = request.CartTax ?? 0;
                var cart = new ReaderCart(request.Currency, lines, tax, lines.Sum(l => l.UnitAmount * l.Quantity) + tax);
                return ReaderAnswer(c, request, await readers.ShowCartAsync(request.ReaderId, cart, options, stopping).ConfigureAwait(false));
            case CheckoutCommandKind.CollectReceiptEmail:
                return ReaderAnswer(c, request, await readers.CollectInputsAsync(request.ReaderId, ReceiptEmailForm(request), options, stopping).ConfigureAwait(false));
            case CheckoutCommandKind.SaveReceiptEmail:
                return IntentAnswer(c, request, await payments.UpdateReceiptEmailAsync(piId!, request.ReceiptEmail!, options, stopping).ConfigureAwait(false));
            case CheckoutCommandKind.ProcessPaymentIntent:
                return SentAnswer(c, request, sentAt, await payments.ProcessOnReaderAsync(request.ReaderId, piId!, Collection(request), options, stopping).ConfigureAwait(false));
            case CheckoutCommandKind.CollectPaymentMethod:
                return SentAnswer(c, request, sentAt, await payments.CollectOnReaderAsync(request.ReaderId, piId!, Collection(request), options, stopping).ConfigureAwait(false));
            case CheckoutCommandKind.ConfirmPaymentIntent:
                return SentAnswer(c, request, sentAt, await payments.ConfirmOnReaderAsync(request.ReaderId, piId!, options, stopping).ConfigureAwait(false));
            case CheckoutCommandKind.CancelReaderAction:
                return ReaderAnswer(c, request, await readers.CancelActionAsync(request.ReaderId, options, stopping).ConfigureAwait(false));
            case CheckoutCommandKind.RetrieveReader:
                var reader = await ReadReaderAsync(runner, c, piId, waitingPoll).ConfigureAwait(false);
                if (reader.Action?.PaymentIntentId == piId && reader.Action?.Status is ReaderActionStatus.Succeeded or ReaderActionStatus.Failed)
                {
                    runner.NoteFinalReaderSeenByPolling();
                }

                return ReaderAnswer(c, request, reader);
            case CheckoutCommandKind.RetrievePaymentIntent:
                if (runner.TakeObservedIntent(c.Ticket, piId) is { } observedIntent)
                {
                    // Read moments ago in the same response that showed the reader's action over.
                    return IntentAnswer(c, request, observedIntent);
                }

                await budgets.PaymentIntents.WaitTurnAsync(runner.Owner.Work, stopping).ConfigureAwait(false);
                return IntentAnswer(c, request, await payments.GetAsync(piId!, TerminalCallOptions.CallerRetries, stopping).ConfigureAwait(false));
            case CheckoutCommandKind.CapturePaymentIntent:
                return IntentAnswer(c, request, await payments.CaptureAsync(piId!, c.Amount > 0 ? c.Amount : null, options, stopping).ConfigureAwait(false));
            case CheckoutCommandKind.CancelPaymentIntent:
                return IntentAnswer(c, request, await payments.CancelAsync(piId!, Reason(c.CancellationReason), options, stopping).ConfigureAwait(false));
            case CheckoutCommandKind.RefundPayment:
                if (IsInterac(runner))
                {
                    return CheckoutEvent.RefundReceived(time.GetUtcNow(), c.Ticket, await RefundOnReaderAsync(c, request, piId!, options).ConfigureAwait(false));
                }

                var refund = await RefundAsync(c, request.CheckoutId, piId!, options).ConfigureAwait(false);
                return CheckoutEvent.RefundReceived(time.GetUtcNow(), c.Ticket, new RefundObservation(refund.Id, refund.Amount, refund.Status));
            default:
                throw new InvalidOperationException($"The checkout machine asked for {c.Kind}, which is not a Stripe call.");
        }
    }

    /// <summary>The per-endpoint pace a write takes its turn from.</summary>
    private PollBudget WriteBudget(CheckoutCommandKind kind) => kind switch
    {
        CheckoutCommandKind.CreatePaymentIntent => budgets.Creates,
        CheckoutCommandKind.ProcessPaymentIntent or CheckoutCommandKind.CollectPaymentMethod or CheckoutCommandKind.ConfirmPaymentIntent => budgets.ReaderActions,
        CheckoutCommandKind.CapturePaymentIntent => budgets.Captures,
        _ => budgets.OtherWrites,
    };

    /// <summary>
    /// Reads the checkout's reader: in the next batch that lists it, or alone (through the reader
    /// budget) when batches are off or none shows it; a checkout whose reader no batch showed reads
    /// alone from then on. A batch's expanded PaymentIntent is kept for the read that follows when
    /// it can stand in for it: our action succeeded and the next step is our capture (whose answer
    /// carries the card details), so the PaymentIntent read is saved.
    /// </summary>
    private async Task<TerminalReader> ReadReaderAsync(CheckoutRunner runner, CheckoutCommand c, string? piId, bool waitingPoll)
    {
        var request = runner.Request;
        // Only a waiting checkout's routine poll waits for a batch: a read that decides the next step
        // (after a webhook, a failed call, a cancel) would wait up to an interval for nothing.
        if (reads.Batched && waitingPoll && !runner.ReadsReaderAlone)
        {
            var observed = await reads.InBatchAsync(request.ReaderId, runner.Owner.Work).ConfigureAwait(false);
            if (observed is not null)
            {
                var action = observed.Reader.Action;
                if (observed.PaymentIntent is { } intent && piId is not null && intent.Id == piId && action?.PaymentIntentId == piId
                    && action.Status == ReaderActionStatus.Succeeded && intent.Status == IntentStatus.RequiresCapture
                    && request.CaptureMode != CheckoutCaptureMode.Manual)
                {
                    runner.OfferObservedIntent(c.Ticket, intent);
                }

                return observed.Reader;
            }

            runner.ReadsReaderAlone = true;
        }

        return await reads.AloneAsync(request.ReaderId, runner.Owner.Work, TerminalCallOptions.CallerRetries, stopping).ConfigureAwait(false);
    }

    /// <summary>The answer to a send: the reader, whose location places it in its batch and which the events feed follows from then on.</summary>
    private CheckoutEvent SentAnswer(in CheckoutCommand c, CheckoutRequest request, DateTimeOffset sentAt, TerminalReader r)
    {
        reads.NoteSent(r, sentAt);
        return ReaderAnswer(c, request, r);
    }

    /// <summary>
    /// What the machine is told of a failed call: the failure classified where the call failed (input
    /// refused before sending is <see cref="StripeFailureKind.Rejected"/>), or, for anything else, an unknown outcome.
    /// </summary>
    private static StripeFailure FailureOf(Exception exception) => StripeFailure.Of(exception);

    private CreatePaymentRequest BuildCreate(CheckoutRequest request)
    {
        var metadata = new Dictionary<string, string>(request.Metadata ?? new Dictionary<string, string>(), StringComparer.Ordinal)
        {
            [TerminalCheckout.CheckoutIdMetadataKey] = request.CheckoutId,
        };
        if (request.Owner is not null)
        {
            metadata[TerminalCheckout.OwnerMetadataKey] = request.Owner;
        }

        var australia = string.Equals(country, "AU", StringComparison.OrdinalIgnoreCase) || string.Equals(request.Currency, "aud", StringComparison.OrdinalIgnoreCase);
        // Single-message debit networks (eftpos in Australia, Interac in Canada) cannot authorise
        // now and capture later: manual_preferred captures them at once and authorises the rest.
        // Interac refuses capture_method=manual outright (changelog basil 2025-03-31).
        var singleMessageDebit = australia || string.Equals(request.Currency, "cad", StringComparison.OrdinalIgnoreCase);
        return new CreatePaymentRequest(request.Amount)
        {
            Currency = request.Currency,
            CaptureMethod = request.CaptureMode switch
            {
                CheckoutCaptureMode.Automatic => CaptureMethod.Automatic,
                CheckoutCaptureMode.AutomaticDelayed => CaptureMethod.AutomaticDelayed,
                // Plain manual capture makes every eftpos card decline: Australia authorises with manual_preferred.
                CheckoutCaptureMode.Manual => australia ? CaptureMethod.ManualPreferred : CaptureMethod.Manual,
                _ => singleMessageDebit ? CaptureMethod.ManualPreferred : CaptureMethod.Manual,
            },
            CaptureDelayDays = request.CaptureDelayDays,
            AllowInterac = request.AllowInterac,
            Description = request.Description,
            Metadata = metadata,
            ReceiptEmail = request.ReceiptEmail,
        };
    }

    private static PaymentCollectionOptions Collection(CheckoutRequest request) => new()
    {
        SkipTipping = request.SkipTipping,
        TipEligibleAmount = request.SkipTipping ? null : request.TipEligibleAmount,
        EnableCustomerCancellation = request.AllowCustomerCancellation,
    };

    private static PaymentCancellationReason Reason(IntentCancellationReason reason) => reason switch
    {
        IntentCancellationReason.RequestedByCustomer => PaymentCancellationReason.RequestedByCustomer,
        _ => PaymentCancellationReason.Abandoned,
    };

    private CheckoutEvent IntentAnswer(in CheckoutCommand c, CheckoutRequest request, TerminalPayment p) =>
        CheckoutEvent.IntentReceived(time.GetUtcNow(), c.Ticket, Observe(request, p));

    private CheckoutEvent ReaderAnswer(in CheckoutCommand c, CheckoutRequest request, TerminalReader r) =>
        CheckoutEvent.ReaderReceived(time.GetUtcNow(), c.Ticket, Observe(r, request.CheckoutId));

    internal static PaymentIntentObservation Observe(CheckoutRequest request, TerminalPayment p) => new(
        p.Id,
        p.Status,
        p.Amount,
        p.AmountCapturable,
        p.AmountReceived,
        // The amount only ever grows by the tip chosen on the reader.
        Math.Max(0, p.Amount - request.Amount),
        p.LatestCharge?.AmountRefunded ?? 0,
        p.LatestChargeId,
        p.LatestCharge?.Card?.Brand,
        p.LatestCharge?.Card?.Last4,
        p.LatestCharge?.Network,
        p.LastPaymentError?.DeclineCode,
        p.LastPaymentError?.Code,
        p.CancellationReason,
        p.LatestCharge?.Receipt);

    /// <summary>The receipt-email form: one email field the customer may skip, tagged with the checkout.</summary>
    private static CollectInputsRequest ReceiptEmailForm(CheckoutRequest request) =>
        new([new EmailInput(new InputCustomText("Email for your receipt", SkipButton: "Skip")) { Required = false }])
        {
            Metadata = new Dictionary<string, string>(1, StringComparer.Ordinal) { [TerminalCheckout.CheckoutIdMetadataKey] = request.CheckoutId },
        };

    /// <summary>
    /// The reader as the machine sees it. A form (<c>collect_inputs</c>) is ours only when it carries
    /// our checkout id: another sale's finished form left on the reader is seen as some other action,
    /// so its customer's email never becomes this sale's receipt address.
    /// </summary>
    internal static ReaderObservation Observe(TerminalReader r, string? checkoutId = null) => r.Action is not { } a
        ? new ReaderObservation(r.Id, ActionType: null)
        : a.Type == ReaderActionType.CollectInputs && checkoutId is not null
            && !(a.Metadata?.TryGetValue(TerminalCheckout.CheckoutIdMetadataKey, out var owner) == true && owner == checkoutId)
        ? new ReaderObservation(r.Id, ReaderActionType.Unknown, a.Status)
        : new ReaderObservation(
            r.Id,
            a.Type,
            a.Status,
            a.PaymentIntentId,
            a.Failure?.Code,
            a.Failure?.DeclineCode,
            a.Inputs?.OfType<CollectedEmail>().FirstOrDefault(i => !i.Skipped)?.Email);
}
