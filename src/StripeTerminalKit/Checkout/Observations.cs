namespace StripeTerminalKit.Checkout;

// What the driver reads back from Stripe, reduced to what the machine decides on.
// Small values, no Stripe.net types, so a transition stays pure and cheap.

/// <summary>PaymentIntent status as Stripe reports it.</summary>
internal enum PaymentIntentStatus : byte
{
    /// <summary>A status this library does not know (Stripe added one).</summary>
    Unknown = 0,
    RequiresPaymentMethod,
    RequiresConfirmation,
    RequiresAction,
    Processing,
    RequiresCapture,
    Canceled,
    Succeeded,
}

/// <summary>A PaymentIntent as read from Stripe (expand <c>latest_charge</c> for the card and refund fields).</summary>
/// <param name="Id">The PaymentIntent id.</param>
/// <param name="Status">Its status.</param>
/// <param name="Amount">Amount including any tip.</param>
/// <param name="AmountCapturable">Amount that can still be captured.</param>
/// <param name="AmountReceived">Amount captured.</param>
/// <param name="TipAmount"><c>amount_details.tip.amount</c>, 0 when none.</param>
/// <param name="AmountRefunded">Latest charge's <c>amount_refunded</c>.</param>
/// <param name="ChargeId">Latest charge id.</param>
/// <param name="CardBrand">Latest charge <c>card_present.brand</c>.</param>
/// <param name="Last4">Latest charge <c>card_present.last4</c>.</param>
/// <param name="Network">Latest charge <c>card_present.network</c> (e.g. <c>eftpos_au</c>).</param>
/// <param name="DeclineCode"><c>last_payment_error.decline_code</c>.</param>
/// <param name="ErrorCode"><c>last_payment_error.code</c>.</param>
/// <param name="CancellationReason"><c>cancellation_reason</c>.</param>
/// <param name="Receipt">Latest charge's EMV receipt fields (a reference: carried, never decided on).</param>
internal readonly record struct PaymentIntentObservation(
    string Id,
    PaymentIntentStatus Status,
    long Amount,
    long AmountCapturable = 0,
    long AmountReceived = 0,
    long TipAmount = 0,
    long AmountRefunded = 0,
    string? ChargeId = null,
    string? CardBrand = null,
    string? Last4 = null,
    string? Network = null,
    string? DeclineCode = null,
    string? ErrorCode = null,
    string? CancellationReason = null,
    Payments.CardReceipt? Receipt = null);

/// <summary>Type of the reader's current action.</summary>
internal enum ReaderActionType : byte
{
    /// <summary>The reader has no action.</summary>
    None = 0,
    ProcessPaymentIntent,
    CollectPaymentMethod,
    ConfirmPaymentIntent,
    SetReaderDisplay,

    /// <summary><c>collect_inputs</c>: a form on the reader.</summary>
    CollectInputs,

    /// <summary>Any other action (refund, setup intent, inputs, …).</summary>
    Other,
}

/// <summary>Status of the reader's current action.</summary>
internal enum ReaderActionStatus : byte
{
    None = 0,
    InProgress,
    Succeeded,
    Failed,
}

/// <summary>A reader as read from Stripe (or carried by a <c>terminal.reader.action_*</c> webhook).</summary>
/// <param name="ReaderId">The reader id.</param>
/// <param name="ActionType">Type of <c>action</c>, <see cref="ReaderActionType.None"/> when null.</param>
/// <param name="ActionStatus"><c>action.status</c>.</param>
/// <param name="ActionPaymentIntentId">PaymentIntent of a payment action.</param>
/// <param name="FailureCode"><c>action.failure_code</c>.</param>
/// <param name="DeclineCode"><c>action.api_error.decline_code</c>.</param>
/// <param name="CollectedEmail">The email a <c>collect_inputs</c> action collected (not skipped), if any.</param>
internal readonly record struct ReaderObservation(
    string ReaderId,
    ReaderActionType ActionType,
    ReaderActionStatus ActionStatus = ReaderActionStatus.None,
    string? ActionPaymentIntentId = null,
    string? FailureCode = null,
    string? DeclineCode = null,
    string? CollectedEmail = null);

/// <summary>Refund status.</summary>
internal enum RefundStatus : byte
{
    Pending = 0,
    Succeeded,
    RequiresAction,
    Failed,
    Canceled,
}

/// <summary>A refund as returned by Stripe.</summary>
internal readonly record struct RefundObservation(string Id, long Amount, RefundStatus Status);

/// <summary>How a Stripe call failed, classified once by the driver so the machine never parses messages.</summary>
internal enum ApiFailureKind : byte
{
    /// <summary>No response: connection error, client timeout, lost response. The request may have been applied.</summary>
    Network = 0,

    /// <summary>HTTP 5xx. The request may have been applied and Stripe stored this answer under the idempotency key.</summary>
    ServerError,

    /// <summary>HTTP 409, <c>idempotency_key_in_use</c>, <c>lock_timeout</c>: retry later with the same key.</summary>
    Conflict,

    /// <summary>HTTP 429: not applied; retry later with the same key.</summary>
    RateLimited,

    /// <summary><c>terminal_reader_timeout</c>: the reader may have received the command (false negative).</summary>
    ReaderTimeout,

    /// <summary><c>terminal_reader_busy</c>.</summary>
    ReaderBusy,

    /// <summary><c>terminal_reader_offline</c>.</summary>
    ReaderOffline,

    /// <summary><c>terminal_reader_hardware_fault</c>, invalid location, or an unknown reader.</summary>
    ReaderUnavailable,

    /// <summary><c>intent_invalid_state</c>, <c>payment_intent_unexpected_state</c>.</summary>
    InvalidState,

    /// <summary>A card error (HTTP 402).</summary>
    CardDeclined,

    /// <summary><c>resource_missing</c> for the PaymentIntent.</summary>
    NotFound,

    /// <summary><c>idempotency_error</c>: same key, different parameters.</summary>
    IdempotencyMismatch,

    /// <summary>Any other refusal (invalid request, authentication, permissions, amount too large, …).</summary>
    Rejected,
}

/// <summary>A failed Stripe call.</summary>
/// <param name="Kind">Classification.</param>
/// <param name="Code">Stripe's error code, for reporting.</param>
internal readonly record struct ApiFailure(ApiFailureKind Kind, string? Code = null)
{
    /// <summary>The request may have been applied: re-read before acting.</summary>
    public bool IsAmbiguous => Kind is ApiFailureKind.Network or ApiFailureKind.ServerError or ApiFailureKind.ReaderTimeout;

    /// <summary>Stripe stored this failure under the key, so a resend must use a new key.</summary>
    public bool IsStoredUnderKey => Kind is ApiFailureKind.ServerError or ApiFailureKind.ReaderTimeout
        or ApiFailureKind.ReaderBusy or ApiFailureKind.ReaderOffline or ApiFailureKind.InvalidState
        or ApiFailureKind.CardDeclined or ApiFailureKind.Rejected or ApiFailureKind.ReaderUnavailable;

    /// <summary>Not applied; try again later with the same key.</summary>
    public bool IsRetryLater => Kind is ApiFailureKind.Conflict or ApiFailureKind.RateLimited;
}
