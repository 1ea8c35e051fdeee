namespace StripeTerminalKit.Emulator;

/// <summary>A PaymentIntent as the ledger sees it.</summary>
public sealed record PaymentIntentRecord(
    string Id,
    long Amount,
    string Currency,
    string Status,
    string CaptureMethod,
    long AmountCapturable,
    long AmountReceived,
    long? TipAmount,
    string? LatestChargeId,
    string? CancellationReason,
    IReadOnlyDictionary<string, string> Metadata,
    DateTimeOffset Created);

/// <summary>A charge (an authorisation attempt) as the ledger sees it.</summary>
public sealed record ChargeRecord(
    string Id,
    string PaymentIntentId,
    long Amount,
    long AmountCaptured,
    long AmountRefunded,
    bool Captured,
    bool Voided,
    string Status,
    string Brand,
    string Last4,
    string Network,
    string? FailureCode);

/// <summary>A refund as the ledger sees it.</summary>
public sealed record RefundRecord(string Id, string ChargeId, string PaymentIntentId, long Amount, string Status, bool InPerson);

/// <summary>One reader action from start to end.</summary>
public sealed record ReaderActionRecord(
    string ReaderId,
    long Number,
    string Type,
    string? PaymentIntentId,
    string Status,
    string? FailureCode,
    DateTimeOffset StartedAt,
    DateTimeOffset? EndedAt);

/// <summary>One request the emulator answered.</summary>
public sealed record EmulatorRequestRecord(
    DateTimeOffset At,
    string Method,
    string Path,
    string Operation,
    string? IdempotencyKey,
    string? StripeAccount,
    int StatusCode,
    string? ErrorCode,
    bool Replayed,
    FaultKind? Fault)
{
    /// <summary>
    /// The request's place in the log, from 1 (0 on a record not taken from the log); requests are
    /// numbered in the order the emulator finished answering them.
    /// </summary>
    public long Sequence { get; init; }

    /// <summary>
    /// The request's <c>User-Agent</c> header as sent, or null. Stripe's Dashboard shows it for each
    /// request; a server farm can name the instance there (the web sample appends <c>stk-instance/…</c>),
    /// so a test can tell which process sent each request.
    /// </summary>
    public string? UserAgent { get; init; }

    /// <summary>
    /// The PaymentIntent the request concerned, when the emulator knows it: the one it created or
    /// returned, the one named in the path or in a <c>payment_intent</c> parameter, or the one the
    /// returned reader's action or refund carries. Null otherwise.
    /// </summary>
    public string? PaymentIntentId { get; init; }
}

/// <summary>
/// A consistent snapshot of the money: what was authorised, captured, voided and refunded.
/// Tests check their invariants against it.
/// </summary>
public sealed class EmulatorLedger
{
    internal EmulatorLedger(
        IReadOnlyList<PaymentIntentRecord> paymentIntents,
        IReadOnlyList<ChargeRecord> charges,
        IReadOnlyList<RefundRecord> refunds,
        IReadOnlyList<ReaderActionRecord> readerActions)
    {
        PaymentIntents = paymentIntents;
        Charges = charges;
        Refunds = refunds;
        ReaderActions = readerActions;
    }

    /// <summary>Every PaymentIntent, oldest first.</summary>
    public IReadOnlyList<PaymentIntentRecord> PaymentIntents { get; }

    /// <summary>Every charge, successful or failed, oldest first.</summary>
    public IReadOnlyList<ChargeRecord> Charges { get; }

    /// <summary>Every refund, oldest first.</summary>
    public IReadOnlyList<RefundRecord> Refunds { get; }

    /// <summary>Every reader action started, oldest first, with its current status.</summary>
    public IReadOnlyList<ReaderActionRecord> ReaderActions { get; }
}
