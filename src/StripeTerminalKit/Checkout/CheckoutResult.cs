using System.Text.Json.Serialization;

namespace StripeTerminalKit.Checkout;

/// <summary>
/// The final result of a checkout: what happened to the money. One of
/// <see cref="CheckoutSucceeded"/>, <see cref="CheckoutDeclined"/>, <see cref="CheckoutCanceled"/>,
/// <see cref="CheckoutFailed"/> or <see cref="CheckoutNeedsAttention"/>. Serialises to JSON with a
/// <c>$type</c> discriminator, so a store or an API can round-trip it.
/// </summary>
[JsonPolymorphic]
[JsonDerivedType(typeof(CheckoutSucceeded), "succeeded")]
[JsonDerivedType(typeof(CheckoutDeclined), "declined")]
[JsonDerivedType(typeof(CheckoutCanceled), "canceled")]
[JsonDerivedType(typeof(CheckoutFailed), "failed")]
[JsonDerivedType(typeof(CheckoutNeedsAttention), "needs_attention")]
public abstract record CheckoutResult
{
    private protected CheckoutResult()
    {
    }

    /// <summary>Which kind of result this is, for a <see langword="switch"/>.</summary>
    public abstract CheckoutOutcome Outcome { get; }

    /// <summary>The caller's checkout id.</summary>
    public required string CheckoutId { get; init; }

    /// <summary>The PaymentIntent (<c>pi_…</c>), if one was created.</summary>
    public string? PaymentIntentId { get; init; }

    /// <summary>How many cards were tried (1 unless a declined card was retried).</summary>
    public int Attempts { get; init; }

    /// <summary>When the result was reached (the driver's clock).</summary>
    public DateTimeOffset CompletedAt { get; init; }
}

/// <summary>The kind of a <see cref="CheckoutResult"/>.</summary>
public enum CheckoutOutcome
{
    /// <summary>See <see cref="CheckoutSucceeded"/>.</summary>
    Succeeded = 0,

    /// <summary>See <see cref="CheckoutDeclined"/>.</summary>
    Declined,

    /// <summary>See <see cref="CheckoutCanceled"/>.</summary>
    Canceled,

    /// <summary>See <see cref="CheckoutFailed"/>.</summary>
    Failed,

    /// <summary>See <see cref="CheckoutNeedsAttention"/>.</summary>
    NeedsAttention,
}

/// <summary>The customer paid: the payment was authorised and, unless capture was manual, captured.</summary>
public sealed record CheckoutSucceeded : CheckoutResult
{
    /// <inheritdoc />
    public override CheckoutOutcome Outcome => CheckoutOutcome.Succeeded;

    /// <summary>Amount authorised in minor units, including <see cref="TipAmount"/>.</summary>
    public long Amount { get; init; }

    /// <summary>Tip chosen on the reader, in minor units (0 if none).</summary>
    public long TipAmount { get; init; }

    /// <summary>Amount captured in minor units; 0 while only authorised (manual capture).</summary>
    public long AmountCaptured { get; init; }

    /// <summary>Whether the money was captured (<see cref="AmountCaptured"/> above zero).</summary>
    public bool Captured => AmountCaptured > 0;

    /// <summary>Lower-case currency code.</summary>
    public required string Currency { get; init; }

    /// <summary>Card brand as Stripe reports it, e.g. <c>visa</c>, <c>mastercard</c>, <c>eftpos_au</c>.</summary>
    public string? CardBrand { get; init; }

    /// <summary>Last four digits of the card.</summary>
    public string? Last4 { get; init; }

    /// <summary>Network that processed the payment, e.g. <c>visa</c> or <c>eftpos_au</c>.</summary>
    public string? Network { get; init; }

    /// <summary>The charge (<c>ch_…</c>).</summary>
    public string? ChargeId { get; init; }

    /// <summary>
    /// The EMV fields a custom receipt must print (application name, AID, ARC, account type,
    /// verification method, authorisation code) with the entry mode, reader and location; null when
    /// Stripe sent none. Or let Stripe email its own receipt (<see cref="CheckoutRequest.ReceiptEmail"/>).
    /// </summary>
    public Payments.CardReceipt? Receipt { get; init; }
}

/// <summary>The card was declined and the checkout ended without another card; no money moved and the PaymentIntent was cancelled.</summary>
public sealed record CheckoutDeclined : CheckoutResult
{
    /// <inheritdoc />
    public override CheckoutOutcome Outcome => CheckoutOutcome.Declined;

    /// <summary>Stripe's decline code (e.g. <c>insufficient_funds</c>), or the failure code when no decline code was given.</summary>
    public string? DeclineCode { get; init; }
}

