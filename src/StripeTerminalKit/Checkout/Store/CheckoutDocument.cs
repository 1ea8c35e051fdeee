using System.Text.Json.Serialization;
using StripeTerminalKit.Errors;
using StripeTerminalKit.Payments;

namespace StripeTerminalKit.Checkout;

// The stored checkout, version 2: the contract between this library and every later one that
// reads a store. Named fields grouped by what they mean, every enum by name, idempotency-key
// sequences by step name. The machine's own struct may change freely behind it; the mapping
// (CheckoutDocumentMapping) and the golden files in the tests keep this shape fixed.
// Every property here defaults to its CLR default, so a field left out reads back as written;
// the enums that say what a group is are always written, so a reader never has to know a default.

/// <summary>Stored checkout, document version 2.</summary>
internal sealed class CheckoutDocument
{
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public int V { get; set; }

    public StoredRequest Checkout { get; set; } = null!;

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public CheckoutPhase Phase { get; set; }

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public ReaderStep Step { get; set; }

    public string? PaymentIntent { get; set; }

    public int Attempt { get; set; }

    /// <summary>Sequence number of the last idempotency key per step (<c>create</c>, <c>process</c>, …).</summary>
    public SortedDictionary<string, int>? Keys { get; set; }

    /// <summary>Steps whose next request must take a new key (Stripe stored the last one's answer).</summary>
    public List<string>? NewKeys { get; set; }

    /// <summary>Ticket of the last command issued; answers carry the ticket of the command they answer.</summary>
    public int Ticket { get; set; }

    public StoredPending? Pending { get; set; }

    public StoredReads? Reads { get; set; }

    /// <summary>The PaymentIntent as last seen.</summary>
    public StoredIntent? Known { get; set; }

    public StoredSend? Send { get; set; }

    public StoredNext? Next { get; set; }

    public StoredTimes Times { get; set; } = null!;

    public StoredEnd? End { get; set; }

    public StoredMoney? Money { get; set; }

    public StoredOperation? Operation { get; set; }

    public StoredResult? Result { get; set; }
}

internal sealed class StoredRequest
{
    public string Id { get; set; } = null!;

    public string? Owner { get; set; }

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public long Amount { get; set; }

    public string Currency { get; set; } = null!;

    public string Reader { get; set; } = null!;

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public CheckoutCaptureMode CaptureMode { get; set; }

    /// <summary>Optional (added without a version change): only with <see cref="CheckoutCaptureMode.AutomaticDelayed"/>.</summary>
    public int? CaptureDelayDays { get; set; }

    /// <summary>Optional (added without a version change): absent means the currency's default.</summary>
    public bool? AllowInterac { get; set; }

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public CheckoutFlow Flow { get; set; }

    public List<StoredCartLine>? Cart { get; set; }

    public long? CartTax { get; set; }

    public bool SkipTipping { get; set; }

    public long? TipEligibleAmount { get; set; }

    // Stored as written, never left out: the request's own defaults are true.
    public bool? AllowCustomerCancellation { get; set; }

    public bool? WaitForRetryAfterDecline { get; set; }

    public string? Description { get; set; }

    public SortedDictionary<string, string>? Metadata { get; set; }

    public string? ReceiptEmail { get; set; }

    public bool CollectReceiptEmail { get; set; }

    public long TimeoutMs { get; set; }
}

internal sealed class StoredCartLine
{
    public string Description { get; set; } = null!;

    public long Amount { get; set; }

    public int Quantity { get; set; }
}

internal sealed class StoredPending
{
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public PendingKind Kind { get; set; }

    public CheckoutCommandKind? Mutation { get; set; }

    public int MutationTicket { get; set; }

    public long MutationAmount { get; set; }

    public int ReaderTicket { get; set; }

    public int IntentTicket { get; set; }

    public bool ReadReader { get; set; }

    public bool ReadIntent { get; set; }

    public DateTimeOffset? Since { get; set; }
}

internal sealed class StoredReads
{
    public StoredReader? Reader { get; set; }

    public bool ReaderFresh { get; set; }

    public StoredIntent? Intent { get; set; }

    public bool IntentFresh { get; set; }

    public bool DecideAfterReads { get; set; }
}

internal sealed class StoredReader
{
    public string? Id { get; set; }

    /// <summary>The action's type by the document's own name (<see cref="CheckoutDocumentMapping.ActionName"/>).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? Action { get; set; }

    /// <summary>The action's status by the document's own name (<see cref="CheckoutDocumentMapping.StatusName"/>).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? Status { get; set; }

    public string? PaymentIntent { get; set; }

    public string? FailureCode { get; set; }

    public string? DeclineCode { get; set; }
}

