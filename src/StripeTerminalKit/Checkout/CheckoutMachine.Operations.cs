using StripeTerminalKit.Errors;
using StripeTerminalKit.Payments;

namespace StripeTerminalKit.Checkout;

internal sealed partial class CheckoutMachine
{
    private ref partial struct Run
    {
        // ---- Requests from the caller ---------------------------------------------------------

        private void OnCancelRequested(CheckoutCanceledBy by)
        {
            if (!_s.IsCompleted)
            {
                Report(CheckoutOperation.Cancel, CheckoutOperationStatus.Accepted);
                BeginEnd(EndIntent.Cancel, by);
            }
            else if (_s.Phase == CheckoutPhase.Authorized && _s.Operation == PostOperation.None)
            {
                StartOperation(PostOperation.Void, 0);
            }
            else
            {
                Report(CheckoutOperation.Cancel, CheckoutOperationStatus.Rejected,
                    _s.Operation != PostOperation.None ? CheckoutOperationRejection.OperationInProgress : CheckoutOperationRejection.NotAllowedInState);
            }
        }

        private void OnRetryRequested()
        {
            if (_s.Phase == CheckoutPhase.AwaitingRetry && _s.End == EndIntent.None && _s.Pending != PendingKind.Mutation)
            {
                Report(CheckoutOperation.Retry, CheckoutOperationStatus.Accepted);
                _s.Attempt++;
                _s.Step = FirstStep();
                NeedNewKey(CheckoutCommandKind.ProcessPaymentIntent);
                IssueSend();
            }
            else
            {
                Report(CheckoutOperation.Retry, CheckoutOperationStatus.Rejected, CheckoutOperationRejection.NotAllowedInState);
            }
        }

        private void OnCaptureRequested(long amount)
        {
            CheckoutOperationRejection? rejection =
                !_s.IsCompleted ? CheckoutOperationRejection.NotAllowedInState
                : _s.Operation != PostOperation.None ? CheckoutOperationRejection.OperationInProgress
                : _s.Phase == CheckoutPhase.Captured ? CheckoutOperationRejection.AlreadyCaptured
                : _s.Phase != CheckoutPhase.Authorized ? CheckoutOperationRejection.NotAllowedInState
                : amount < 0 || amount > _s.AmountCapturable ? CheckoutOperationRejection.AmountExceedsCapturable
                : null;
            if (rejection is { } reason)
            {
                Report(CheckoutOperation.Capture, CheckoutOperationStatus.Rejected, reason);
                return;
            }

            StartOperation(PostOperation.Capture, amount);
        }

        private void OnRefundRequested(long amount)
        {
            var remaining = _s.AmountCaptured - _s.AmountRefunded;
            // Stripe captures an automatic_delayed payment by itself, without telling the checkout:
            // one still authorised here may be captured by now, which the operation's read shows.
            var capturedByStripe = _s.Phase == CheckoutPhase.Authorized && _s.Request.CaptureMode == CheckoutCaptureMode.AutomaticDelayed;
            CheckoutOperationRejection? rejection =
                !_s.IsCompleted ? CheckoutOperationRejection.NotAllowedInState
                : _s.Operation != PostOperation.None ? CheckoutOperationRejection.OperationInProgress
                : _s.Phase != CheckoutPhase.Captured && !capturedByStripe ? CheckoutOperationRejection.NotAllowedInState
                : amount < 0 || (!capturedByStripe && (amount > remaining || remaining <= 0)) ? CheckoutOperationRejection.AmountExceedsRefundable
                : null;
            if (rejection is { } reason)
            {
                Report(CheckoutOperation.Refund, CheckoutOperationStatus.Rejected, reason);
                return;
            }

            StartOperation(PostOperation.Refund, amount);
        }

        private void StartOperation(PostOperation operation, long amount)
        {
            _s.Operation = operation;
            _s.OperationAmount = amount;
            _s.OperationSent = false;
            _s.OperationHardStopAt = _now + _o.SettleGrace;
            _s.RetryCount = 0;

            // A new request, never the replay of an earlier one whose outcome may still be unknown.
            NeedNewKey(operation switch
            {
                PostOperation.Capture => CheckoutCommandKind.CapturePaymentIntent,
                PostOperation.Void => CheckoutCommandKind.CancelPaymentIntent,
                _ => CheckoutCommandKind.RefundPayment,
            });

            // Verify before acting: Stripe's PaymentIntent, not our memory, says what can be captured or refunded.
            IssueReads(reader: false, intent: true);
        }

        // ---- Capture, void and refund on a completed checkout ---------------------------------

        private void OnOperationIntent(in PaymentIntentObservation pi)
        {
            _s.Known = pi;
            _s.AmountCapturable = pi.AmountCapturable;
            if (pi.Status == IntentStatus.Succeeded)
            {
                _s.AmountCaptured = pi.AmountReceived;
                _s.AmountRefunded = pi.AmountRefunded;
            }

            switch (_s.Operation)
            {
                case PostOperation.Capture:
                    OnCaptureIntent(in pi);
                    break;
                case PostOperation.Void:
                    OnVoidIntent(in pi);
                    break;
                case PostOperation.Refund:
                    OnRefundIntent(in pi);
                    break;
            }
        }

        private void OnCaptureIntent(in PaymentIntentObservation pi)
        {
            switch (pi.Status)
            {
                case IntentStatus.Succeeded:
                    _s.Phase = CheckoutPhase.Captured;
                    if (_s.OperationSent)
                    {
                        FinishOperation(CheckoutOperationStatus.Succeeded, pi.AmountReceived, null, null, null);
                    }
                    else
                    {
                        FinishOperation(CheckoutOperationStatus.Rejected, 0, CheckoutOperationRejection.AlreadyCaptured, null, null);
                    }

                    break;
                case IntentStatus.RequiresCapture:
                    var amount = _s.OperationAmount == 0 ? pi.AmountCapturable : _s.OperationAmount;
                    if (amount <= 0 || amount > pi.AmountCapturable)
                    {
                        FinishOperation(CheckoutOperationStatus.Rejected, 0, CheckoutOperationRejection.AmountExceedsCapturable, null, null);
                    }
                    else
                    {
                        _s.OperationSent = true;
                        IssueCapture(amount);
                    }

                    break;
                case IntentStatus.Canceled:
                    // Voided elsewhere, or the authorisation expired.
                    _s.Phase = CheckoutPhase.Closed;
                    _s.AmountCapturable = 0;
                    FinishOperation(CheckoutOperationStatus.Rejected, 0, CheckoutOperationRejection.PaymentIntentCanceled, null, pi.CancellationReason);
                    break;
                default:
                    FinishOperation(CheckoutOperationStatus.Rejected, 0, CheckoutOperationRejection.UnexpectedPaymentIntentStatus, null, null);
                    break;
            }
        }

        private void OnVoidIntent(in PaymentIntentObservation pi)
        {
            switch (pi.Status)
            {
                case IntentStatus.RequiresCapture:
                    _s.OperationSent = true;
                    IssueCancelIntent();
                    break;
                case IntentStatus.Canceled:
                    _s.Phase = CheckoutPhase.Closed;
                    _s.Voided = true;
                    _s.AmountCapturable = 0;
                    FinishOperation(_s.OperationSent ? CheckoutOperationStatus.Succeeded : CheckoutOperationStatus.Rejected, 0,
                        _s.OperationSent ? null : CheckoutOperationRejection.PaymentIntentCanceled, null, null);
                    break;
                case IntentStatus.Succeeded:
                    _s.Phase = CheckoutPhase.Captured;
                    FinishOperation(CheckoutOperationStatus.Rejected, 0, CheckoutOperationRejection.AlreadyCaptured, null, null);
                    break;
                default:
                    FinishOperation(CheckoutOperationStatus.Rejected, 0, CheckoutOperationRejection.UnexpectedPaymentIntentStatus, null, null);
                    break;
            }
        }

        private void OnRefundIntent(in PaymentIntentObservation pi)
        {
            if (_s.Phase == CheckoutPhase.Authorized)
            {
                if (pi.Status != IntentStatus.Succeeded)
                {
                    // automatic_delayed, not captured yet: nothing to refund (void it instead).
                    FinishOperation(CheckoutOperationStatus.Rejected, 0, CheckoutOperationRejection.NotAllowedInState, null, null);
                    return;
                }

                _s.Phase = CheckoutPhase.Captured;
                _s.AmountCapturable = 0;
            }

            if (pi.Status != IntentStatus.Succeeded)
            {
                FinishOperation(CheckoutOperationStatus.Rejected, 0, pi.Status == IntentStatus.Canceled
                    ? CheckoutOperationRejection.PaymentIntentCanceled
                    : CheckoutOperationRejection.UnexpectedPaymentIntentStatus, null, null);
                return;
            }

            if (_s.OperationSent && pi.AmountRefunded >= _s.RefundBaseline + _s.OperationAmount)
            {
                // The refund whose answer was lost did go through; never send a second one.
                FinishOperation(CheckoutOperationStatus.Succeeded, _s.OperationAmount, null, null, null);
                return;
            }

            var remaining = pi.AmountReceived - pi.AmountRefunded;
            if (!_s.OperationSent && _s.OperationAmount == 0)
            {
                _s.OperationAmount = remaining;
            }

            if (_s.OperationAmount <= 0 || _s.OperationAmount > remaining)
            {
                FinishOperation(CheckoutOperationStatus.Rejected, 0, CheckoutOperationRejection.AmountExceedsRefundable, null, null);
                return;
            }

            if (!_s.OperationSent)
            {
                _s.RefundBaseline = pi.AmountRefunded;
                _s.OperationSent = true;
            }

            IssueRefund(_s.OperationAmount);
        }

        private void OnOperationMutationAnswer(CheckoutCommandKind kind, in CheckoutEvent e)
        {
            if (_s.Operation == PostOperation.None)
            {
                return;
            }

            if (kind == CheckoutCommandKind.RefundPayment)
            {
                if (e.Refund.Status is RefundStatus.Failed or RefundStatus.Canceled)
                {
                    FinishOperation(CheckoutOperationStatus.Failed, 0, CheckoutOperationRejection.RejectedByStripe, e.Refund.Id, "refund_failed");
                }
                else
                {
                    _s.AmountRefunded += e.Refund.Amount;
                    _s.RefundId = e.Refund.Id;
                    FinishOperation(CheckoutOperationStatus.Succeeded, e.Refund.Amount, null, e.Refund.Id, null);
                }

                return;
            }

            OnOperationIntent(e.Intent);
        }

        private void OnOperationMutationFailed(CheckoutCommandKind kind, StripeFailure f)
        {
            if (_s.Operation == PostOperation.None)
            {
                return;
            }

            if (f.IsAmbiguous || f.Kind == StripeFailureKind.InvalidState)
            {
                VerifyAfterFailure(reader: false);
            }
            else if (f.IsRetryLater)
            {
                RetryLater(kind, _s.MutationAmount);
            }
            else
            {
                FinishOperation(CheckoutOperationStatus.Failed, 0, CheckoutOperationRejection.RejectedByStripe, null, f.Code);
            }
        }

        private void FinishOperation(CheckoutOperationStatus status, long amount, CheckoutOperationRejection? rejection, string? refundId, string? code)
        {
            var operation = _s.Operation switch
            {
                PostOperation.Capture => CheckoutOperation.Capture,
                PostOperation.Void => CheckoutOperation.Void,
                _ => CheckoutOperation.Refund,
            };
            _s.Operation = PostOperation.None;
            _s.OperationSent = false;
            _s.OperationAmount = 0;
            _s.OperationHardStopAt = DateTimeOffset.MaxValue;
            _s.Pending = PendingKind.None;
            _s.Next = NextAction.None;
            Report(operation, status, rejection, amount, refundId, code);
        }
    }
}
