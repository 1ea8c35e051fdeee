using StripeTerminalKit.Errors;
using StripeTerminalKit.Payments;

namespace StripeTerminalKit.Checkout;

internal sealed partial class CheckoutMachine
{
    private ref partial struct Run
    {
        // ---- Ending ---------------------------------------------------------------------------

        private void OnDeadline()
        {
            if (_s.Phase == CheckoutPhase.AwaitingRetry)
            {
                // Nobody retried: the checkout ends as what happened to the last card.
                if (_s.LastWasDecline)
                {
                    BeginEnd(EndIntent.Decline, CheckoutCanceledBy.Deadline);
                }
                else
                {
                    BeginFail(CheckoutFailureReason.ReaderActionFailed, _s.LastFailureCode);
                }
            }
            else
            {
                BeginEnd(EndIntent.Deadline, CheckoutCanceledBy.Deadline);
            }
        }

        private void BeginFail(CheckoutFailureReason reason, string? code)
        {
            if (_s.IsCompleted)
            {
                return;
            }

            SetFail(reason, code);
            ContinueEnding();
        }

        private void BeginEnd(EndIntent intent, CheckoutCanceledBy by)
        {
            if (_s.IsCompleted)
            {
                return;
            }

            SetEnd(intent, by);
            ContinueEnding();
        }

        private void SetEnd(EndIntent intent, CheckoutCanceledBy by)
        {
            // The first reason wins, except that an explicit cancel or a failure overrides the deadline.
            if (_s.End == EndIntent.None || (_s.End == EndIntent.Deadline && intent is EndIntent.Cancel or EndIntent.Fail))
            {
                _s.End = intent;
                _s.CanceledBy = by;
            }

            var stop = _now + _o.SettleGrace;
            if (stop < _s.HardStopAt)
            {
                _s.HardStopAt = stop;
            }
        }

        private void SetFail(CheckoutFailureReason reason, string? code)
        {
            if (_s.End is EndIntent.None or EndIntent.Deadline)
            {
                _s.FailureReason = reason;
                _s.FailureCode = code;
            }

            SetEnd(EndIntent.Fail, CheckoutCanceledBy.Merchant);
        }

        private void ContinueEnding()
        {
            if (_s.Pending != PendingKind.None)
            {
                // The answer in flight continues the wind-down.
                return;
            }

            switch (_s.Phase)
            {
                case CheckoutPhase.New:
                case CheckoutPhase.CreatingIntent:
                    if (_s.PaymentIntentId is null)
                    {
                        CompleteByIntent();
                    }
                    else
                    {
                        IssueCancelIntent();
                    }

                    break;
                case CheckoutPhase.DisplayingCart:
                case CheckoutPhase.SavingReceiptEmail:
                case CheckoutPhase.AwaitingRetry:
                    IssueCancelIntent();
                    break;
                case CheckoutPhase.CollectingInputs when _s.ActionMayBeInProgress:
                    // Our form is on the reader: take it down, then cancel the PaymentIntent.
                    IssueCancelAction();
                    break;
                case CheckoutPhase.CollectingInputs:
                    IssueCancelIntent();
                    break;
                case CheckoutPhase.AwaitingReader:
                    if (_s.ActionMayBeInProgress)
                    {
                        CancelActionOrWait();
                    }
                    else
                    {
                        IssueCancelIntent();
                    }

                    break;
                case CheckoutPhase.CancelingReaderAction:
                case CheckoutPhase.CancelingIntent:
                case CheckoutPhase.RefundingForCancel:
                    if (_s.Next == NextAction.None)
                    {
                        IssueReads(reader: true, intent: true);
                    }

                    break;
                default:
                    // Sending, verifying, capturing: re-read; Decide knows what the end intent needs.
                    IssueReads(reader: true, intent: true);
                    break;
            }
        }

        private void CancelActionOrWait()
        {
            if (_s.CancelBusyUntil == DateTimeOffset.MinValue)
            {
                IssueCancelAction();
            }
            else if (_now < _s.CancelBusyUntil)
            {
                // terminal_reader_busy: the authorisation is under way; its outcome decides.
                _s.Phase = CheckoutPhase.AwaitingReader;
                SchedulePoll();
            }
            else
            {
                // Waited long enough: cancelling the PaymentIntent stops any later authorisation.
                IssueCancelIntent();
            }
        }

        private void RefundForCancel(in PaymentIntentObservation pi)
        {
            _s.Voided = false;
            _s.AmountCaptured = pi.AmountReceived;
            _s.AmountRefunded = pi.AmountRefunded;
            var remaining = pi.AmountReceived - pi.AmountRefunded;
            if (remaining <= 0)
            {
                CompleteByIntent();
            }
            else
            {
                IssueRefund(remaining);
            }
        }

        private void HardStop()
        {
            if (_s.PaymentIntentId is null)
            {
                CompleteByIntent();
                return;
            }

            var reason = _s.Phase switch
            {
                CheckoutPhase.RefundingForCancel => NeedsAttentionReason.RefundUnconfirmed,
                CheckoutPhase.Capturing => NeedsAttentionReason.CaptureUnconfirmed,
                CheckoutPhase.CancelingReaderAction or CheckoutPhase.CancelingIntent => NeedsAttentionReason.CancellationUnconfirmed,
                _ when _s.Known.Id is not null && _s.Known.Status is IntentStatus.Processing or IntentStatus.RequiresAction
                    => NeedsAttentionReason.PaymentIntentProcessing,
                _ when _s.End == EndIntent.Cancel => NeedsAttentionReason.CancellationUnconfirmed,
                _ => NeedsAttentionReason.OutcomeUnknown,
            };
            CompleteAttention(reason, null);
        }

        // ---- Completion -----------------------------------------------------------------------

        private void CompleteSucceeded(in PaymentIntentObservation pi)
        {
            _s.Phase = CheckoutPhase.Captured;
            _s.AmountCaptured = pi.AmountReceived;
            _s.AmountRefunded = pi.AmountRefunded;
            _s.AmountCapturable = 0;
            Complete(NewSucceeded(in pi));
        }

        private void CompleteAuthorized(in PaymentIntentObservation pi)
        {
            _s.Phase = CheckoutPhase.Authorized;
            _s.AmountCapturable = pi.AmountCapturable;
            Complete(NewSucceeded(in pi));
        }

        private readonly CheckoutSucceeded NewSucceeded(in PaymentIntentObservation pi) => new()
        {
            CheckoutId = CheckoutId,
            PaymentIntentId = pi.Id,
            Attempts = _s.Attempt,
            CompletedAt = _now,
            Amount = pi.Amount,
            TipAmount = pi.TipAmount,
            AmountCaptured = pi.AmountReceived,
            Currency = _s.Request.Currency,
            CardBrand = pi.CardBrand,
            Last4 = pi.Last4,
            Network = pi.Network,
            ChargeId = pi.ChargeId,
            Receipt = pi.Receipt,
        };

        private void CompleteByIntent()
        {
            _s.Phase = CheckoutPhase.Closed;
            CheckoutResult result = _s.End switch
            {
                EndIntent.Cancel or EndIntent.Deadline => new CheckoutCanceled
                {
                    CheckoutId = CheckoutId,
                    PaymentIntentId = _s.PaymentIntentId,
                    Attempts = _s.Attempt,
                    CompletedAt = _now,
                    CanceledBy = _s.End == EndIntent.Deadline ? CheckoutCanceledBy.Deadline : _s.CanceledBy,
                    Voided = _s.Voided,
                    AmountRefunded = _s.AmountRefunded,
                    RefundId = _s.RefundId,
                    LastDeclineCode = _s.LastDeclineCode,
                },
                EndIntent.Decline => new CheckoutDeclined
                {
                    CheckoutId = CheckoutId,
                    PaymentIntentId = _s.PaymentIntentId,
                    Attempts = _s.Attempt,
                    CompletedAt = _now,
                    DeclineCode = _s.LastDeclineCode ?? _s.LastFailureCode,
                },
                _ => new CheckoutFailed
                {
                    CheckoutId = CheckoutId,
                    PaymentIntentId = _s.PaymentIntentId,
                    Attempts = _s.Attempt,
                    CompletedAt = _now,
                    Reason = _s.FailureReason,
                    Code = _s.FailureCode,
                },
            };
            Complete(result);
        }

        private void CompleteAttention(NeedsAttentionReason reason, string? code)
        {
            _s.Phase = CheckoutPhase.Attention;
            Complete(new CheckoutNeedsAttention
            {
                CheckoutId = CheckoutId,
                PaymentIntentId = _s.PaymentIntentId,
                Attempts = _s.Attempt,
                CompletedAt = _now,
                Reason = reason,
                Code = code,
            });
        }

        private void Complete(CheckoutResult result)
        {
            _s.Result = result;
            _s.Pending = PendingKind.None;
            _s.Next = NextAction.None;
            _s.HintPending = false;
            _s.AmbiguousSend = false;
            _cmds.Add(new CheckoutCommand(CheckoutCommandKind.Complete, Result: result));
        }
    }
}