internal sealed class StoredIntent
{
    public string? Id { get; set; }

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public IntentStatus Status { get; set; }

    public long Amount { get; set; }

    public long AmountCapturable { get; set; }

    public long AmountReceived { get; set; }

    public long TipAmount { get; set; }

    public long AmountRefunded { get; set; }

    public string? Charge { get; set; }

    public string? CardBrand { get; set; }

    public string? Last4 { get; set; }

    public string? Network { get; set; }

    public string? DeclineCode { get; set; }

    public string? ErrorCode { get; set; }

    public string? CancellationReason { get; set; }

    /// <summary>Optional (added without a version change): the latest charge's EMV receipt fields.</summary>
    public StoredReceipt? Receipt { get; set; }
}

/// <summary>The EMV receipt fields (<see cref="Payments.CardReceipt"/>), named as Stripe names them; every field optional.</summary>
internal sealed class StoredReceipt
{
    public string? ApplicationPreferredName { get; set; }

    public string? DedicatedFileName { get; set; }

    public string? AuthorizationResponseCode { get; set; }

    public string? AccountType { get; set; }

    public string? CardholderVerificationMethod { get; set; }

    public string? AuthorizationCode { get; set; }

    public string? ReadMethod { get; set; }

    public string? ApplicationCryptogram { get; set; }

    public string? TerminalVerificationResults { get; set; }

    public string? TransactionStatusInformation { get; set; }

    public string? Reader { get; set; }

    public string? Location { get; set; }
}

internal sealed class StoredSend
{
    public bool Ambiguous { get; set; }

    public StripeFailureKind? LastFailure { get; set; }

    public bool ActionMayBeInProgress { get; set; }

    public bool HintPending { get; set; }
}

internal sealed class StoredNext
{
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public NextAction Action { get; set; }

    public CheckoutCommandKind? Mutation { get; set; }

    public DateTimeOffset? At { get; set; }

    public int RetryCount { get; set; }
}

internal sealed class StoredTimes
{
    public DateTimeOffset? Now { get; set; }

    public DateTimeOffset? StartedAt { get; set; }

    /// <summary>Absent: no deadline (not started).</summary>
    public DateTimeOffset? DeadlineAt { get; set; }

    /// <summary>Absent: no hard stop.</summary>
    public DateTimeOffset? HardStopAt { get; set; }

    public DateTimeOffset? WaitStartedAt { get; set; }

    /// <summary>Absent: a cancel may be sent at once.</summary>
    public DateTimeOffset? CancelBusyUntil { get; set; }

    /// <summary>Absent: no wake-up scheduled.</summary>
    public DateTimeOffset? ScheduledWake { get; set; }
}

internal sealed class StoredEnd
{
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public EndIntent Intent { get; set; }

    public CheckoutCanceledBy? CanceledBy { get; set; }

    public CheckoutFailureReason? FailureReason { get; set; }

    public string? FailureCode { get; set; }

    public string? LastFailureCode { get; set; }

    public string? LastDeclineCode { get; set; }

    public bool LastWasDecline { get; set; }

    public bool Voided { get; set; }

    public bool Abandoned { get; set; }
}

internal sealed class StoredMoney
{
    public long AmountCapturable { get; set; }

    public long AmountCaptured { get; set; }

    public long AmountRefunded { get; set; }

    public string? Refund { get; set; }

    public long RefundBaseline { get; set; }
}

internal sealed class StoredOperation
{
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public PostOperation Kind { get; set; }

    public long Amount { get; set; }

    public bool Sent { get; set; }

    /// <summary>Absent: no hard stop.</summary>
    public DateTimeOffset? HardStopAt { get; set; }
}

internal sealed class StoredResult
{
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public CheckoutOutcome Outcome { get; set; }

    public string? PaymentIntent { get; set; }

    public int Attempts { get; set; }

    public DateTimeOffset CompletedAt { get; set; }

    public long Amount { get; set; }

    public long TipAmount { get; set; }

    public long AmountCaptured { get; set; }

    public string? Currency { get; set; }

    public string? CardBrand { get; set; }

    public string? Last4 { get; set; }

    public string? Network { get; set; }

    public string? Charge { get; set; }

    /// <summary>Optional (added without a version change): the EMV receipt fields of a succeeded checkout.</summary>
    public StoredReceipt? Receipt { get; set; }

    public string? DeclineCode { get; set; }

    public CheckoutCanceledBy? CanceledBy { get; set; }

    public bool Voided { get; set; }

    public long AmountRefunded { get; set; }

    public string? Refund { get; set; }

    public string? LastDeclineCode { get; set; }

    public CheckoutFailureReason? FailureReason { get; set; }

    public NeedsAttentionReason? AttentionReason { get; set; }

    public string? Code { get; set; }
}
