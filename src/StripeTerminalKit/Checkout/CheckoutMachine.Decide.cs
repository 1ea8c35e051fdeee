using StripeTerminalKit.Errors;

namespace StripeTerminalKit.Checkout;

internal sealed partial class CheckoutMachine
{
    private ref partial struct Run
    {
        // ---- Answers --------------------------------------------------------------------------

        private void OnAnswer(in CheckoutEvent e)
        {
            if (e.Ticket == 0)
            {
                return;
            }

            if (_s.Pending == PendingKind.Mutation && e.Ticket == _s.MutationTicket)
            {
                var kind = _s.PendingMutation;
                _s.Pending = PendingKind.None;
                if (e.Kind == CheckoutEventKind.RequestFailed)
                {
                    OnMutationFailed(kind, e.Failure);
                }
                else if (!AnswerFits(kind, in e))
                {
                    // An answer that does not fit the question tells us nothing: treat it as lost.
                    OnMutationFailed(kind, new StripeFailure(StripeFailureKind.Network));
                }
                else
                {
                    OnMutationSucceeded(kind, in e);
                }
            }
            else if (_s.Pending == PendingKind.Reads && (e.Ticket == _s.ReaderTicket || e.Ticket == _s.IntentTicket))
            {
                OnReadAnswer(in e);
            }

            // Anything else is late, duplicated or from a previous attempt: ignored.
        }

        private readonly bool AnswerFits(CheckoutCommandKind kind, in CheckoutEvent e) => CheckoutSteps.Row(kind).Answer switch
        {
            StepAnswer.NewPaymentIntent => e.Kind == CheckoutEventKind.PaymentIntentReceived && !string.IsNullOrEmpty(e.Intent.Id),
            StepAnswer.OurPaymentIntent => e.Kind == CheckoutEventKind.PaymentIntentReceived && e.Intent.Id == _s.PaymentIntentId,
            StepAnswer.Refund => e.Kind == CheckoutEventKind.RefundReceived,
            _ => e.Kind == CheckoutEventKind.ReaderReceived && e.Reader.ReaderId == _s.Request.ReaderId,
        };

        private void OnMutationSucceeded(CheckoutCommandKind kind, in CheckoutEvent e)
        {
            _s.RetryCount = 0;
            NeedNewKey(kind);
            if (_s.IsCompleted)
            {
                OnOperationMutationAnswer(kind, in e);
                return;
            }

            switch (CheckoutSteps.Row(kind).OnSuccess)
            {
                case StepSuccess.IntentCreated:
                    _s.PaymentIntentId = e.Intent.Id;
                    _s.Known = e.Intent;
                    // Never handed to a reader if ending, but cancelled so nothing can use it later.
                    NextSetupStep(kind);
                    break;
                case StepSuccess.NextSetupStep:
                    NextSetupStep(kind);
                    break;
                case StepSuccess.ActionStarted:
                    _s.Phase = CheckoutPhase.AwaitingReader;
                    _s.WaitStartedAt = _now;
                    if (IsOurs(e.Reader))
                    {
                        _s.AmbiguousSend = false;
                        OnFreshReader(e.Reader);
                    }
                    else
                    {
                        // Acknowledged, yet the reader shows something else: find out what happened.
                        _s.Phase = CheckoutPhase.Verifying;
                        _s.AmbiguousSend = true;
                        _s.LastSendFailure = StripeFailureKind.Network;
                        IssueReads(reader: true, intent: true);
                    }

                    break;
                case StepSuccess.AwaitInputs:
                    _s.WaitStartedAt = _now;
                    OnInputsRead(e.Reader);
                    break;
                case StepSuccess.CancelIntent:
                    _s.ActionMayBeInProgress = false;
                    IssueCancelIntent();
                    break;
                case StepSuccess.DecideOnIntent:
                    _s.FreshIntent = e.Intent;
                    _s.HasFreshIntent = true;
                    Decide();
                    break;
                case StepSuccess.Refunded:
                    if (e.Refund.Status is RefundStatus.Failed or RefundStatus.Canceled)
                    {
                        CompleteAttention(NeedsAttentionReason.RefundRejected, "refund_failed");
                    }
                    else
                    {
                        _s.AmountRefunded += e.Refund.Amount;
                        _s.RefundId = e.Refund.Id;
                        CompleteByIntent();
                    }

                    break;
            }
        }

        /// <summary>After the PaymentIntent exists: the next setup step the request asks for, then the reader; a cancel if ending.</summary>
        private void NextSetupStep(CheckoutCommandKind after)
        {
            if (_s.End != EndIntent.None)
            {
                IssueCancelIntent();
            }
            else if (CheckoutSteps.NextSetupStep(after, _s.Request) is { } setup)
            {
                Issue(setup.Command);
            }
            else
            {
                StartAttempt();
            }
        }

        private void StartAttempt()
        {
            if (_s.Attempt == 0)
            {
                _s.Attempt = 1;
            }

            _s.Step = FirstStep();
            IssueSend();
        }

        private readonly ReaderStep FirstStep() =>
            _s.Request.Flow == CheckoutFlow.CollectThenConfirm ? ReaderStep.Collect : ReaderStep.Process;

        private void OnMutationFailed(CheckoutCommandKind kind, StripeFailure f)
        {
            if (f.IsStoredUnderKey)
            {
                NeedNewKey(kind);
            }

            if (_s.IsCompleted)
            {
                OnOperationMutationFailed(kind, f);
                return;
            }

            var rule = CheckoutSteps.Row(kind).RuleFor(in f);
            switch (rule.Reaction)
            {
                case FailureReaction.VerifySend:
                    _s.AmbiguousSend = true;
                    _s.LastSendFailure = f.Kind;
                    _s.LastFailureCode = f.Code;
                    _s.Phase = CheckoutPhase.Verifying;
                    IssueReads(reader: true, intent: true);
                    break;
                case FailureReaction.RetryUnlessEnding when _s.End != EndIntent.None:
                    // No PaymentIntent we know of, so none was handed to a reader: nothing can be charged.
                    CompleteByIntent();
                    break;
                case FailureReaction.RetryUnlessEnding:
                case FailureReaction.RetryLater:
                    RetryLater(kind, _s.MutationAmount);
                    break;
                case FailureReaction.NextSetupStep:
                    NextSetupStep(kind);
                    break;
                case FailureReaction.AwaitInputs:
                    _s.WaitStartedAt = _now;
                    IssueReads(reader: true, intent: false);
                    break;
                case FailureReaction.WaitWhileReaderBusy:
                    _s.CancelBusyUntil = _now + _o.CancelBusyGrace;
                    _s.Phase = CheckoutPhase.AwaitingReader;
                    SchedulePoll();
                    break;
                case FailureReaction.VerifyReaderAndIntent:
                    VerifyAfterFailure(reader: true);
                    break;
                case FailureReaction.VerifyIntent:
                    VerifyAfterFailure(reader: false);
                    break;
                case FailureReaction.CancelIntent:
                    IssueCancelIntent();
                    break;
                case FailureReaction.Fail:
                    BeginFail(rule.FailReason, f.Code);
                    break;
                case FailureReaction.NeedsAttention:
                    CompleteAttention(rule.AttentionReason, f.Code);
                    break;
            }
        }

        private void VerifyAfterFailure(bool reader)
        {
            // The first re-read is immediate; repeated failures back off.
            if (_s.RetryCount == 0)
            {
                _s.RetryCount++;
                IssueReads(reader, intent: true);
            }
            else
            {
                _s.ReadReader = reader;
                _s.ReadIntent = true;
                Schedule(NextAction.Verify, _o.RetryDelay(_s.RetryCount++));
            }
        }

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
                    StoreReader(new ReaderObservation(_s.Request.ReaderId, ReaderActionType.None));
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
        /// </summary>
        private void OnInputsRead(in ReaderObservation r)
        {
            // The email moves to the request (stored with the checkout); the read keeps no copy.
            var collected = r.CollectedEmail;
            _s.FreshReader = _s.FreshReader with { CollectedEmail = null };
            _s.Phase = CheckoutPhase.CollectingInputs;
            if (r.ReaderId == _s.Request.ReaderId && r.ActionType == ReaderActionType.CollectInputs && r.ActionStatus == ReaderActionStatus.InProgress)
            {
                _s.ActionMayBeInProgress = true;
                if (_s.End != EndIntent.None)
                {
                    IssueCancelAction();
                }
                else
                {
                    SchedulePoll();
                }

                return;
            }

            _s.ActionMayBeInProgress = false;
            if (_s.End == EndIntent.None && r.ActionType == ReaderActionType.CollectInputs
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
                case PaymentIntentStatus.Succeeded:
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
                case PaymentIntentStatus.RequiresCapture:
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
                case PaymentIntentStatus.RequiresConfirmation when _s.Step == ReaderStep.Collect && !ending:
                    // Two-step: the card was collected; confirm it on the reader.
                    _s.AmbiguousSend = false;
                    _s.ActionMayBeInProgress = false;
                    _s.Step = ReaderStep.Confirm;
                    NeedNewKey(CheckoutCommandKind.ConfirmPaymentIntent);
                    IssueSend();
                    break;
                case PaymentIntentStatus.RequiresPaymentMethod:
                case PaymentIntentStatus.RequiresConfirmation:
                    DecideFromReader(in pi);
                    break;
                case PaymentIntentStatus.Canceled:
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
                _ when _s.Known.Id is not null && _s.Known.Status is PaymentIntentStatus.Processing or PaymentIntentStatus.RequiresAction
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
