using System.Globalization;
using StripeTerminalKit.Checkout;
using StripeTerminalKit.Readers;
using Xunit.Abstractions;
using K = StripeTerminalKit.Checkout.CheckoutCommandKind;
using S = StripeTerminalKit.Payments.IntentStatus;

namespace StripeTerminalKit.Tests.Checkout;

/// <summary>
/// Seeded random walks: the machine against <see cref="FakeStripe"/> under lost and reordered answers,
/// 5xx, 429, 409, terminal_reader_timeout, duplicated/late/dropped webhooks, declines, customer
/// cancels, readers that drop mid-payment, merchant cancels and crashes at any point (the state
/// going through its stored JSON form on every restart). Every run checks
/// the money invariants after each step, then lets faults stop and checks the checkout ends with a
/// result that matches the fake's ground truth. A failing run prints its seed:
/// set <c>STK_SIM_SEED</c> to replay it alone, <c>STK_SIM_RUNS</c> to walk further.
/// </summary>
public sealed class CheckoutMachineSimulationTests(ITestOutputHelper output)
{
    private const int Runs = 3000;

    [Fact]
    public void Random_walks_keep_every_money_invariant_and_always_end()
    {
        var seeds = Environment.GetEnvironmentVariable("STK_SIM_SEED") is { } one
            ? [int.Parse(one, CultureInfo.InvariantCulture)]
            : Enumerable.Range(1, Environment.GetEnvironmentVariable("STK_SIM_RUNS") is { } runs
                ? int.Parse(runs, CultureInfo.InvariantCulture)
                : Runs).ToArray();
        var outcomes = new Dictionary<string, int>();

        foreach (var seed in seeds)
        {
            var run = new SimulationRun(seed);
            try
            {
                run.Execute();
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                throw new InvalidOperationException(
                    $"Simulation seed {seed} failed (replay with STK_SIM_SEED={seed}): {ex.Message}\n{(run.CompletionTrace.Length > 0 ? "at completion:\n" + run.CompletionTrace + "\nat failure:\n" : "")}{run.Trace()}", ex);
            }

            var key = run.Outcome;
            if (Environment.GetEnvironmentVariable("STK_SIM_DEBUG") is not null && key.StartsWith("NeedsAttention", StringComparison.Ordinal))
            {
                output.WriteLine($"seed {seed}: {key}\n{run.CompletionTrace}");
            }

            outcomes[key] = outcomes.GetValueOrDefault(key) + 1;
        }

        foreach (var (outcome, count) in outcomes.OrderByDescending(o => o.Value))
        {
            output.WriteLine($"{outcome}: {count}");
        }

        // The walk must reach the interesting places, not just the happy path.
        if (seeds.Length >= Runs)
        {
            foreach (var expected in new[] { "Succeeded", "Declined", "Canceled", "Failed" })
            {
                Assert.Contains(outcomes.Keys, k => k.StartsWith(expected, StringComparison.Ordinal));
            }

        }
    }

    private sealed class SimulationRun
    {
        private readonly Random _rng;
        private readonly CheckoutRequest _request;
        private readonly FakeStripe _stripe;
        private readonly CheckoutMachine _machine = CheckoutMachine.Default;
        private readonly CheckoutCommandBuffer _buffer = new();
        private readonly List<(CheckoutCommand Command, DateTimeOffset SentAt)> _inflight = [];
        private readonly List<CheckoutEvent> _webhooks = [];
        private readonly List<CheckoutEvent> _events = [];
        private readonly List<CheckoutCommand> _commands = [];
        private readonly List<string> _trace = [];
        private readonly bool _webhooksOn;

        // The kit's driver hands verified webhooks over as observations (full objects); a driver may also pass them as hints.
        private readonly bool _webhooksObserved;

        // Answers may take longer than the machine's grace periods: NeedsAttention becomes legitimate.
        private readonly bool _slowNetwork;
        private CheckoutMachineState _state;
        private DateTimeOffset _now = MachineHarness.T0;
        private int _completes;
        private int _requests;
        private int _reports;
        private bool _sentToReader;
        private bool _cancelSent;
        private bool _cancelAccepted;
        private bool _unknownOperation;

