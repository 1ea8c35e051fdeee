using StripeTerminalKit.Errors;

namespace StripeTerminalKit.Checkout;

/// <summary>What happened, as fed to <see cref="CheckoutMachine.Transition"/>.</summary>
internal enum CheckoutEventKind : byte
{
    /// <summary>Begin the checkout (from <see cref="CheckoutPhase.New"/> only).</summary>
    Start = 0,

    /// <summary>The state was loaded from the store in a new process: every request in flight is treated as lost.</summary>
    Resume,

    /// <summary>Time passed; fired at (or after) the last <see cref="CheckoutCommandKind.ScheduleWakeUp"/>.</summary>
    Tick,

    /// <summary>Cancel (merchant or customer); voids an authorised, uncaptured payment after completion.</summary>
    CancelRequested,

    /// <summary>Try another card after a decline.</summary>
    RetryRequested,

    /// <summary>Capture an authorised payment; <see cref="CheckoutEvent.Amount"/> 0 means all of it.</summary>
    CaptureRequested,

    /// <summary>Refund a captured payment; <see cref="CheckoutEvent.Amount"/> 0 means all that is left.</summary>
    RefundRequested,

    /// <summary>Answer to a command that returns a PaymentIntent (create, retrieve, capture, cancel).</summary>
    PaymentIntentReceived,

    /// <summary>Answer to a command that returns the reader (display, process, collect, confirm, cancel_action, retrieve).</summary>
    ReaderReceived,

    /// <summary>Answer to a refund command.</summary>
    RefundReceived,

    /// <summary>A command's Stripe call failed.</summary>
    RequestFailed,

    /// <summary>A <c>terminal.reader.action_*</c> webhook: a hint that makes the machine re-read, never trusted on its own.</summary>
    ReaderWebhook,

    /// <summary>A <c>payment_intent.*</c> webhook: a hint, like <see cref="ReaderWebhook"/>.</summary>
    PaymentIntentWebhook,

    /// <summary>
    /// A verified <c>terminal.reader.action_*</c> webhook carrying the whole reader. One that shows our
    /// action succeeded stands as a fresh read of the reader; anything else is treated as a hint.
    /// </summary>
    ReaderObserved,

    /// <summary>
    /// A verified <c>payment_intent.*</c> webhook carrying the whole PaymentIntent (amounts and status).
    /// One that shows the money authorised or captured, while we wait on our acknowledged action and
    /// nothing is ambiguous or ending, stands as a fresh read of the PaymentIntent; anything else is a hint.
    /// </summary>
    PaymentIntentObserved,
}

/// <summary>
/// One event. A single value type for every kind so the driver can queue, log and persist events
/// without boxing; build it with the factory methods.
/// </summary>
/// <param name="Kind">What happened.</param>
/// <param name="At">The driver's clock when it happened; the machine's only source of time.</param>
/// <param name="Ticket">For answers: the <see cref="CheckoutCommand.Ticket"/> of the command answered.</param>
/// <param name="Intent">PaymentIntent read or returned.</param>
/// <param name="Reader">Reader read or returned.</param>
/// <param name="Refund">Refund returned.</param>
/// <param name="Failure">How the call failed.</param>
/// <param name="By">Who cancels.</param>
/// <param name="Amount">Capture or refund amount in minor units; 0 for all.</param>
internal readonly record struct CheckoutEvent(
    CheckoutEventKind Kind,
    DateTimeOffset At,
    int Ticket = 0,
    PaymentIntentObservation Intent = default,
    ReaderObservation Reader = default,
    RefundObservation Refund = default,
    StripeFailure Failure = default,
    CheckoutCanceledBy By = CheckoutCanceledBy.Merchant,
    long Amount = 0)
{
    public static CheckoutEvent Start(DateTimeOffset at) => new(CheckoutEventKind.Start, at);

    public static CheckoutEvent Resume(DateTimeOffset at) => new(CheckoutEventKind.Resume, at);

    public static CheckoutEvent Tick(DateTimeOffset at) => new(CheckoutEventKind.Tick, at);

    public static CheckoutEvent Cancel(DateTimeOffset at, CheckoutCanceledBy by = CheckoutCanceledBy.Merchant) =>
        new(CheckoutEventKind.CancelRequested, at, By: by);

    public static CheckoutEvent Retry(DateTimeOffset at) => new(CheckoutEventKind.RetryRequested, at);

    public static CheckoutEvent Capture(DateTimeOffset at, long amount = 0) => new(CheckoutEventKind.CaptureRequested, at, Amount: amount);

    public static CheckoutEvent RefundRequest(DateTimeOffset at, long amount = 0) => new(CheckoutEventKind.RefundRequested, at, Amount: amount);

    public static CheckoutEvent IntentReceived(DateTimeOffset at, int ticket, in PaymentIntentObservation intent) =>
        new(CheckoutEventKind.PaymentIntentReceived, at, ticket, Intent: intent);

    public static CheckoutEvent ReaderReceived(DateTimeOffset at, int ticket, in ReaderObservation reader) =>
        new(CheckoutEventKind.ReaderReceived, at, ticket, Reader: reader);

    public static CheckoutEvent RefundReceived(DateTimeOffset at, int ticket, in RefundObservation refund) =>
        new(CheckoutEventKind.RefundReceived, at, ticket, Refund: refund);

    public static CheckoutEvent Failed(DateTimeOffset at, int ticket, StripeFailureKind kind, string? code = null) =>
        Failed(at, ticket, new StripeFailure(kind, code));

    public static CheckoutEvent Failed(DateTimeOffset at, int ticket, in StripeFailure failure) =>
        new(CheckoutEventKind.RequestFailed, at, ticket, Failure: failure);

    public static CheckoutEvent ReaderHint(DateTimeOffset at, in ReaderObservation reader) =>
        new(CheckoutEventKind.ReaderWebhook, at, Reader: reader);

    public static CheckoutEvent IntentHint(DateTimeOffset at, in PaymentIntentObservation intent) =>
        new(CheckoutEventKind.PaymentIntentWebhook, at, Intent: intent);

    public static CheckoutEvent ReaderObserved(DateTimeOffset at, in ReaderObservation reader) =>
        new(CheckoutEventKind.ReaderObserved, at, Reader: reader);

    public static CheckoutEvent IntentObserved(DateTimeOffset at, in PaymentIntentObservation intent) =>
        new(CheckoutEventKind.PaymentIntentObserved, at, Intent: intent);
}
