using StripeTerminalKit.Errors;

namespace StripeTerminalKit.Checkout;

internal sealed partial class CheckoutMachine
{
    private ref partial struct Run
    {
        // ---- Issuing commands -----------------------------------------------------------------

        private int NewTicket() => ++_s.Ticket;

        private StepKey NextKey(CheckoutStep step)
        {
            var bit = (ushort)(1 << (int)step.KeySequence);
            var seq = _s.Keys.Get(step.KeySequence);
            if (seq == 0 || (_s.NewKeyMask & bit) != 0)
            {
                _s.Keys.Set(step.KeySequence, ++seq);
                _s.NewKeyMask &= (ushort)~bit;
            }

            return new StepKey(CheckoutId, step.Key, seq);
        }

        /// <summary>The next request of this kind is a new one (the last succeeded, or Stripe stored its failure).</summary>
        private void NeedNewKey(CheckoutCommandKind kind) => _s.NewKeyMask |= (ushort)(1 << (int)CheckoutSteps.Row(kind).KeySequence);

        private void IssueMutation(CheckoutCommandKind kind, StepKey key, long amount = 0,
            IntentCancellationReason reason = IntentCancellationReason.Abandoned)
        {
            var ticket = NewTicket();
            _s.Pending = PendingKind.Mutation;
            _s.PendingMutation = kind;
            _s.MutationTicket = ticket;
            _s.MutationAmount = amount;
            _s.PendingSince = _now;
            _s.Next = NextAction.None;
            _s.HasFreshReader = false;
            _s.HasFreshIntent = false;
            _s.DecideAfterReads = false;
            _cmds.Add(new CheckoutCommand(kind, ticket, key, _s.PaymentIntentId, amount, _s.Attempt, reason));
        }

        private void IssueReads(bool reader, bool intent)
        {
            _s.Pending = PendingKind.Reads;
            _s.ReadReader = reader;
            _s.ReadIntent = intent;
            _s.PendingSince = _now;
            _s.Next = NextAction.None;
            _s.HintPending = false;
            _s.ReaderTicket = 0;
            _s.IntentTicket = 0;
            if (reader)
            {
                _s.HasFreshReader = false;
                _s.ReaderTicket = NewTicket();
                _cmds.Add(new CheckoutCommand(CheckoutCommandKind.RetrieveReader, _s.ReaderTicket, Attempt: _s.Attempt));
            }

            if (intent)
            {
                _s.HasFreshIntent = false;
                _s.IntentTicket = NewTicket();
                _cmds.Add(new CheckoutCommand(CheckoutCommandKind.RetrievePaymentIntent, _s.IntentTicket,
                    PaymentIntentId: _s.PaymentIntentId, Attempt: _s.Attempt));
            }
        }

        /// <summary>Makes a step's call: its phase, its key, and what it sets in motion (<see cref="CheckoutStep"/>).</summary>
        private void Issue(CheckoutCommandKind kind, long amount = 0)
        {
            var step = CheckoutSteps.Row(kind);
            if (!_s.IsCompleted)
            {
                _s.Phase = step.Phase;
                _s.Abandoned |= step.Abandons;
            }

            _s.ActionMayBeInProgress |= step.StartsReaderAction;
            var reason = step.Abandons && (_s.End == EndIntent.Cancel || _s.Operation == PostOperation.Void)
                ? IntentCancellationReason.RequestedByCustomer
                : IntentCancellationReason.Abandoned;
            IssueMutation(kind, NextKey(step), amount, reason);
        }

        private void IssueCreate() => Issue(CheckoutCommandKind.CreatePaymentIntent);

        private void IssueSend() => Issue(SendKind());

        private void IssueCancelAction() => Issue(CheckoutCommandKind.CancelReaderAction);

        private void IssueCancelIntent() => Issue(CheckoutCommandKind.CancelPaymentIntent);

        private void IssueCapture(long amount) => Issue(CheckoutCommandKind.CapturePaymentIntent, amount);

        private void IssueRefund(long amount) => Issue(CheckoutCommandKind.RefundPayment, amount);

        private void Reissue(CheckoutCommandKind kind)
        {
            if (!_s.IsCompleted && _s.End != EndIntent.None && CheckoutSteps.Row(kind).RereadWhenEnding)
            {
                // The checkout started ending while this call waited to be repeated: never hand the
                // payment to the reader again or capture it blindly; re-read and let Decide choose.
                IssueReads(reader: true, intent: true);
                return;
            }

            // A send is repeated as the step the attempt is at; anything else as it was.
            Issue(CheckoutSteps.Row(kind).StartsReaderAction ? SendKind() : kind, _s.MutationAmount);
        }

        private readonly void Report(CheckoutOperation operation, CheckoutOperationStatus status,
            CheckoutOperationRejection? rejection = null, long amount = 0, string? refundId = null, string? code = null) =>
            _cmds.Add(new CheckoutCommand(CheckoutCommandKind.ReportOperation, Operation: new CheckoutOperationResult
            {
                CheckoutId = _s.Request.CheckoutId,
                Operation = operation,
                Status = status,
                Rejection = rejection,
                Amount = amount,
                RefundId = refundId,
                Code = code,
            }));
    }
}
