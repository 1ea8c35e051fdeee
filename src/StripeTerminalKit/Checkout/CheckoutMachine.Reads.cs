using StripeTerminalKit.Errors;
using StripeTerminalKit.Readers;

namespace StripeTerminalKit.Checkout;

internal sealed partial class CheckoutMachine
{
    private ref partial struct Run
    {
        // ---- Reads -----------------------------------------------------------------------------

        private void OnReadAnswer(in CheckoutEvent e)
        {
            var isReader = e.Ticket == _s.ReaderTicket;
            if (e.Kind == CheckoutEventKind.RequestFailed)
            {
                if (!isReader && e.Failure.Kind == StripeFailureKind.NotFound)
                {
                    if (_s.IsCompleted)
                    {
                        FinishOperation(CheckoutOperationStatus.Failed, 0, CheckoutOperationRejection.RejectedByStripe, null, e.Failure.Code);
                    }
                    else
                    {
                        CompleteAttention(NeedsAttentionReason.PaymentIntentNotFound, e.Failure.Code);
                    }

                    return;
                }

                if (isReader && e.Failure.Kind is StripeFailureKind.NotFound or StripeFailureKind.ReaderUnavailable)
                {
                    // A reader that is gone runs no action of ours.
                    StoreReader(new ReaderObservation(_s.Request.ReaderId, ActionType: null));
                }
                else
                {
                    RetryReads();
                    return;
                }
            }
            else if (isReader)
            {
                if (e.Kind != CheckoutEventKind.ReaderReceived || e.Reader.ReaderId != _s.Request.ReaderId)
                {
                    RetryReads();
                    return;
                }

                StoreReader(e.Reader);
            }
            else
            {
                if (e.Kind != CheckoutEventKind.PaymentIntentReceived || e.Intent.Id != _s.PaymentIntentId)
                {
                    RetryReads();
                    return;
                }

                _s.FreshIntent = e.Intent;
                _s.HasFreshIntent = true;
                _s.IntentTicket = 0;
            }

            if (_s.ReaderTicket == 0 && _s.IntentTicket == 0)
            {
                _s.Pending = PendingKind.None;
                OnReadsComplete();
            }
        }

        private void StoreReader(in ReaderObservation reader)
        {
            _s.FreshReader = reader;
            _s.HasFreshReader = true;
            _s.ReaderTicket = 0;
        }

        private void RetryReads()
        {
            _s.Pending = PendingKind.None;
            _s.ReaderTicket = 0;
            _s.IntentTicket = 0;
            Schedule(NextAction.Verify, _o.RetryDelay(_s.RetryCount++));
        }

        private void OnReadsComplete()
        {
            if (_s.IsCompleted)
            {
                if (_s.Operation != PostOperation.None && _s.HasFreshIntent)
                {
                    OnOperationIntent(_s.FreshIntent);
                }

                return;
            }

            if ((_s.ReadIntent || _s.DecideAfterReads) && _s.HasFreshIntent)
            {
                Decide();
            }
            else if (_s.HasFreshReader && _s.Phase == CheckoutPhase.CollectingInputs)
            {
                OnInputsRead(in _s.FreshReader);
            }
            else if (_s.HasFreshReader)
            {
                OnFreshReader(in _s.FreshReader);
            }
        }

        /// <summary>
        /// The reader while it may show our receipt-email form: wait while it does; an email the
        /// customer gave is saved on the PaymentIntent; skipped, failed, replaced or gone, the
        /// payment goes on without it (the form is a courtesy, never a reason to lose the sale).
        /// A form whose request got no answer and that the reader does not show never reached it:
        /// it is sent again (same key), so a crash just before it left does not skip the question
        /// (found by the SIGKILL crash test).
        /// </summary>
        private void OnInputsRead(in ReaderObservation r)
        {
            // The email moves to the request (stored with the checkout); the read keeps no copy.
            var collected = r.CollectedEmail;
            _s.FreshReader = _s.FreshReader with { CollectedEmail = null };
            _s.Phase = CheckoutPhase.CollectingInputs;
            if (r.ReaderId == _s.Request.ReaderId && r.ActionType == ReaderActionType.CollectInputs && r.ActionStatus == ReaderActionStatus.InProgress)
            {
                _s.AmbiguousSend = false;
                _s.ActionMayBeInProgress = true;
                if (_s.End != EndIntent.None)
                {
                    IssueCancelAction();
                }
                else if (_s.HintPending)
                {
                    // A webhook said the form is done after this answer was sent: look again now.
                    IssueReads(reader: true, intent: false);
                }
                else
                {
                    SchedulePoll();
                }

                return;
            }

            _s.ActionMayBeInProgress = false;
            var neverArrived = _s.AmbiguousSend && r.ActionType != ReaderActionType.CollectInputs;
            _s.AmbiguousSend = false;
            if (_s.End == EndIntent.None && neverArrived)
            {
                RetryLater(CheckoutCommandKind.CollectReceiptEmail);
            }
            else if (_s.End == EndIntent.None && r.ActionType == ReaderActionType.CollectInputs
                && r.ActionStatus == ReaderActionStatus.Succeeded && collected is { } email && Validation.Guard.IsEmail(email))
            {
                _s.Request = _s.Request with { ReceiptEmail = email };
                Issue(CheckoutCommandKind.SaveReceiptEmail);
            }
            else
            {
                NextSetupStep(CheckoutCommandKind.CollectReceiptEmail);
            }
        }

        /// <summary>A fresh reader read while the payment is with the reader (an acknowledgement or a poll).</summary>
        private void OnFreshReader(in ReaderObservation r)
        {
            _s.FreshReader = r;
            _s.HasFreshReader = true;
            if (IsOurs(in r) && r.ActionStatus == ReaderActionStatus.InProgress)
            {
                _s.ActionMayBeInProgress = true;
                KeepWaiting();
            }
            else
            {
                // The action is over (or gone): the PaymentIntent decides.
                _s.DecideAfterReads = false;
                IssueReads(reader: false, intent: true);
            }
        }

        private void KeepWaiting()
        {
            _s.Phase = CheckoutPhase.AwaitingReader;
            if (_s.End != EndIntent.None)
            {
                CancelActionOrWait();
            }
            else if (_s.HintPending)
            {
                IssueReads(reader: true, intent: true);
            }
            else
            {
                SchedulePoll();
            }
        }
    }
}