        public SimulationRun(int seed)
        {
            _rng = new Random(seed);
            _request = new CheckoutRequest
            {
                CheckoutId = "order-" + seed.ToString(CultureInfo.InvariantCulture),
                Amount = 1000 + _rng.Next(0, 50) * 100,
                Currency = "aud",
                ReaderId = MachineHarness.ReaderId,
                CaptureMode = (CheckoutCaptureMode)_rng.Next(3),
                Flow = (CheckoutFlow)_rng.Next(2),
                CartLines = _rng.Next(4) == 0 ? [new CheckoutCartLine("Coffee", 500, 2)] : null,
                WaitForRetryAfterDecline = _rng.Next(3) != 0,
                AllowCustomerCancellation = _rng.Next(4) != 0,
            };
            _stripe = new FakeStripe(_request, _rng);
            _webhooksOn = _rng.Next(3) != 0;
            _webhooksObserved = _rng.Next(2) == 0;
            _slowNetwork = _rng.Next(3) == 0;
            if (_rng.Next(25) == 0)
            {
                // Someone else's payment is on the reader.
                _stripe.ActionType = ReaderActionType.ProcessPaymentIntent;
                _stripe.ActionStatus = ReaderActionStatus.InProgress;
                _stripe.ActionIntent = "pi_other";
                _stripe.Authorising = true;
            }

            _state = CheckoutMachineState.Create(_request);
        }

        public string Outcome => _state.Result switch
        {
            CheckoutFailed f => $"Failed/{f.Reason}",
            CheckoutNeedsAttention n => $"NeedsAttention/{n.Reason}",
            CheckoutCanceled c => $"Canceled/{c.CanceledBy}",
            { } r => r.Outcome.ToString(),
            null => "none",
        };

        public string CompletionTrace { get; private set; } = string.Empty;

        public string Trace() => string.Join('\n', _trace.TakeLast(60));

        public void Execute()
        {
            Fire(CheckoutEvent.Start(_now));
            var chaosSteps = _rng.Next(50, 400);
            for (var step = 0; step < chaosSteps; step++)
            {
                Step(calm: false);
            }

            // Faults stop; the checkout and any operation on it must settle.
            for (var step = 0; step < 20_000 && !Settled(); step++)
            {
                Step(calm: true);
            }

            Assert.True(Settled(), $"not settled: phase {_state.Phase}, pending {_state.Pending}, op {_state.Operation}");
            CheckFinal();
            CheckReplay();
        }

        private bool Settled() => _state.IsCompleted && _state.Operation == PostOperation.None && _inflight.Count == 0;

        private void Step(bool calm)
        {
            var roll = _rng.Next(100);
            if (_inflight.Count > 0 && roll < 45)
            {
                DeliverAnswer(calm);
            }
            else if (roll < 60 && _stripe.PaymentActionInProgress)
            {
                _stripe.CustomerStep(calm);
                _trace.Add($"customer -> {_stripe.ObserveReader()}");
                CollectWebhooks();
            }
            else if (roll < 70 && _webhooks.Count > 0)
            {
                var index = _rng.Next(_webhooks.Count);
                var hook = _webhooks[index];
                _webhooks.RemoveAt(index);
                Fire(hook with { At = _now });
            }
            else if (roll < 72 && !calm)
            {
                Crash();
            }
            else if (roll < 74 && !calm && !_state.IsCompleted && _rng.Next(4) == 0)
            {
                _requests++;
                Fire(CheckoutEvent.Cancel(_now));
            }
            else if (roll < 80 && _state.PublicState == CheckoutState.AwaitingRetry && (!calm || _rng.Next(2) == 0))
            {
                _requests++;
                Fire(CheckoutEvent.Retry(_now));
            }
            else if (roll < 85 && _state.IsCompleted && _state.Operation == PostOperation.None && _requests < 12 && (!calm || _rng.Next(8) == 0))
            {
                RequestOperation();
            }
            else
            {
                // Time passes: usually a second while answers are in flight (slow network), sometimes
                // straight to the machine's wake-up (an answer that never comes).
                var wake = _state.ScheduledWake;
                var next = _now + TimeSpan.FromSeconds(1);
                if (wake != DateTimeOffset.MaxValue && wake > _now && (wake < next || _inflight.Count == 0 || (_slowNetwork && _rng.Next(20) == 0)))
                {
                    next = wake;
                }

                _now = next;
                TimeOutStaleRequests();
                Fire(CheckoutEvent.Tick(_now));
            }
        }

        /// <summary>Like the driver's HTTP client: a call unanswered for 80 s ends as a network failure (applied or not).</summary>
        private void TimeOutStaleRequests()
        {
            for (var i = _inflight.Count - 1; i >= 0; i--)
            {
                var (command, sentAt) = _inflight[i];
                if (_now - sentAt < TimeSpan.FromSeconds(80))
                {
                    continue;
                }

                _inflight.RemoveAt(i);
                var answer = _stripe.Execute(command, _rng.Next(2) == 0 ? Fault.LoseResponse : Fault.NotApplied);
                CollectWebhooks();
                _trace.Add($"timeout {command.Kind} #{command.Ticket}");
                Fire(answer.ToEvent(_now, command.Ticket));
            }
        }

