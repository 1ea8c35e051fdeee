using System.Text.Json;
using StripeTerminalKit.Errors;
using StripeTerminalKit.Payments;

namespace StripeTerminalKit.Checkout;

/// <summary>
/// Reads the stored checkouts of version 1 (the machine's own struct written field by field, in
/// snake_case, with fields at their default left out) into today's machine state. Frozen: this
/// is what the library wrote up to 0.1; it is never written again. A checkout stored by v1 is
/// rewritten as v2 at its next save.
/// </summary>
internal static partial class CheckoutDocumentV1
{
    public static CheckoutMachineState Read(JsonElement document)
    {
        var v1 = document.Deserialize(V1JsonContext.Default.Envelope)?.State ?? throw new JsonException("The v1 checkout document has no state.");
        var r = v1.Request ?? throw new JsonException("The v1 checkout document has no request.");
        var s = CheckoutMachineState.Create(new CheckoutRequest
        {
            CheckoutId = r.CheckoutId ?? throw new JsonException("The v1 checkout document has no checkout id."),
            Amount = r.Amount,
            Currency = r.Currency ?? throw new JsonException("The v1 checkout document has no currency."),
            ReaderId = r.ReaderId ?? throw new JsonException("The v1 checkout document has no reader."),
            CaptureMode = r.CaptureMode,
            Flow = r.Flow,
            CartLines = r.CartLines?.Select(l => new CheckoutCartLine(l.Description ?? string.Empty, l.Amount, l.Quantity)).ToArray(),
            CartTax = r.CartTax,
            SkipTipping = r.SkipTipping,
            TipEligibleAmount = r.TipEligibleAmount,
            AllowCustomerCancellation = r.AllowCustomerCancellation,
            WaitForRetryAfterDecline = r.WaitForRetryAfterDecline,
            Description = r.Description,
            Metadata = r.Metadata,
            ReceiptEmail = r.ReceiptEmail,
            Timeout = r.Timeout,
        });

        s.Phase = v1.Phase;
        s.Step = v1.Step;
        s.PaymentIntentId = v1.PaymentIntentId;
        s.Attempt = v1.Attempt;
        s.Keys.Set(IdempotencyStep.Create, v1.CreateSeq);
        s.Keys.Set(IdempotencyStep.Display, v1.DisplaySeq);
        s.Keys.Set(IdempotencyStep.Process, v1.SendSeq);
        s.Keys.Set(IdempotencyStep.CancelAction, v1.CancelActionSeq);
        s.Keys.Set(IdempotencyStep.Cancel, v1.CancelSeq);
        s.Keys.Set(IdempotencyStep.Capture, v1.CaptureSeq);
        s.Keys.Set(IdempotencyStep.Refund, v1.RefundSeq);

        // v1 kept the steps needing a new key as bits at IdempotencyStep positions: the positions
        // of 0.1, frozen here by name so a later reordering of the enum cannot shift them.
        s.NewKeyMask = 0;
        foreach (var (bit, step) in V1MaskBits)
        {
            if ((v1.NewKeyMask & (1 << bit)) != 0)
            {
                s.NewKeyMask |= (ushort)(1 << (int)step);
            }
        }

        s.Ticket = v1.Ticket;
        s.Pending = v1.Pending;
        s.PendingMutation = v1.PendingMutation;
        s.MutationTicket = v1.MutationTicket;
        s.MutationAmount = v1.MutationAmount;
        s.ReaderTicket = v1.ReaderTicket;
        s.IntentTicket = v1.IntentTicket;
        s.ReadReader = v1.ReadReader;
        s.ReadIntent = v1.ReadIntent;
        s.PendingSince = v1.PendingSince;
        s.FreshReader = v1.FreshReader?.ToObservation() ?? default;
        s.HasFreshReader = v1.HasFreshReader;
        s.FreshIntent = v1.FreshIntent?.ToObservation() ?? default;
        s.HasFreshIntent = v1.HasFreshIntent;
        s.DecideAfterReads = v1.DecideAfterReads;
        s.Known = v1.Known?.ToObservation() ?? default;
        s.AmbiguousSend = v1.AmbiguousSend;
        s.LastSendFailure = v1.LastSendFailure;
        s.ActionMayBeInProgress = v1.ActionMayBeInProgress;
        s.HintPending = v1.HintPending;
        s.Next = v1.Next;
        s.NextMutation = v1.NextMutation;
        s.NextAt = v1.NextAt;
        s.RetryCount = v1.RetryCount;
        s.Now = v1.Now;
        s.StartedAt = v1.StartedAt;
        s.DeadlineAt = v1.DeadlineAt ?? default;
        s.HardStopAt = v1.HardStopAt ?? default;
        s.WaitStartedAt = v1.WaitStartedAt;
        s.CancelBusyUntil = v1.CancelBusyUntil;
        s.ScheduledWake = v1.ScheduledWake ?? default;
        s.End = v1.End;
        s.CanceledBy = v1.CanceledBy;
        s.FailureReason = v1.FailureReason;
        s.FailureCode = v1.FailureCode;
        s.LastFailureCode = v1.LastFailureCode;
        s.LastDeclineCode = v1.LastDeclineCode;
        s.LastWasDecline = v1.LastWasDecline;
        s.Voided = v1.Voided;
        s.Abandoned = v1.Abandoned;
        s.Result = v1.Result;
        s.AmountCapturable = v1.AmountCapturable;
        s.AmountCaptured = v1.AmountCaptured;
        s.AmountRefunded = v1.AmountRefunded;
        s.RefundId = v1.RefundId;
        s.Operation = v1.Operation;
        s.OperationAmount = v1.OperationAmount;
        s.OperationSent = v1.OperationSent;
        s.RefundBaseline = v1.RefundBaseline;
        s.OperationHardStopAt = v1.OperationHardStopAt ?? default;
        return s;
    }

