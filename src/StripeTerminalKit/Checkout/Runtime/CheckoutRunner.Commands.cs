namespace StripeTerminalKit.Checkout.Runtime;

// What the runner does with the machine's commands (wake-ups, results, operation answers, Stripe
// calls handed to the executor), and what the executor tells it back about its reads.
internal sealed partial class CheckoutRunner
{
    private void Execute(in CheckoutCommand command, bool waitingPoll)
    {
        switch (command.Kind)
        {
            case CheckoutCommandKind.ScheduleWakeUp:
                ScheduleWakeUp(command.At);
                break;
            case CheckoutCommandKind.Complete:
                _completedReported = true;
                Handle.Publish(new CheckoutUpdate(CheckoutId, _state.PublicState, _owner.Time.GetUtcNow(), _state.PaymentIntentId, command.Result));
                break;
            case CheckoutCommandKind.ReportOperation:
                Report(command.Operation!);
                break;
            default:
                if (command.Kind is CheckoutCommandKind.ProcessPaymentIntent or CheckoutCommandKind.CollectPaymentMethod or CheckoutCommandKind.ConfirmPaymentIntent)
                {
                    _hintSinceSend = false;
                }

                _owner.Commands.Start(this, command, waitingPoll);
                break;
        }
    }

    /// <summary>No batch listed this checkout's reader: it is read alone, at the single-read pace.</summary>
    public bool ReadsReaderAlone { get; set; }

    private ObservedIntent? _observedIntent;

    /// <summary>A PaymentIntent that came expanded with the reader read answering <paramref name="readerTicket"/>.</summary>
    public void OfferObservedIntent(int readerTicket, Payments.TerminalPayment intent) =>
        Volatile.Write(ref _observedIntent, new ObservedIntent(readerTicket, intent));

    /// <summary>
    /// The offered PaymentIntent, if the read asked for is the one the machine issues right after that
    /// reader answer (the next ticket, the same PaymentIntent); taken once, and dropped otherwise.
    /// </summary>
    public Payments.TerminalPayment? TakeObservedIntent(int intentTicket, string? paymentIntentId)
    {
        var offered = Interlocked.Exchange(ref _observedIntent, null);
        return offered is not null && offered.ReaderTicket + 1 == intentTicket && offered.Intent.Id == paymentIntentId ? offered.Intent : null;
    }

    private sealed record ObservedIntent(int ReaderTicket, Payments.TerminalPayment Intent);

    /// <summary>Polling found a finished reader action that no webhook had announced.</summary>
    public void NoteFinalReaderSeenByPolling()
    {
        if (!_hintSinceSend)
        {
            _owner.WebhookHealth.WebhookMissed();
        }
    }

    private void Report(CheckoutOperationResult result)
    {
        // The request being handled first (see _asking), then the oldest request of that kind.
        var index = _asking is null ? -1 : _pendingOperations.FindIndex(p => p.Completion == _asking && Answers(p.Kind, result.Operation));
        if (index < 0)
        {
            index = _pendingOperations.FindIndex(p => Answers(p.Kind, result.Operation));
        }

        if (index >= 0)
        {
            var pending = _pendingOperations[index];
            _pendingOperations.RemoveAt(index);
            pending.Completion.TrySetResult(result);
        }

        // A cancel asked of an authorised checkout is answered as the void it became.
        static bool Answers(CheckoutOperation asked, CheckoutOperation answered) =>
            asked == answered || (asked == CheckoutOperation.Cancel && answered == CheckoutOperation.Void);
    }

    private void ScheduleWakeUp(DateTimeOffset at)
    {
        var delay = at - _owner.Time.GetUtcNow();
        if (delay < TimeSpan.Zero)
        {
            delay = TimeSpan.Zero;
        }

        _wakeUp ??= _owner.Time.CreateTimer(static s => ((CheckoutRunner)s!).Post(CheckoutEvent.Tick(((CheckoutRunner)s!)._owner.Time.GetUtcNow())), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _wakeUp.Change(delay, Timeout.InfiniteTimeSpan);
    }
}