        private void RequestOperation()
        {
            _requests++;
            var roll = _rng.Next(4);
            if (roll == 0)
            {
                Fire(CheckoutEvent.Cancel(_now));
            }
            else if (roll == 1)
            {
                Fire(CheckoutEvent.Capture(_now, _rng.Next(3) == 0 ? _rng.Next(1, (int)_request.Amount + 400) : 0));
            }
            else
            {
                Fire(CheckoutEvent.RefundRequest(_now, _rng.Next(3) == 0 ? 0 : _rng.Next(1, (int)_request.Amount + 400)));
            }
        }

        private void DeliverAnswer(bool calm)
        {
            var index = _rng.Next(_inflight.Count);
            var command = _inflight[index].Command;
            _inflight.RemoveAt(index);
            var fault = calm ? Fault.None : PickFault(command);
            var answer = _stripe.Execute(command, fault);
            CollectWebhooks();
            _trace.Add($"answer {command.Kind} #{command.Ticket} ({fault}) -> {answer.Kind}{(answer.Kind == CheckoutEventKind.RequestFailed ? " " + answer.Failure.Kind : "")}");
            Fire(answer.ToEvent(_now, command.Ticket));
        }

        private Fault PickFault(in CheckoutCommand command)
        {
            var roll = _rng.Next(100);
            if (!command.IsMutation)
            {
                return roll < 10 ? Fault.NotApplied : Fault.None;
            }

            return roll switch
            {
                < 8 => Fault.LoseResponse,
                < 13 => Fault.NotApplied,
                < 17 => Fault.ServerError,
                < 21 => Fault.RateLimited,
                < 24 => Fault.Conflict,
                < 30 => Fault.ReaderTimeout,
                _ => Fault.None,
            };
        }

        private void CollectWebhooks()
        {
            foreach (var hook in _stripe.Webhooks)
            {
                if (!_webhooksOn)
                {
                    continue;
                }

                // Dropped, delivered once, or delivered several times (in any order, possibly late).
                var copies = _rng.Next(10) == 0 ? 0 : _rng.Next(1, 4);
                var delivered = !_webhooksObserved ? hook : hook.Kind switch
                {
                    CheckoutEventKind.ReaderWebhook => CheckoutEvent.ReaderObserved(hook.At, hook.Reader),
                    CheckoutEventKind.PaymentIntentWebhook => CheckoutEvent.IntentObserved(hook.At, hook.Intent),
                    _ => hook,
                };
                for (var i = 0; i < copies; i++)
                {
                    _webhooks.Add(delivered);
                }
            }

            _stripe.Webhooks.Clear();
        }

        private void Crash()
        {
            // Requests sent before the crash may or may not have reached Stripe; their answers are lost.
            foreach (var (command, _) in _inflight)
            {
                if (_rng.Next(2) == 0)
                {
                    _stripe.Execute(command, Fault.LoseResponse);
                }
            }

            _inflight.Clear();
            CollectWebhooks();
            _trace.Add("crash");

            // The new process starts from what the store persisted.
            _state = CheckoutStateSerializer.Deserialize(CheckoutStateSerializer.Serialize(_state));
            _now += TimeSpan.FromSeconds(_slowNetwork ? _rng.Next(1, 20) : _rng.Next(1, 3));
            Fire(CheckoutEvent.Resume(_now));
        }

        private void Fire(CheckoutEvent e)
        {
            var wasCompleted = _state.IsCompleted;
            var knewIntent = _state.PaymentIntentId is not null;
            _events.Add(e);
            _state = _machine.Transition(_state, e, _buffer);
            var commands = _buffer.AsSpan().ToArray();
            _commands.AddRange(commands);
            _trace.Add($"{e.Kind} #{e.Ticket} -> {_state.Phase} [{string.Join(", ", commands.Select(c => c.Kind + (c.Key.IsEmpty ? "" : " " + c.Key)))}]");
            foreach (var command in commands)
            {
                Check(command, wasCompleted, knewIntent);
                if (command.Ticket != 0)
                {
                    _inflight.Add((command, _now));
                }
            }

            Assert.Empty(_stripe.Violations);
        }

