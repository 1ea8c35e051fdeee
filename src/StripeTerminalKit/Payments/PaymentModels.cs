using StripeTerminalKit.Readers;

namespace StripeTerminalKit.Payments;

/// <summary>When the money is captured.</summary>
public enum CaptureMethod
{
    /// <summary>Authorise and capture in one step.</summary>
    Automatic = 0,

    /// <summary>
    /// <c>payment_method_options[card_present][capture_method]=manual_preferred</c>: authorise only
    /// (capture later) where the network allows it, and capture at once on single-message networks
    /// (eftpos in Australia, Interac in Canada). The Australian default.
    /// </summary>
    ManualPreferred,

    /// <summary>Authorise only; capture later. In Australia every eftpos card declines with this.</summary>
    Manual,

    /// <summary>
    /// <c>payment_method_options[card_present][capture_method]=automatic_delayed</c>, Australia only
    /// (docs: terminal/payments/regional, AU): authorise now and let Stripe capture by itself after
    /// <see cref="CreatePaymentRequest.CaptureDelayDays"/>; until then it can be captured early or
    /// cancelled like a manual one. eftpos cannot authorise-then-capture, so eftpos-only cards decline.
    /// </summary>
    AutomaticDelayed,
}

/// <summary>Which network a co-badged debit card should be routed to.</summary>
public enum RoutingPriority
{
    /// <summary>Prefer the domestic network (eftpos in Australia).</summary>
    Domestic = 0,

    /// <summary>Prefer the international network (Visa, Mastercard).</summary>
    International,
}

/// <summary>Where a PaymentIntent or SetupIntent stands.</summary>
public enum IntentStatus
{
    /// <summary>A status this version of the kit does not know.</summary>
    Unknown = 0,

    /// <summary>Waiting for a card (also after a decline).</summary>
    RequiresPaymentMethod,

    /// <summary>A card was collected; confirm to authorise.</summary>
    RequiresConfirmation,

    /// <summary>Further action is needed.</summary>
    RequiresAction,

    /// <summary>Stripe is processing.</summary>
    Processing,

    /// <summary>Authorised; capture or cancel.</summary>
    RequiresCapture,

    /// <summary>Canceled; no money moves.</summary>
    Canceled,

    /// <summary>Captured (PaymentIntent) or saved (SetupIntent).</summary>
    Succeeded,
}

/// <summary>Why a PaymentIntent is canceled.</summary>
public enum PaymentCancellationReason
{
    /// <summary>The sale was abandoned.</summary>
    Abandoned = 0,

    /// <summary>The payment duplicates another.</summary>
    Duplicate,

    /// <summary>The payment looks fraudulent.</summary>
    Fraudulent,

    /// <summary>The customer asked to cancel.</summary>
    RequestedByCustomer,
}

/// <summary>Why a payment is refunded.</summary>
public enum RefundReason
{
    /// <summary>The customer asked for the refund.</summary>
    RequestedByCustomer = 0,

    /// <summary>The payment duplicated another.</summary>
    Duplicate,

    /// <summary>The payment was fraudulent.</summary>
    Fraudulent,
}

/// <summary>Whether a saved card may be shown to its customer again in later checkouts.</summary>
public enum AllowRedisplay
{
    /// <summary>Not specified.</summary>
    Unspecified = 0,

    /// <summary>Only in limited contexts.</summary>
    Limited,

    /// <summary>Always.</summary>
    Always,
}

/// <summary>What to create a card-present PaymentIntent with.</summary>
/// <param name="Amount">The amount in minor units (cents), 1–99,999,999 and at least the currency's minimum charge.</param>
public sealed record CreatePaymentRequest(long Amount)
{
    /// <summary>The currency; defaults to <see cref="StripeTerminalOptions.DefaultCurrency"/> or the country's currency.</summary>
    public string? Currency { get; init; }

    /// <summary>When to capture; defaults by country (Australia: <see cref="Payments.CaptureMethod.ManualPreferred"/>, elsewhere <see cref="Payments.CaptureMethod.Automatic"/>).</summary>
    public CaptureMethod? CaptureMethod { get; init; }

    /// <summary>
    /// Days after which Stripe captures an <see cref="Payments.CaptureMethod.AutomaticDelayed"/>
    /// payment by itself (<c>capture_delay_days</c>, 1–30); required with that capture method and only with it.
    /// </summary>
    public int? CaptureDelayDays { get; init; }

    /// <summary>The network to prefer for co-badged debit cards.</summary>
    public RoutingPriority? RoutingPriority { get; init; }

    /// <summary>
    /// Whether to accept Interac cards; defaults to on for <c>cad</c> (where it is required for
    /// debit) and off elsewhere. Interac does not support <see cref="Payments.CaptureMethod.Manual"/>
    /// capture: with it the default is off, and turning it on is refused before any call.
    /// </summary>
    public bool? AllowInterac { get; init; }

