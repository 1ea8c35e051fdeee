using StripeTerminalKit.Errors;
using StripeTerminalKit.Payments;
using StripeTerminalKit.Readers;

namespace StripeTerminalKit.Checkout;

internal sealed partial class CheckoutMachine
{
    private ref partial struct Run
    {
        // ---- Deciding from fresh reads --------------------------------------------------------

        /// <summary>The heart: given a fresh PaymentIntent (and the reader when needed) and what we intend, act.</summary>
        private void Decide()
        {
            _s.DecideAfterReads = false;
            var pi = _s.FreshIntent;
            _s.Known = pi;
            // An explicit cancel, or a PaymentIntent we already tried to cancel, is never captured.
            var cancel = _s.End == EndIntent.Cancel || _s.Abandoned;
            var ending = _s.End != EndIntent.None;

            switch (pi.Status)
            {
                case IntentStatus.Succeeded:
                    _s.ActionMayBeInProgress = false;
                    _s.AmbiguousSend = false;
                    if (cancel)
                    {
                        // Captured in one step (eftpos, automatic capture): cancelling means refunding.
                        RefundForCancel(in pi);
                    }
                    else if (!AmountMatches(in pi))
                    {
                        CompleteAttention(NeedsAttentionReason.AmountMismatch, null);
                    }
                    else
                    {
                        CompleteSucceeded(in pi);
                    }

                    break;
                case IntentStatus.RequiresCapture:
                    _s.ActionMayBeInProgress = false;
                    _s.AmbiguousSend = false;
                    if (cancel)
                    {
                        _s.Voided = true;
                        IssueCancelIntent();
                    }
                    else if (!AmountMatches(in pi))
                    {
                        CompleteAttention(NeedsAttentionReason.AmountMismatch, null);
                    }
                    else if (_s.Request.CaptureIsDeferred)
                    {
                        CompleteAuthorized(in pi);
                    }
                    else
                    {
                        // Verified authorised (not abandoned): capture what was authorised, tip included.
                        IssueCapture(pi.AmountCapturable);
                    }

                    break;
                case IntentStatus.RequiresConfirmation when _s.Step == ReaderStep.Collect && !ending:
                    // Two-step: the card was collected; confirm it on the reader.
                    _s.AmbiguousSend = false;
                    _s.ActionMayBeInProgress = false;
                    _s.Step = ReaderStep.Confirm;
                    NeedNewKey(CheckoutCommandKind.ConfirmPaymentIntent);
                    IssueSend();
                    break;
                case IntentStatus.RequiresPaymentMethod:
                case IntentStatus.RequiresConfirmation:
                    DecideFromReader(in pi);
                    break;
                case IntentStatus.Canceled:
                    _s.ActionMayBeInProgress = false;
                    _s.AmbiguousSend = false;
                    if (pi.AmountRefunded > 0 && pi.AmountReceived == 0)
                    {
                        // Stripe released an authorisation we never saw (authorised just before our
                        // cancel): the charge shows the released amount as refunded.
                        _s.Voided = true;
                    }

                    if (ending)
                    {
                        CompleteByIntent();
                    }
                    else
                    {
                        _s.End = EndIntent.Fail;
                        _s.FailureReason = CheckoutFailureReason.PaymentIntentCanceled;
                        _s.FailureCode = pi.CancellationReason;
                        CompleteByIntent();
                    }

                    break;
                default:
                    // processing, requires_action or a status we do not know: look again shortly.
                    _s.Phase = CheckoutPhase.Verifying;
                    VerifyLater(_o.PollInterval);
                    break;
            }
        }

        /// <summary>No money moved yet: the reader action tells whether to wait, retry, resend or end.</summary>
        private void DecideFromReader(in PaymentIntentObservation pi)
        {
            if (!_s.HasFreshReader)
            {
                _s.DecideAfterReads = true;
                IssueReads(reader: true, intent: false);
                return;
            }

            var r = _s.FreshReader;
            var ending = _s.End != EndIntent.None;
            if (IsOurs(in r))
            {
                switch (r.ActionStatus)
                {
                    case ReaderActionStatus.InProgress:
                        _s.ActionMayBeInProgress = true;
                        if (_s.AmbiguousSend || _s.Phase != CheckoutPhase.AwaitingReader)
                        {
                            // The send we could not confirm did reach the reader: never send it again.
                            _s.WaitStartedAt = _now;
                        }

                        _s.AmbiguousSend = false;
                        KeepWaiting();
                        return;
                    case ReaderActionStatus.Failed:
                        _s.ActionMayBeInProgress = false;
                        _s.AmbiguousSend = false;
                        if (ending)
                        {
                            IssueCancelIntent();
                        }
                        else if (r.FailureCode == Readers.ReaderFailureRule.CustomerCanceled)
                        {
                            SetEnd(EndIntent.Cancel, CheckoutCanceledBy.Customer);
                            IssueCancelIntent();
                        }
                        else
                        {
                            var code = pi.DeclineCode ?? r.DeclineCode ?? r.FailureCode ?? pi.ErrorCode;
                            AttemptFailed(code, IsDecline(in pi, in r));
                        }

                        return;
                    default:
                        // The reader says done but the PaymentIntent does not show it yet.
                        _s.ActionMayBeInProgress = false;
                        _s.AmbiguousSend = false;
                        if (_s.End == EndIntent.Cancel || _s.Abandoned)
                        {
                            IssueCancelIntent();
                        }
                        else
                        {
                            _s.Phase = CheckoutPhase.Verifying;
                            VerifyLater(_o.EndingPollInterval);
                        }

                        return;
                }
            }

            // Our action is not on the reader.
            _s.ActionMayBeInProgress = false;
            if (ending)
            {
                IssueCancelIntent();
            }
            else if (_s.AmbiguousSend)
            {
                switch (_s.LastSendFailure)
                {
                    case StripeFailureKind.ReaderBusy:
                        _s.AmbiguousSend = false;
                        SetFail(CheckoutFailureReason.ReaderBusy, _s.LastFailureCode ?? "terminal_reader_busy");
                        IssueCancelIntent();
                        break;
                    case StripeFailureKind.InvalidState:
                    case StripeFailureKind.CardDeclined:
                        _s.AmbiguousSend = false;
                        AttemptFailed(pi.DeclineCode ?? _s.LastFailureCode ?? pi.ErrorCode, _s.LastSendFailure == StripeFailureKind.CardDeclined);
                        break;
                    default:
                        // Verified not delivered, and the PaymentIntent cannot have been charged: resend
                        // (under the same key unless Stripe stored the failure).
                        _s.Phase = CheckoutPhase.SendingToReader;
                        RetryLater(SendKind());
                        break;
                }
            }
            else if (_s.Phase != CheckoutPhase.AwaitingRetry)
            {
                // Acknowledged earlier, now gone: cleared on the reader, replaced, or the reader restarted.
                AttemptFailed(Readers.ReaderFailureRule.ActionInterrupted, decline: false);
            }
        }

        private readonly CheckoutCommandKind SendKind() => _s.Step switch
        {
            ReaderStep.Collect => CheckoutCommandKind.CollectPaymentMethod,
            ReaderStep.Confirm => CheckoutCommandKind.ConfirmPaymentIntent,
            _ => CheckoutCommandKind.ProcessPaymentIntent,
        };

        private readonly bool IsOurs(in ReaderObservation r)
        {
            if (_s.PaymentIntentId is null || r.ReaderId != _s.Request.ReaderId || r.ActionPaymentIntentId != _s.PaymentIntentId)
            {
                return false;
            }

            return _s.Step switch
            {
                ReaderStep.Collect => r.ActionType == ReaderActionType.CollectPaymentMethod,
                ReaderStep.Confirm => r.ActionType == ReaderActionType.ConfirmPaymentIntent,
                _ => r.ActionType == ReaderActionType.ProcessPaymentIntent,
            };
        }

        private static bool IsDecline(in PaymentIntentObservation pi, in ReaderObservation r) =>
            Readers.ReaderFailureRule.IsDecline(r.FailureCode, r.DeclineCode ?? pi.DeclineCode);

        private readonly bool AmountMatches(in PaymentIntentObservation pi) => pi.Amount - pi.TipAmount == _s.Request.Amount;

        private void AttemptFailed(string? code, bool decline)
        {
            _s.ActionMayBeInProgress = false;
            _s.LastFailureCode = code;
            _s.LastWasDecline = decline;
            if (decline)
            {
                _s.LastDeclineCode = code;
            }

            if (_s.Request.WaitForRetryAfterDecline)
            {
                _s.Phase = CheckoutPhase.AwaitingRetry;
                _s.Next = NextAction.None;
            }
            else
            {
                if (decline)
                {
                    SetEnd(EndIntent.Decline, CheckoutCanceledBy.Merchant);
                }
                else
                {
                    SetFail(CheckoutFailureReason.ReaderActionFailed, code);
                }

                IssueCancelIntent();
            }
        }
    }
}
