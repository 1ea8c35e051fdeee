using StripeTerminalKit.Checkout;
using StripeTerminalKit.Errors;
using StripeTerminalKit.Payments;
using StripeTerminalKit.Readers;

namespace StripeTerminalKit.Tests.Checkout;

/// <summary>Drives the pure machine by hand: fires events, keeps every command, answers by command kind.</summary>
internal sealed class MachineHarness
{
    public const string IntentId = "pi_1";
    public const string ReaderId = "tmr_1";
    public static readonly DateTimeOffset T0 = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);

    private readonly CheckoutCommandBuffer _buffer = new();

    public MachineHarness(CheckoutRequest? request = null, CheckoutMachineOptions? options = null)
    {
        Machine = new CheckoutMachine(options);
        State = CheckoutMachineState.Create(request ?? Request());
    }

    public CheckoutMachine Machine { get; }

    public CheckoutMachineState State { get; set; }

    public DateTimeOffset Now { get; set; } = T0;

    public List<CheckoutCommand> All { get; } = [];

    public List<CheckoutEvent> Events { get; } = [];

    public IReadOnlyList<CheckoutCommand> Last { get; private set; } = [];

    public CheckoutState PublicState => State.PublicState;

    public CheckoutResult? Result => State.Result;

    public IEnumerable<CheckoutCommand> Calls => All.Where(c => c.Kind is not (CheckoutCommandKind.ScheduleWakeUp
        or CheckoutCommandKind.Complete or CheckoutCommandKind.ReportOperation));

    public static CheckoutRequest Request(
        CheckoutCaptureMode capture = CheckoutCaptureMode.CountryDefault,
        CheckoutFlow flow = CheckoutFlow.ProcessInOneStep,
        bool retry = true,
        bool cart = false,
        long amount = 1000) => new()
    {
        CheckoutId = "order-1",
        Amount = amount,
        Currency = "aud",
        ReaderId = ReaderId,
        CaptureMode = capture,
        Flow = flow,
        WaitForRetryAfterDecline = retry,
        CartLines = cart ? [new CheckoutCartLine("Flat white", 1000, 1)] : null,
    };

    public static PaymentIntentObservation Pi(
        IntentStatus status,
        long amount = 1000,
        long capturable = 0,
        long received = 0,
        long tip = 0,
        long refunded = 0,
        string? network = null,
        string? decline = null,
        string? id = IntentId) =>
        new(id!, status, amount, capturable, received, tip, refunded,
            ChargeId: status is IntentStatus.RequiresCapture or IntentStatus.Succeeded ? "ch_1" : null,
            CardBrand: status is IntentStatus.RequiresCapture or IntentStatus.Succeeded ? "visa" : null,
            Last4: status is IntentStatus.RequiresCapture or IntentStatus.Succeeded ? "4242" : null,
            Network: network ?? (status is IntentStatus.RequiresCapture or IntentStatus.Succeeded ? "visa" : null),
            DeclineCode: decline,
            ErrorCode: decline is null ? null : "card_declined");

    public static PaymentIntentObservation Authorized(long amount = 1000, long tip = 0) =>
        Pi(IntentStatus.RequiresCapture, amount + tip, capturable: amount + tip, tip: tip);

    public static PaymentIntentObservation Captured(long amount = 1000, long tip = 0, string? network = null) =>
        Pi(IntentStatus.Succeeded, amount + tip, received: amount + tip, tip: tip, network: network);

    public static ReaderObservation Reader(
        ReaderActionStatus status,
        ReaderActionType type = ReaderActionType.ProcessPaymentIntent,
        string? intent = IntentId,
        string? failure = null,
        string? decline = null) =>
        new(ReaderId, type, status, intent, failure, decline);

    public static ReaderObservation NoAction() => new(ReaderId, ActionType: null);

    public IReadOnlyList<CheckoutCommand> Fire(CheckoutEvent e)
    {
        Events.Add(e);
        State = Machine.Transition(State, e, _buffer);
        Last = _buffer.AsSpan().ToArray();
        All.AddRange(Last);
        return Last;
    }

    public IReadOnlyList<CheckoutCommand> Start() => Fire(CheckoutEvent.Start(Now));

    public IReadOnlyList<CheckoutCommand> Tick(TimeSpan by)
    {
        Now += by;
        return Fire(CheckoutEvent.Tick(Now));
    }

    /// <summary>Advances the clock to the scheduled wake-up and ticks.</summary>
    public IReadOnlyList<CheckoutCommand> Wake()
    {
        Assert.NotEqual(DateTimeOffset.MaxValue, State.ScheduledWake);
        if (State.ScheduledWake > Now)
        {
            Now = State.ScheduledWake;
        }

        return Fire(CheckoutEvent.Tick(Now));
    }

    public IReadOnlyList<CheckoutCommand> Cancel(CheckoutCanceledBy by = CheckoutCanceledBy.Merchant) => Fire(CheckoutEvent.Cancel(Now, by));

    public int Mark => All.Count;

    public IReadOnlyList<CheckoutCommand> Since(int mark) => All.Skip(mark).ToArray();

    public IReadOnlyList<CheckoutCommandKind> KindsSince(int mark) => All.Skip(mark).Select(c => c.Kind)
        .Where(k => k != CheckoutCommandKind.ScheduleWakeUp).ToArray();

    public CheckoutCommand LastOf(CheckoutCommandKind kind) => All.Last(c => c.Kind == kind);

    public bool Issued(CheckoutCommandKind kind) => All.Any(c => c.Kind == kind);

    public int Count(CheckoutCommandKind kind) => All.Count(c => c.Kind == kind);

    public IReadOnlyList<CheckoutCommand> Answer(CheckoutCommandKind kind, PaymentIntentObservation intent) =>
        Fire(CheckoutEvent.IntentReceived(Now, LastOf(kind).Ticket, intent));

    public IReadOnlyList<CheckoutCommand> Answer(CheckoutCommandKind kind, ReaderObservation reader) =>
        Fire(CheckoutEvent.ReaderReceived(Now, LastOf(kind).Ticket, reader));

    public IReadOnlyList<CheckoutCommand> Answer(CheckoutCommandKind kind, RefundObservation refund) =>
        Fire(CheckoutEvent.RefundReceived(Now, LastOf(kind).Ticket, refund));

    public IReadOnlyList<CheckoutCommand> Fail(CheckoutCommandKind kind, StripeFailureKind failure, string? code = null) =>
        Fire(CheckoutEvent.Failed(Now, LastOf(kind).Ticket, failure, code));

    /// <summary>Answers the pending reads (reader and/or PaymentIntent) that the last transition issued.</summary>
    public IReadOnlyList<CheckoutCommand> AnswerReads(ReaderObservation? reader, PaymentIntentObservation? intent)
    {
        Assert.Equal(PendingKind.Reads, State.Pending);
        var readerTicket = State.ReaderTicket;
        var intentTicket = State.IntentTicket;
        IReadOnlyList<CheckoutCommand> last = [];
        if (readerTicket != 0)
        {
            Assert.True(reader.HasValue, "the machine asked for the reader");
            last = Fire(CheckoutEvent.ReaderReceived(Now, readerTicket, reader.Value));
        }

        if (intentTicket != 0)
        {
            Assert.True(intent.HasValue, "the machine asked for the PaymentIntent");
            last = Fire(CheckoutEvent.IntentReceived(Now, intentTicket, intent.Value));
        }

        return last;
    }

    /// <summary>Answers reads until the machine stops asking (e.g. a reader read that leads to a PaymentIntent read).</summary>
    public void Settle(ReaderObservation reader, PaymentIntentObservation intent)
    {
        for (var i = 0; i < 4 && State.Pending == PendingKind.Reads; i++)
        {
            AnswerReads(reader, intent);
        }
    }

    /// <summary>Start → create answered → the payment handed to the reader (send unanswered).</summary>
    public void ToSend()
    {
        Start();
        Answer(CheckoutCommandKind.CreatePaymentIntent, Pi(IntentStatus.RequiresPaymentMethod));
    }

    /// <summary>… and the reader acknowledged: waiting for the customer.</summary>
    public void ToWaiting()
    {
        ToSend();
        var type = State.Step == ReaderStep.Collect ? ReaderActionType.CollectPaymentMethod : ReaderActionType.ProcessPaymentIntent;
        Answer(State.PendingMutation, Reader(ReaderActionStatus.InProgress, type));
        Assert.Equal(CheckoutPhase.AwaitingReader, State.Phase);
    }

    /// <summary>… the customer's card was declined and the machine awaits a retry.</summary>
    public void ToAwaitingRetry(string decline = "insufficient_funds")
    {
        ToWaiting();
        Wake();
        AnswerReads(Reader(ReaderActionStatus.Failed, failure: "card_declined", decline: decline), null);
        AnswerReads(null, Pi(IntentStatus.RequiresPaymentMethod, decline: decline));
        Assert.Equal(CheckoutPhase.AwaitingRetry, State.Phase);
    }

    /// <summary>Completed as authorised (manual capture).</summary>
    public void ToAuthorized(long amount = 1000)
    {
        ToWaiting();
        Wake();
        AnswerReads(Reader(ReaderActionStatus.Succeeded), null);
        AnswerReads(null, Authorized(amount));
        Assert.Equal(CheckoutPhase.Authorized, State.Phase);
    }

    /// <summary>Completed and captured.</summary>
    public void ToCaptured(long amount = 1000)
    {
        ToWaiting();
        Wake();
        AnswerReads(Reader(ReaderActionStatus.Succeeded), null);
        AnswerReads(null, Authorized(amount));
        Answer(CheckoutCommandKind.CapturePaymentIntent, Captured(amount));
        Assert.Equal(CheckoutPhase.Captured, State.Phase);
    }
}
