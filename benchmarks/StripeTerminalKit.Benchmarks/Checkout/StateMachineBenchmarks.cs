using BenchmarkDotNet.Attributes;
using StripeTerminalKit.Checkout;
using StripeTerminalKit.Payments;
using StripeTerminalKit.Readers;

namespace StripeTerminalKit.Benchmarks.Checkout;

/// <summary>
/// One transition of the pure checkout machine on the hot path: a checkout waiting for the
/// customer is polled (the wake-up tick issues the read, the answer schedules the next), and
/// a verified webhook shows the authorisation (the capture goes out). No I/O: the machine alone.
/// </summary>
[MemoryDiagnoser]
public class StateMachineBenchmarks
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 24, 9, 0, 0, TimeSpan.Zero);
    private readonly CheckoutMachine _machine = CheckoutMachine.Default;
    private readonly CheckoutCommandBuffer _buffer = new();
    private CheckoutMachineState _waiting;
    private CheckoutEvent _tick;
    private CheckoutEvent _inProgress;
    private CheckoutEvent _authorised;

    [GlobalSetup]
    public void Setup()
    {
        var request = new CheckoutRequest { CheckoutId = "order-1", Amount = 1000, Currency = "aud", ReaderId = "tmr_1", Timeout = CheckoutRequest.MaxTimeout };
        var state = CheckoutMachineState.Create(request);
        state = _machine.Transition(state, CheckoutEvent.Start(T0), _buffer);
        state = _machine.Transition(state, CheckoutEvent.IntentReceived(T0, _buffer[0].Ticket, new PaymentIntentObservation("pi_1", IntentStatus.RequiresPaymentMethod, 1000)), _buffer);
        var send = _buffer[0];
        var reader = new ReaderObservation("tmr_1", ReaderActionType.ProcessPaymentIntent, ReaderActionStatus.InProgress, "pi_1");
        _waiting = _machine.Transition(state, CheckoutEvent.ReaderReceived(T0, send.Ticket, reader), _buffer);
        _tick = CheckoutEvent.Tick(_waiting.ScheduledWake);
        var polled = _machine.Transition(_waiting, _tick, _buffer);
        _inProgress = CheckoutEvent.ReaderReceived(_waiting.ScheduledWake, polled.ReaderTicket, reader);
        _authorised = CheckoutEvent.IntentObserved(T0, new PaymentIntentObservation("pi_1", IntentStatus.RequiresCapture, 1000, 1000, ChargeId: "ch_1"));
    }

    /// <summary>The poll comes due: the machine asks for the reader.</summary>
    [Benchmark(Baseline = true, Description = "Tick → RetrieveReader")]
    public int Tick() => _machine.Transition(_waiting, _tick, _buffer).Ticket;

    /// <summary>Two transitions: the tick, then the reader answers "still waiting for the card" and the next poll is scheduled.</summary>
    [Benchmark(Description = "Tick + reader in progress (2 transitions)")]
    public int PollAnswer()
    {
        var polled = _machine.Transition(_waiting, _tick, _buffer);
        return _machine.Transition(polled, _inProgress, _buffer).Ticket;
    }

    /// <summary>A verified webhook shows the authorisation: the capture is issued.</summary>
    [Benchmark(Description = "Webhook: authorised → CapturePaymentIntent")]
    public int Authorised() => _machine.Transition(_waiting, _authorised, _buffer).Ticket;
}
