namespace StripeTerminalKit.Checkout;

/// <summary>The answer to one request made on a running or completed checkout (cancel, retry, capture, void, refund).</summary>
public sealed record CheckoutOperationResult
{
    /// <summary>The caller's checkout id.</summary>
    public required string CheckoutId { get; init; }

    /// <summary>What was asked.</summary>
    public CheckoutOperation Operation { get; init; }

    /// <summary>What came of it.</summary>
    public CheckoutOperationStatus Status { get; init; }

    /// <summary>Amount captured or refunded by this operation, in minor units (0 when none).</summary>
    public long Amount { get; init; }

    /// <summary>The refund (<c>re_…</c>) a refund created, when known.</summary>
    public string? RefundId { get; init; }

    /// <summary>Why it was refused or failed, when it was.</summary>
    public CheckoutOperationRejection? Rejection { get; init; }

    /// <summary>Stripe's error code behind a failure, if any.</summary>
    public string? Code { get; init; }
}

/// <summary>Requests that can be made on a checkout.</summary>
public enum CheckoutOperation
{
    /// <summary>Cancel a checkout in flight.</summary>
    Cancel = 0,

    /// <summary>Try another card on the same PaymentIntent after a decline.</summary>
    Retry,

    /// <summary>Capture an authorised payment, in full or in part.</summary>
    Capture,

    /// <summary>Release an authorised, uncaptured payment.</summary>
    Void,

    /// <summary>Refund a captured payment, in full or in part.</summary>
    Refund,
}

/// <summary>Outcome of a <see cref="CheckoutOperationResult"/>.</summary>
public enum CheckoutOperationStatus
{
    /// <summary>Taken into account; the checkout's final result tells the rest (cancel and retry).</summary>
    Accepted = 0,

    /// <summary>Done (capture, void, refund).</summary>
    Succeeded,

    /// <summary>Refused before any Stripe call because it does not fit the checkout's state or amounts.</summary>
    Rejected,

    /// <summary>Stripe refused it.</summary>
    Failed,

    /// <summary>Its outcome could not be confirmed in time; reconcile before trying again.</summary>
    Unknown,
}

/// <summary>Why an operation was refused.</summary>
public enum CheckoutOperationRejection
{
    /// <summary>The checkout is not in a state where this operation applies.</summary>
    NotAllowedInState = 0,

    /// <summary>Another capture, void or refund on this checkout is still running.</summary>
    OperationInProgress,

    /// <summary>The amount is zero, negative or more than can be captured.</summary>
    AmountExceedsCapturable,

    /// <summary>The amount is more than what is left to refund.</summary>
    AmountExceedsRefundable,

    /// <summary>The payment was already captured.</summary>
    AlreadyCaptured,

    /// <summary>The PaymentIntent was cancelled (voided or expired).</summary>
    PaymentIntentCanceled,

    /// <summary>Stripe refused the request.</summary>
    RejectedByStripe,

    /// <summary>The PaymentIntent is in a status that allows neither capture nor refund.</summary>
    UnexpectedPaymentIntentStatus,
}