    private static readonly (int Bit, IdempotencyStep Step)[] V1MaskBits =
    [
        (0, IdempotencyStep.None), (1, IdempotencyStep.Create), (2, IdempotencyStep.Display), (3, IdempotencyStep.Process),
        (4, IdempotencyStep.Collect), (5, IdempotencyStep.Confirm), (6, IdempotencyStep.CancelAction), (7, IdempotencyStep.Cancel),
        (8, IdempotencyStep.Capture), (9, IdempotencyStep.Refund),
    ];

    private sealed class Envelope
    {
        public int V { get; set; }

        public State? State { get; set; }
    }

    // The v1 field set. Fields v1 left out at their default read back as the default here; the
    // three far-future limits were always written (they are never default) and are nullable only
    // so that a hand-edited document missing one is read as "not set" rather than year 1.
    private sealed class State
    {
        public Request? Request { get; set; }

        public CheckoutPhase Phase { get; set; }

        public ReaderStep Step { get; set; }

        public string? PaymentIntentId { get; set; }

        public int Attempt { get; set; }

        public int CreateSeq { get; set; }

        public int DisplaySeq { get; set; }

        public int SendSeq { get; set; }

        public int CancelActionSeq { get; set; }

        public int CancelSeq { get; set; }

        public int CaptureSeq { get; set; }

        public int RefundSeq { get; set; }

        public int NewKeyMask { get; set; }

        public int Ticket { get; set; }

        public PendingKind Pending { get; set; }

        public CheckoutCommandKind PendingMutation { get; set; }

        public int MutationTicket { get; set; }

        public long MutationAmount { get; set; }

        public int ReaderTicket { get; set; }

        public int IntentTicket { get; set; }

        public bool ReadReader { get; set; }

        public bool ReadIntent { get; set; }

        public DateTimeOffset PendingSince { get; set; }

        public Reader? FreshReader { get; set; }

        public bool HasFreshReader { get; set; }

        public Intent? FreshIntent { get; set; }

        public bool HasFreshIntent { get; set; }

        public bool DecideAfterReads { get; set; }

        public Intent? Known { get; set; }

        public bool AmbiguousSend { get; set; }