        private void Check(in CheckoutCommand command, bool wasCompleted, bool knewIntent)
        {
            switch (command.Kind)
            {
                case K.CreatePaymentIntent:
                    Assert.False(_sentToReader, "a second PaymentIntent was created after one was handed to the reader");
                    Assert.False(knewIntent, "a PaymentIntent was created while one was known");
                    break;
                case K.ProcessPaymentIntent:
                case K.CollectPaymentMethod:
                case K.ConfirmPaymentIntent:
                    Assert.False(wasCompleted, "a reader action was sent after completion");
                    Assert.Equal(_state.PaymentIntentId, command.PaymentIntentId);
                    _sentToReader = true;
                    break;
                case K.CancelPaymentIntent when !wasCompleted:
                    _cancelSent = true;
                    break;
                case K.CapturePaymentIntent:
                    Assert.False(!wasCompleted && (_cancelSent || _cancelAccepted), "captured a PaymentIntent after abandoning it");
                    break;
                case K.Complete:
                    _completes++;
                    CompletionTrace = Trace();
                    Assert.Equal(1, _completes);
                    break;
                case K.ReportOperation:
                    _reports++;
                    _unknownOperation |= command.Operation!.Status == CheckoutOperationStatus.Unknown;
                    if (command.Operation!.Operation == CheckoutOperation.Cancel && command.Operation.Status == CheckoutOperationStatus.Accepted)
                    {
                        _cancelAccepted = true;
                    }

                    break;
            }
        }

        private void CheckFinal()
        {
            Assert.Equal(1, _completes);
            Assert.Equal(_requests, _reports);
            Assert.True(_stripe.Intents.Count(i => i.Status is S.RequiresCapture or S.Succeeded) <= 1, "more than one PaymentIntent took money");
            var mine = _stripe.Find(_state.PaymentIntentId);
            foreach (var other in _stripe.Intents.Where(i => i != mine))
            {
                Assert.True(other.Status is S.RequiresPaymentMethod or S.Canceled, $"orphan {other.Id} is {other.Status}");
            }

            switch (_state.Result)
            {
                case CheckoutSucceeded:
                    Assert.NotNull(mine);
                    if (_unknownOperation)
                    {
                        // A capture, void or refund reported Unknown may have gone through: the reconciler's job.
                        break;
                    }

                    switch (_state.Phase)
                    {
                        case CheckoutPhase.Authorized:
                            Assert.Equal(S.RequiresCapture, mine.Status);
                            Assert.Equal(mine.Capturable, _state.AmountCapturable);
                            break;
                        case CheckoutPhase.Captured:
                            Assert.Equal(S.Succeeded, mine.Status);
                            Assert.Equal(mine.Received, _state.AmountCaptured);
                            Assert.Equal(mine.Refunded, _state.AmountRefunded);

                            Assert.Equal(_request.Amount + mine.Tip, mine.Amount);
                            break;
                        default:
                            Assert.Equal(CheckoutPhase.Closed, _state.Phase);
                            Assert.Equal(S.Canceled, mine.Status);
                            break;
                    }

                    break;
                case CheckoutNeedsAttention attention:
                    // Only an outage longer than the grace periods may leave the outcome to a person.
                    Assert.True(_slowNetwork, $"needs attention ({attention.Reason}) although every answer came in time");
                    break;
                default:
                    // Declined, cancelled or failed: no money may be kept.
                    if (mine is not null)
                    {
                        Assert.True(mine.Status == S.Canceled || (mine.Status == S.Succeeded && mine.Refunded == mine.Received),
                            $"{_state.Result!.Outcome} but {mine.Id} is {mine.Status} with {mine.Received - mine.Refunded} kept");
                    }

                    break;
            }
        }

        private void CheckReplay()
        {
            var state = CheckoutMachineState.Create(_request);
            var buffer = new CheckoutCommandBuffer();
            var replayed = new List<CheckoutCommand>();
            foreach (var e in _events)
            {
                state = _machine.Transition(state, e, buffer);
                replayed.AddRange(buffer.AsSpan().ToArray());
            }

            // Compared in stored form: a state reloaded after a crash holds an equal, not the same, request.
            Assert.Equal(CheckoutStateSerializer.Serialize(_state), CheckoutStateSerializer.Serialize(state));
            Assert.Equal(_commands.Count, replayed.Count);
            for (var i = 0; i < replayed.Count; i++)
            {
                // Same kinds, tickets and keys; results are compared by value.
                Assert.Equal(_commands[i], replayed[i]);
            }
        }
    }
}