/// <summary>The checkout was cancelled. No money was kept: an authorisation made meanwhile was voided, a one-step capture (eftpos) was refunded.</summary>
public sealed record CheckoutCanceled : CheckoutResult
{
    /// <inheritdoc />
    public override CheckoutOutcome Outcome => CheckoutOutcome.Canceled;

    /// <summary>Who cancelled.</summary>
    public CheckoutCanceledBy CanceledBy { get; init; }

    /// <summary>Whether an authorisation had been made and was voided.</summary>
    public bool Voided { get; init; }

    /// <summary>Amount refunded because the payment had been captured in one step (eftpos); 0 otherwise.</summary>
    public long AmountRefunded { get; init; }

    /// <summary>The refund (<c>re_…</c>), when one was made and its id is known.</summary>
    public string? RefundId { get; init; }

    /// <summary>Decline code of an earlier declined card, if any.</summary>
    public string? LastDeclineCode { get; init; }
}

/// <summary>Who cancelled a checkout.</summary>
public enum CheckoutCanceledBy
{
    /// <summary>The merchant (a cancel call or a cancelled token).</summary>
    Merchant = 0,

    /// <summary>The customer, on the reader.</summary>
    Customer,

    /// <summary>The checkout's deadline passed.</summary>
    Deadline,
}

/// <summary>The checkout failed for a typed reason; no money was kept and the PaymentIntent (if any) was cancelled.</summary>
public sealed record CheckoutFailed : CheckoutResult
{
    /// <inheritdoc />
    public override CheckoutOutcome Outcome => CheckoutOutcome.Failed;

    /// <summary>Why.</summary>
    public CheckoutFailureReason Reason { get; init; }

    /// <summary>Stripe's error or failure code behind it, if any (e.g. <c>terminal_reader_offline</c>, <c>connection_error</c>).</summary>
    public string? Code { get; init; }
}

/// <summary>Why a checkout failed.</summary>
public enum CheckoutFailureReason
{
    /// <summary>Stripe refused to create the PaymentIntent (invalid request, permissions, configuration).</summary>
    PaymentIntentRejected = 0,

    /// <summary>The reader was offline.</summary>
    ReaderOffline,

    /// <summary>The reader was busy with something else (another payment, an update, a card left inserted).</summary>
    ReaderBusy,

    /// <summary>The reader cannot take payments (unknown reader, hardware fault, wrong location).</summary>
    ReaderUnavailable,

    /// <summary>The reader action failed for a reason other than a decline (e.g. <c>connection_error</c>) and no retry followed.</summary>
    ReaderActionFailed,

    /// <summary>The PaymentIntent was cancelled outside this checkout (Dashboard, reconciler, expiry).</summary>
    PaymentIntentCanceled,

    /// <summary>Stripe refused a request as invalid.</summary>
    RequestRejected,

    /// <summary>The same idempotency key was used with different parameters: the checkout id was reused for a different request.</summary>
    IdempotencyConflict,
}

/// <summary>An outcome only a person or the reconciler can settle. Money may be held or taken: read <see cref="Reason"/>.</summary>
public sealed record CheckoutNeedsAttention : CheckoutResult
{
    /// <inheritdoc />
    public override CheckoutOutcome Outcome => CheckoutOutcome.NeedsAttention;

    /// <summary>Exactly what is unsettled.</summary>
    public NeedsAttentionReason Reason { get; init; }

    /// <summary>Stripe's code or status behind it, if any.</summary>
    public string? Code { get; init; }
}

/// <summary>What is unsettled in a <see cref="CheckoutNeedsAttention"/> result.</summary>
public enum NeedsAttentionReason
{
    /// <summary>Stripe could not be read before the final deadline: whether the card was charged is unknown.</summary>
    OutcomeUnknown = 0,

    /// <summary>The PaymentIntent stayed in <c>processing</c> (or another unexpected status) past the final deadline.</summary>
    PaymentIntentProcessing,

    /// <summary>Cancellation was not confirmed by the final deadline: the PaymentIntent may still be authorised.</summary>
    CancellationUnconfirmed,

    /// <summary>Stripe refused to cancel the PaymentIntent.</summary>
    CancellationRejected,

    /// <summary>The payment was authorised but the capture was not confirmed by the final deadline.</summary>
    CaptureUnconfirmed,

    /// <summary>The payment was authorised but Stripe refused the capture; the authorisation is still held.</summary>
    CaptureRejected,

    /// <summary>The payment was captured in one step during a cancellation and the refund was not confirmed.</summary>
    RefundUnconfirmed,

    /// <summary>The payment was captured in one step during a cancellation and Stripe refused the refund.</summary>
    RefundRejected,

    /// <summary>The PaymentIntent's amount differs from the checkout's amount (plus tip).</summary>
    AmountMismatch,

    /// <summary>Stripe does not know the PaymentIntent any more.</summary>
    PaymentIntentNotFound,
}
