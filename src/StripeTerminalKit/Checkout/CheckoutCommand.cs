namespace StripeTerminalKit.Checkout;

/// <summary>What the driver must do. Parameters not carried here come from the <see cref="CheckoutRequest"/>.</summary>
internal enum CheckoutCommandKind : byte
{
    /// <summary>POST /v1/payment_intents (amount, currency, capture mode, description, receipt email, metadata incl. checkout id). Answer: PaymentIntentReceived.</summary>
    CreatePaymentIntent = 0,

    /// <summary>POST /v1/terminal/readers/{reader}/set_reader_display with the request's cart. Answer: ReaderReceived.</summary>
    SetReaderDisplay,

    /// <summary>POST /v1/terminal/readers/{reader}/collect_inputs: one optional email input for the receipt. Answer: ReaderReceived.</summary>
    CollectReceiptEmail,

    /// <summary>POST /v1/payment_intents/{id} with the request's <c>receipt_email</c>. Answer: PaymentIntentReceived.</summary>
    SaveReceiptEmail,

    /// <summary>POST …/process_payment_intent (tipping and customer cancellation from the request). Answer: ReaderReceived.</summary>
    ProcessPaymentIntent,

    /// <summary>POST …/collect_payment_method. Answer: ReaderReceived.</summary>
    CollectPaymentMethod,

    /// <summary>POST …/confirm_payment_intent. Answer: ReaderReceived.</summary>
    ConfirmPaymentIntent,

    /// <summary>POST …/cancel_action. Answer: ReaderReceived.</summary>
    CancelReaderAction,

    /// <summary>GET /v1/terminal/readers/{reader}. Answer: ReaderReceived.</summary>
    RetrieveReader,

    /// <summary>GET /v1/payment_intents/{id}?expand[]=latest_charge. Answer: PaymentIntentReceived.</summary>
    RetrievePaymentIntent,

    /// <summary>POST /v1/payment_intents/{id}/capture with <c>amount_to_capture</c>. Answer: PaymentIntentReceived.</summary>
    CapturePaymentIntent,

    /// <summary>POST /v1/payment_intents/{id}/cancel with <c>cancellation_reason</c>. Answer: PaymentIntentReceived.</summary>
    CancelPaymentIntent,

    /// <summary>POST /v1/refunds for the PaymentIntent with <c>amount</c>. Answer: RefundReceived.</summary>
    RefundPayment,

    /// <summary>Deliver a Tick at <see cref="CheckoutCommand.At"/>; replaces any earlier wake-up of this checkout.</summary>
    ScheduleWakeUp,

    /// <summary>The final result is known (<see cref="CheckoutCommand.Result"/>); emitted exactly once per checkout.</summary>
    Complete,

    /// <summary>The answer to a cancel, retry, capture, void or refund request (<see cref="CheckoutCommand.Operation"/>).</summary>
    ReportOperation,
}

/// <summary><c>cancellation_reason</c> sent when cancelling a PaymentIntent.</summary>
internal enum IntentCancellationReason : byte
{
    /// <summary><c>requested_by_customer</c>.</summary>
    RequestedByCustomer = 0,

    /// <summary><c>abandoned</c>.</summary>
    Abandoned,
}

/// <summary>
/// One command. Commands expecting an answer carry a <see cref="Ticket"/> that the driver echoes in
/// the answering event; answers with any other ticket are ignored, which is how late, duplicate and
/// out-of-order answers are made harmless.
/// </summary>
internal readonly record struct CheckoutCommand(
    CheckoutCommandKind Kind,
    int Ticket = 0,
    StepKey Key = default,
    string? PaymentIntentId = null,
    long Amount = 0,
    int Attempt = 0,
    IntentCancellationReason CancellationReason = IntentCancellationReason.Abandoned,
    DateTimeOffset At = default,
    CheckoutResult? Result = null,
    CheckoutOperationResult? Operation = null)
{
    /// <summary>Whether the command is a Stripe call that changes something.</summary>
    public bool IsMutation => CheckoutSteps.Of(Kind) is not null;
}

/// <summary>
/// A reusable buffer the machine writes a transition's commands into, so a transition allocates nothing.
/// One per driver loop; cleared by each transition.
/// </summary>
internal sealed class CheckoutCommandBuffer
{
    // A transition emits at most a couple of calls, a wake-up, a completion and a report.
    private readonly CheckoutCommand[] _items = new CheckoutCommand[8];

    public int Count { get; private set; }

    public ref readonly CheckoutCommand this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)Count, nameof(index));
            return ref _items[index];
        }
    }

    public void Clear()
    {
        Array.Clear(_items, 0, Count);
        Count = 0;
    }

    public void Add(in CheckoutCommand command)
    {
        if (Count == _items.Length)
        {
            throw new InvalidOperationException("A transition emitted more commands than the buffer holds.");
        }

        _items[Count++] = command;
    }

    public ReadOnlySpan<CheckoutCommand> AsSpan() => _items.AsSpan(0, Count);
}
