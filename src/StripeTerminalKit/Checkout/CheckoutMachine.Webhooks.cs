using StripeTerminalKit.Errors;
using StripeTerminalKit.Payments;
using StripeTerminalKit.Readers;

namespace StripeTerminalKit.Checkout;

internal sealed partial class CheckoutMachine
{
    private ref partial struct Run
    {
        // ---- Webhooks: hints that trigger a fresh read ----------------------------------------

        private void OnReaderHint(in ReaderObservation r)
        {
            if (_s.Phase == CheckoutPhase.CollectingInputs && r.ReaderId == _s.Request.ReaderId
                && r.ActionType == ReaderActionType.CollectInputs && r.ActionStatus != ReaderActionStatus.InProgress)
            {
                // Our receipt-email form is done: read the reader for what the customer entered, at
                // once or as soon as the answer in flight (which may predate it) is in.
                if (_s.Pending == PendingKind.None)
                {
                    IssueReads(reader: true, intent: false);
                }
                else
                {
                    _s.HintPending = true;
                }

                return;
            }

            if (_s.IsCompleted || _s.PaymentIntentId is null || r.ReaderId != _s.Request.ReaderId
                || r.ActionPaymentIntentId != _s.PaymentIntentId || r.ActionStatus == ReaderActionStatus.InProgress)
            {
                // Another reader, another payment, or nothing decisive.
                return;
            }

            if (_s.HasFreshReader && r == _s.FreshReader)
            {
                // Already known (a duplicate delivery, or polling got there first).
                return;
            }

            Hint();
        }

        private void OnIntentHint(in PaymentIntentObservation pi)
        {
            if (_s.IsCompleted || _s.PaymentIntentId is null || pi.Id != _s.PaymentIntentId || pi.Status == _s.Known.Status)
            {
                return;
            }

            Hint();
        }

        // ---- Verified webhooks: fresh observations where nothing is in doubt ---------------------

        /// <summary>
        /// The reader as a verified webhook shows it. Our action succeeded is a fact no later event
        /// can undo, so it stands as a fresh read of the reader and only the PaymentIntent (the
        /// authority on money) is read. A failure stays a hint: an old attempt's failure arriving
        /// during the next attempt must not end it (rule 7).
        /// </summary>
        private void OnReaderObserved(in ReaderObservation r)
        {
            if (!_s.IsCompleted && r.ActionStatus == ReaderActionStatus.Succeeded && IsOurs(in r) && CanTakeObservation()
                && _s.Pending == PendingKind.None)
            {
                StoreReader(in r);
                IssueReads(reader: false, intent: true);
                return;
            }

            OnReaderHint(in r);
        }

        /// <summary>
        /// The PaymentIntent as a verified webhook shows it. Authorised or captured is a fact about
        /// money that only a capture, a cancel or a refund (all ours) can change, so when the next
        /// step is a capture it goes out at once on this observation; Stripe refuses a capture of
        /// anything no longer capturable, which the machine re-reads. When the observation would end
        /// the checkout (captured in one step, or manual capture) the PaymentIntent is read once, for
        /// the card details the webhook does not carry.
        /// </summary>
        private void OnIntentObserved(in PaymentIntentObservation pi)
        {
            if (_s.IsCompleted || _s.PaymentIntentId is null || pi.Id != _s.PaymentIntentId
                || pi.Status is not (IntentStatus.RequiresCapture or IntentStatus.Succeeded)
                || !CanTakeObservation() || _s.Pending == PendingKind.Mutation)
            {
                OnIntentHint(in pi);
                return;
            }

            if (pi.Status == IntentStatus.RequiresCapture && !_s.Request.CaptureIsDeferred && AmountMatches(in pi))
            {
                // Any read in flight is superseded: its answer no longer matches what is pending.
                _s.Pending = PendingKind.None;
                _s.ReaderTicket = 0;
                _s.IntentTicket = 0;
                _s.HintPending = false;
                _s.FreshIntent = pi;
                _s.HasFreshIntent = true;
                Decide();
                return;
            }

            if (_s.Pending == PendingKind.Reads)
            {
                _s.HintPending = true;
                return;
            }

            // The reader last read is from before the tap: if the PaymentIntent says otherwise, read it again.
            _s.HasFreshReader = false;
            IssueReads(reader: false, intent: true);
        }

        /// <summary>An observation may stand in for a read only while we wait on an action the reader acknowledged, with nothing in doubt.</summary>
        private readonly bool CanTakeObservation() =>
            _s.Phase == CheckoutPhase.AwaitingReader && _s.End == EndIntent.None && !_s.Abandoned && !_s.AmbiguousSend;

        private void Hint()
        {
            if (_s.Phase is not (CheckoutPhase.SendingToReader or CheckoutPhase.AwaitingReader
                or CheckoutPhase.Verifying or CheckoutPhase.AwaitingRetry))
            {
                // Creating, cancelling or capturing: the machine reads fresh state itself before deciding.
                return;
            }

            if (_s.Pending != PendingKind.None)
            {
                _s.HintPending = true;
                return;
            }

            IssueReads(reader: true, intent: true);
        }
    }
}