    /// <summary>Requests an extended authorisation window (needs manual or manual-preferred capture).</summary>
    public bool RequestExtendedAuthorization { get; init; }

    /// <summary>Requests support for incremental authorisation (needs manual or manual-preferred capture).</summary>
    public bool RequestIncrementalAuthorizationSupport { get; init; }

    /// <summary>A description for the Dashboard (≤ 1000 characters).</summary>
    public string? Description { get; init; }

    /// <summary>Metadata, for example your order id (Stripe's limits apply).</summary>
    public IReadOnlyDictionary<string, string>? Metadata { get; init; }

    /// <summary>An email address to send the receipt to.</summary>
    public string? ReceiptEmail { get; init; }

    /// <summary>A suffix for the card statement (≤ 22 characters).</summary>
    public string? StatementDescriptorSuffix { get; init; }

    /// <summary>A customer (<c>cus_…</c>) to attach the payment to.</summary>
    public string? CustomerId { get; init; }

    /// <summary>Connect: the account (<c>acct_…</c>) the payment is made on behalf of.</summary>
    public string? OnBehalfOf { get; init; }

    /// <summary>Connect: the application fee in minor units.</summary>
    public long? ApplicationFeeAmount { get; init; }
}

/// <summary>How the reader collects the payment.</summary>
public sealed record PaymentCollectionOptions
{
    /// <summary>Skips on-reader tipping for this payment.</summary>
    public bool SkipTipping { get; init; }

    /// <summary>
    /// The part of the amount tips are calculated on (minor units, ≥ 0; 0 skips tipping).
    /// Cannot be combined with <see cref="SkipTipping"/>.
    /// </summary>
    public long? TipEligibleAmount { get; init; }

    /// <summary>Shows a cancel button to the customer.</summary>
    public bool EnableCustomerCancellation { get; init; }

    /// <summary>Whether the card may be offered to the customer again later (when it is saved).</summary>
    public AllowRedisplay? AllowRedisplay { get; init; }
}

/// <summary>The charge behind a payment, when Stripe returned it.</summary>
/// <param name="Id">The charge id.</param>
/// <param name="PaymentMethodType"><c>card_present</c> or <c>interac_present</c>.</param>
/// <param name="Card">Brand, last four digits and funding of the card.</param>
/// <param name="Network">The network that processed it, such as <c>eftpos_au</c> or <c>visa</c>.</param>
/// <param name="AmountRefunded">The amount refunded so far, in minor units.</param>
public sealed record PaymentCharge(string Id, string? PaymentMethodType, CardDetails? Card, string? Network, long AmountRefunded)
{
    /// <summary>The EMV receipt fields a custom receipt must print, when the charge carries them.</summary>
    public CardReceipt? Receipt { get; init; }
}

/// <summary>Why the last attempt to pay failed.</summary>
/// <param name="Code">Stripe's error code, such as <c>card_declined</c>.</param>
/// <param name="DeclineCode">The issuer's decline code, when known.</param>
/// <param name="Message">Stripe's message, for people.</param>
/// <param name="Card">The card that was declined, when known.</param>
public sealed record PaymentFailure(string? Code, string? DeclineCode, string? Message, CardDetails? Card);

/// <summary>A card-present PaymentIntent.</summary>
public sealed record TerminalPayment
{
    /// <summary>The PaymentIntent id (<c>pi_…</c>).</summary>
    public required string Id { get; init; }

    /// <summary>The amount in minor units (after an on-reader tip, it includes the tip).</summary>
    public required long Amount { get; init; }

    /// <summary>The currency.</summary>
    public required string Currency { get; init; }

    /// <summary>Where the payment stands.</summary>
    public required IntentStatus Status { get; init; }

    /// <summary>Stripe's status string.</summary>
    public required string StripeStatus { get; init; }

    /// <summary>The amount that can still be captured, in minor units.</summary>
    public long AmountCapturable { get; init; }

    /// <summary>The amount received, in minor units.</summary>
    public long AmountReceived { get; init; }

    /// <summary>Stripe's top-level <c>capture_method</c>.</summary>
    public string? CaptureMethod { get; init; }

    /// <summary>The latest charge id.</summary>
    public string? LatestChargeId { get; init; }

    /// <summary>The latest charge's details, when Stripe expanded it (reads do).</summary>
    public PaymentCharge? LatestCharge { get; init; }

    /// <summary>The PaymentMethod used, once a card was read.</summary>
    public string? PaymentMethodId { get; init; }

    /// <summary>Why the last attempt failed, when it did.</summary>
    public PaymentFailure? LastPaymentError { get; init; }

    /// <summary>Why the payment was canceled, when it was.</summary>
    public string? CancellationReason { get; init; }

    /// <summary>The description.</summary>
    public string? Description { get; init; }

    /// <summary>The metadata.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>(0);

    /// <summary>When it was created.</summary>
    public DateTimeOffset? Created { get; init; }

    /// <summary>Whether it lives in live mode.</summary>
    public bool Livemode { get; init; }
}

