using StripeTerminalKit.Errors;
using StripeTerminalKit.Payments;

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
                case StepSuccess.ActionCanceled when _s.End != EndIntent.Cancel:
                    // Only an explicit cancel gives up an approved payment. cancel_action answers with
                    // no action whether or not the customer approved just before it (docs: "action":
                    // null), so the PaymentIntent decides: kept if authorised, cancelled if not.
                    _s.ActionMayBeInProgress = false;
                    StoreReader(e.Reader);
                    _s.Phase = CheckoutPhase.Verifying;
                    IssueReads(reader: false, intent: true);
                    break;
                case StepSuccess.ActionCanceled:
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
                    // No answer (a lost response, or a crash while it was in flight): the form may
                    // never have reached the reader, which the read tells.
                    _s.AmbiguousSend = f.IsAmbiguous;
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
    }
}
