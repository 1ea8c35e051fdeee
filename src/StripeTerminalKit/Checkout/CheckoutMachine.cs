using StripeTerminalKit.Errors;

namespace StripeTerminalKit.Checkout;

/// <summary>
/// The pure checkout state machine: <c>(state, event) → (state, commands)</c>. No I/O, no clock, no
/// randomness; time arrives in events and every effect leaves as a command. See README.md in this
/// folder for the table of states and transitions.
/// </summary>
internal sealed partial class CheckoutMachine
{
    private readonly CheckoutMachineOptions _options;

    public CheckoutMachine(CheckoutMachineOptions? options = null) => _options = options ?? CheckoutMachineOptions.Default;

    public static CheckoutMachine Default { get; } = new();

    public CheckoutMachineOptions Options => _options;

    /// <summary>Applies one event. <paramref name="commands"/> is cleared and receives the commands to run, in order.</summary>
    public CheckoutMachineState Transition(in CheckoutMachineState state, in CheckoutEvent e, CheckoutCommandBuffer commands)
    {
        ArgumentNullException.ThrowIfNull(commands);
        commands.Clear();
        var s = state;
        var run = new Run(ref s, commands, _options, e.At);
        run.Handle(in e);
        return s;
    }

    /// <summary>One transition's working context over the machine's own copy of the state.</summary>
    private ref partial struct Run
    {
        private ref CheckoutMachineState _s;
        private readonly CheckoutCommandBuffer _cmds;
        private readonly CheckoutMachineOptions _o;
        private readonly DateTimeOffset _now;

        public Run(ref CheckoutMachineState s, CheckoutCommandBuffer cmds, CheckoutMachineOptions o, DateTimeOffset at)
        {
            _s = ref s;
            _cmds = cmds;
            _o = o;
            // Time never runs backwards inside a checkout, whatever order the driver delivers events in.
            _now = at > s.Now ? at : s.Now;
            _s.Now = _now;
        }

        private readonly string CheckoutId => _s.Request.CheckoutId;

        public void Handle(in CheckoutEvent e)
        {
            switch (e.Kind)
            {
                case CheckoutEventKind.Start:
                    if (_s.Phase == CheckoutPhase.New)
                    {
                        Begin();
                    }

                    break;
                case CheckoutEventKind.Resume:
                    OnResume();
                    break;
                case CheckoutEventKind.Tick:
                    // The driver's timer fired; always re-arm it, even if nothing was due yet.
                    _s.ScheduledWake = DateTimeOffset.MinValue;
                    break;
                case CheckoutEventKind.CancelRequested:
                    OnCancelRequested(e.By);
                    break;
                case CheckoutEventKind.RetryRequested:
                    OnRetryRequested();
                    break;
                case CheckoutEventKind.CaptureRequested:
                    OnCaptureRequested(e.Amount);
                    break;
                case CheckoutEventKind.RefundRequested:
                    OnRefundRequested(e.Amount);
                    break;
                case CheckoutEventKind.PaymentIntentReceived:
                case CheckoutEventKind.ReaderReceived:
                case CheckoutEventKind.RefundReceived:
                case CheckoutEventKind.RequestFailed:
                    OnAnswer(in e);
                    break;
                case CheckoutEventKind.ReaderWebhook:
                    OnReaderHint(e.Reader);
                    break;
                case CheckoutEventKind.PaymentIntentWebhook:
                    OnIntentHint(e.Intent);
                    break;
                case CheckoutEventKind.ReaderObserved:
                    OnReaderObserved(e.Reader);
                    break;
                case CheckoutEventKind.PaymentIntentObserved:
                    OnIntentObserved(e.Intent);
                    break;
            }

            RunTimers();
            ScheduleWake();
        }

        // ---- Start, resume, timers ------------------------------------------------------------

        private void Begin()
        {
            _s.StartedAt = _now;
            _s.DeadlineAt = _now + _s.Request.Timeout;
            IssueCreate();
        }

        private void OnResume()
        {
            _s.ScheduledWake = DateTimeOffset.MinValue;
            if (_s.Phase == CheckoutPhase.New)
            {
                Begin();
                return;
            }

            // Whatever was in flight died with the old process: its outcome is unknown. A restart is
            // not a repeated failure, so the first re-read goes out at once.
            _s.RetryCount = 0;

            // An operation's grace is for a POS caller waiting on it, and that caller died with the
            // process. Coming back after the grace must not give the operation up unasked (Stripe
            // may have made the refund or capture): it gets a fresh grace to find out and finish.
            if (_s.Operation != PostOperation.None && _s.OperationHardStopAt < _now + _o.SettleGrace)
            {
                _s.OperationHardStopAt = _now + _o.SettleGrace;
            }

            LoseInFlight();

            // Webhooks sent while the process was down are lost, and a webhook-paced wait polls only
            // as a safety net: a checkout waiting between polls looks at once, so a tap made during
            // the outage is seen now rather than at the next safety-net poll.
            if (_s.Pending == PendingKind.None && _s.Next == NextAction.Poll)
            {
                _s.NextAt = _now;
            }
        }

        private void LoseInFlight()
        {
            if (_s.Pending == PendingKind.Mutation)
            {
                var kind = _s.PendingMutation;
                _s.Pending = PendingKind.None;
                OnMutationFailed(kind, new StripeFailure(StripeFailureKind.Network));
            }
            else if (_s.Pending == PendingKind.Reads)
            {
                IssueReads(_s.ReadReader, _s.ReadIntent);
            }
        }

        private void RunTimers()
        {
            if (_s.Phase is CheckoutPhase.New or CheckoutPhase.Closed or CheckoutPhase.Attention)
            {
                return;
            }

            if (!_s.IsCompleted)
            {
                if (_s.End == EndIntent.None && _now >= _s.DeadlineAt)
                {
                    OnDeadline();
                }

                // A call in flight is awaited (at most RequestTimeout): giving up while it may still land
                // would let a later request overlap it.
                if (!_s.IsCompleted && _now >= _s.HardStopAt && _s.Pending != PendingKind.Mutation)
                {
                    HardStop();
                    return;
                }
            }
            else if (_s.Operation != PostOperation.None && _now >= _s.OperationHardStopAt && _s.Pending != PendingKind.Mutation)
            {
                FinishOperation(CheckoutOperationStatus.Unknown, 0, null, null, null);
                return;
            }

            if (_s.IsCompleted && _s.Operation == PostOperation.None)
            {
                return;
            }

            if (_s.Pending != PendingKind.None && _now >= _s.PendingSince + _o.RequestTimeout)
            {
                // An answer the driver never delivered is a lost response: ambiguous.
                LoseInFlight();
            }
            else if (_s.Pending == PendingKind.None && _s.Next != NextAction.None && _now >= _s.NextAt)
            {
                RunNext();
            }
        }

        private void RunNext()
        {
            var next = _s.Next;
            _s.Next = NextAction.None;
            switch (next)
            {
                case NextAction.Poll:
                    IssueReads(reader: true, intent: false);
                    break;
                case NextAction.Verify:
                    IssueReads(_s.ReadReader, _s.ReadIntent);
                    break;
                case NextAction.RetryMutation:
                    Reissue(_s.NextMutation);
                    break;
            }
        }

        private void ScheduleWake()
        {
            var wake = DateTimeOffset.MaxValue;
            var active = !(_s.Phase is CheckoutPhase.New or CheckoutPhase.Closed or CheckoutPhase.Attention)
                && (!_s.IsCompleted || _s.Operation != PostOperation.None);
            if (active)
            {
                if (!_s.IsCompleted && _s.End == EndIntent.None)
                {
                    wake = Min(wake, _s.DeadlineAt);
                }
                else if (_s.Pending != PendingKind.Mutation)
                {
                    wake = Min(wake, _s.IsCompleted ? _s.OperationHardStopAt : _s.HardStopAt);
                }

                if (_s.Pending != PendingKind.None)
                {
                    wake = Min(wake, _s.PendingSince + _o.RequestTimeout);
                }
                else if (_s.Next != NextAction.None)
                {
                    wake = Min(wake, _s.NextAt);
                }
            }

            if (wake != _s.ScheduledWake)
            {
                _s.ScheduledWake = wake;
                if (wake != DateTimeOffset.MaxValue)
                {
                    _cmds.Add(new CheckoutCommand(CheckoutCommandKind.ScheduleWakeUp, At: wake));
                }
            }
        }

        private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a <= b ? a : b;

        private void Schedule(NextAction action, TimeSpan delay)
        {
            _s.Next = action;
            _s.NextAt = _now + delay;
        }

        private void RetryLater(CheckoutCommandKind kind, long amount = 0)
        {
            _s.NextMutation = kind;
            _s.MutationAmount = amount;
            Schedule(NextAction.RetryMutation, _o.RetryDelay(_s.RetryCount++));
        }

        private void VerifyLater(TimeSpan delay)
        {
            _s.ReadReader = true;
            _s.ReadIntent = true;
            Schedule(NextAction.Verify, delay);
        }

        private void SchedulePoll()
        {
            _s.HasFreshIntent = false;
            TimeSpan interval;
            if (_s.End != EndIntent.None)
            {
                interval = _o.EndingPollInterval;
            }
            else
            {
                interval = _now - _s.WaitStartedAt < _o.PollFastWindow ? _o.PollInterval : _o.PollSlowInterval;
            }

            Schedule(NextAction.Poll, interval);
        }
    }
}