/// <summary>What to refund online (all networks except Interac, which needs <see cref="ITerminalPayments.RefundOnReaderAsync"/>).</summary>
/// <param name="PaymentIntentId">The PaymentIntent to refund (<c>pi_…</c>).</param>
public sealed record CreateRefundRequest(string PaymentIntentId)
{
    /// <summary>The amount to refund in minor units; the whole remaining amount when unset.</summary>
    public long? Amount { get; init; }

    /// <summary>Why.</summary>
    public RefundReason? Reason { get; init; }

    /// <summary>Metadata.</summary>
    public IReadOnlyDictionary<string, string>? Metadata { get; init; }

    /// <summary>Connect: refund the application fee too.</summary>
    public bool? RefundApplicationFee { get; init; }

    /// <summary>Connect: reverse the transfer too.</summary>
    public bool? ReverseTransfer { get; init; }
}

/// <summary>What to refund in person with the card on the reader (<c>refund_payment</c>; Interac).</summary>
public sealed record InPersonRefundRequest
{
    /// <summary>The PaymentIntent to refund; set this or <see cref="ChargeId"/>.</summary>
    public string? PaymentIntentId { get; init; }

    /// <summary>The charge to refund; set this or <see cref="PaymentIntentId"/>.</summary>
    public string? ChargeId { get; init; }

    /// <summary>The amount in minor units; the whole amount when unset.</summary>
    public long? Amount { get; init; }

    /// <summary>Metadata.</summary>
    public IReadOnlyDictionary<string, string>? Metadata { get; init; }

    /// <summary>Shows a cancel button to the customer.</summary>
    public bool EnableCustomerCancellation { get; init; }

    /// <summary>Connect: refund the application fee too.</summary>
    public bool? RefundApplicationFee { get; init; }

    /// <summary>Connect: reverse the transfer too.</summary>
    public bool? ReverseTransfer { get; init; }
}

/// <summary>Where a refund stands.</summary>
public enum RefundStatus
{
    /// <summary>A status this version of the kit does not know.</summary>
    Unknown = 0,

    /// <summary>In progress.</summary>
    Pending,

    /// <summary>Needs action.</summary>
    RequiresAction,

    /// <summary>Done.</summary>
    Succeeded,

    /// <summary>Failed; see <see cref="TerminalRefund.FailureReason"/>.</summary>
    Failed,

    /// <summary>Canceled.</summary>
    Canceled,
}

/// <summary>A refund.</summary>
/// <param name="Id">The refund id (<c>re_…</c>).</param>
/// <param name="Amount">The amount in minor units.</param>
/// <param name="Currency">The currency.</param>
/// <param name="Status">Where it stands.</param>
/// <param name="PaymentIntentId">The refunded PaymentIntent.</param>
/// <param name="ChargeId">The refunded charge.</param>
/// <param name="Reason">Stripe's reason string.</param>
/// <param name="FailureReason">Why it failed, when it did.</param>
/// <param name="Metadata">The metadata.</param>
public sealed record TerminalRefund(
    string Id,
    long Amount,
    string Currency,
    RefundStatus Status,
    string? PaymentIntentId,
    string? ChargeId,
    string? Reason,
    string? FailureReason,
    IReadOnlyDictionary<string, string> Metadata);

/// <summary>What to create a card-present SetupIntent (save a card without charging) with.</summary>
public sealed record CreateSetupIntentRequest
{
    /// <summary>The customer (<c>cus_…</c>) the card is saved for.</summary>
    public string? CustomerId { get; init; }

    /// <summary>Whether the card will be used while the customer is present (<c>on_session</c>) or not (<c>off_session</c>, default).</summary>
    public bool OnSession { get; init; }

    /// <summary>A description.</summary>
    public string? Description { get; init; }

    /// <summary>Metadata.</summary>
    public IReadOnlyDictionary<string, string>? Metadata { get; init; }

    /// <summary>Connect: the account the card is saved on behalf of.</summary>
    public string? OnBehalfOf { get; init; }
}

/// <summary>A SetupIntent.</summary>
/// <param name="Id">The SetupIntent id (<c>seti_…</c>).</param>
/// <param name="Status">Where it stands.</param>
/// <param name="StripeStatus">Stripe's status string.</param>
/// <param name="CustomerId">The customer.</param>
/// <param name="PaymentMethodId">The card-present PaymentMethod read on the reader.</param>
/// <param name="Usage"><c>off_session</c> or <c>on_session</c>.</param>
/// <param name="LastSetupError">Why the last attempt failed, when it did.</param>
/// <param name="Metadata">The metadata.</param>
public sealed record TerminalSetupIntent(
    string Id,
    IntentStatus Status,
    string StripeStatus,
    string? CustomerId,
    string? PaymentMethodId,
    string? Usage,
    PaymentFailure? LastSetupError,
    IReadOnlyDictionary<string, string> Metadata);