        public StripeFailureKind LastSendFailure { get; set; }

        public bool ActionMayBeInProgress { get; set; }

        public bool HintPending { get; set; }

        public NextAction Next { get; set; }

        public CheckoutCommandKind NextMutation { get; set; }

        public DateTimeOffset NextAt { get; set; }

        public int RetryCount { get; set; }

        public DateTimeOffset Now { get; set; }

        public DateTimeOffset StartedAt { get; set; }

        public DateTimeOffset? DeadlineAt { get; set; }

        public DateTimeOffset? HardStopAt { get; set; }

        public DateTimeOffset WaitStartedAt { get; set; }

        public DateTimeOffset CancelBusyUntil { get; set; }

        public DateTimeOffset? ScheduledWake { get; set; }

        public EndIntent End { get; set; }

        public CheckoutCanceledBy CanceledBy { get; set; }

        public CheckoutFailureReason FailureReason { get; set; }

        public string? FailureCode { get; set; }

        public string? LastFailureCode { get; set; }

        public string? LastDeclineCode { get; set; }

        public bool LastWasDecline { get; set; }

        public bool Voided { get; set; }

        public bool Abandoned { get; set; }

        public CheckoutResult? Result { get; set; }

        public long AmountCapturable { get; set; }

        public long AmountCaptured { get; set; }

        public long AmountRefunded { get; set; }

        public string? RefundId { get; set; }

        public PostOperation Operation { get; set; }

        public long OperationAmount { get; set; }

        public bool OperationSent { get; set; }

        public long RefundBaseline { get; set; }

        public DateTimeOffset? OperationHardStopAt { get; set; }
    }

    private sealed class Request
    {
        public string? CheckoutId { get; set; }

        public long Amount { get; set; }

        public string? Currency { get; set; }

        public string? ReaderId { get; set; }

        public CheckoutCaptureMode CaptureMode { get; set; }

        public CheckoutFlow Flow { get; set; }

        public List<CartLine>? CartLines { get; set; }

        public long? CartTax { get; set; }

        public bool SkipTipping { get; set; }

        public long? TipEligibleAmount { get; set; }

        public bool AllowCustomerCancellation { get; set; } = true;

        public bool WaitForRetryAfterDecline { get; set; } = true;

        public string? Description { get; set; }

        public Dictionary<string, string>? Metadata { get; set; }

        public string? ReceiptEmail { get; set; }

        public TimeSpan Timeout { get; set; } = CheckoutRequest.DefaultTimeout;
    }

    private sealed class CartLine
    {
        public string? Description { get; set; }

        public long Amount { get; set; }

        public int Quantity { get; set; }
    }

    private sealed class Reader
    {
        public string? ReaderId { get; set; }

        public string? ActionType { get; set; }

        public string? ActionStatus { get; set; }

        public string? ActionPaymentIntentId { get; set; }

        public string? FailureCode { get; set; }

        public string? DeclineCode { get; set; }

        public ReaderObservation ToObservation() => new(ReaderId!, CheckoutDocumentMapping.ActionOf(ActionType), CheckoutDocumentMapping.StatusOf(ActionStatus),
            ActionPaymentIntentId, FailureCode, DeclineCode);
    }

    private sealed class Intent
    {
        public string? Id { get; set; }

        public IntentStatus Status { get; set; }

        public long Amount { get; set; }

        public long AmountCapturable { get; set; }

        public long AmountReceived { get; set; }

        public long TipAmount { get; set; }

        public long AmountRefunded { get; set; }

        public string? ChargeId { get; set; }

        public string? CardBrand { get; set; }

        public string? Last4 { get; set; }

        public string? Network { get; set; }

        public string? DeclineCode { get; set; }

        public string? ErrorCode { get; set; }

        public string? CancellationReason { get; set; }

        public PaymentIntentObservation ToObservation() => new(Id!, Status, Amount, AmountCapturable, AmountReceived, TipAmount, AmountRefunded,
            ChargeId, CardBrand, Last4, Network, DeclineCode, ErrorCode, CancellationReason);
    }
}
