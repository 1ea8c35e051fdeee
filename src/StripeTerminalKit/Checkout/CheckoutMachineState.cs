using StripeTerminalKit.Errors;

namespace StripeTerminalKit.Checkout;

/// <summary>Fine-grained phase of the machine; <see cref="CheckoutMachineState.PublicState"/> maps it for users.</summary>
internal enum CheckoutPhase : byte
{
    New = 0,
    CreatingIntent,
    DisplayingCart,

    /// <summary>Asking the customer for a receipt email on the reader (<c>collect_inputs</c>), and waiting for the form.</summary>
    CollectingInputs,

    /// <summary>Saving the collected email on the PaymentIntent (<c>receipt_email</c>).</summary>
    SavingReceiptEmail,
    SendingToReader,
    AwaitingReader,
    Verifying,
    Capturing,
    AwaitingRetry,
    CancelingReaderAction,
    CancelingIntent,
    RefundingForCancel,

    // Completed: the Complete command was emitted.
    Authorized,
    Captured,
    Closed,
    Attention,
}

/// <summary>Which reader action the current attempt is at.</summary>
internal enum ReaderStep : byte
{
    Process = 0,
    Collect,
    Confirm,
}

/// <summary>What the checkout is ending towards, once it stops trying to take the payment.</summary>
internal enum EndIntent : byte
{
    None = 0,

    /// <summary>The deadline passed: cancel unless the customer already approved the payment.</summary>
    Deadline,

    /// <summary>Explicit cancellation: void or refund whatever got through.</summary>
    Cancel,

    /// <summary>The last card was declined and no retry follows.</summary>
    Decline,

    /// <summary>A typed failure.</summary>
    Fail,
}

/// <summary>What is awaited.</summary>
internal enum PendingKind : byte
{
    None = 0,
    Mutation,
    Reads,
}

/// <summary>What runs at <see cref="CheckoutMachineState.NextAt"/>.</summary>
internal enum NextAction : byte
{
    None = 0,
    RetryMutation,
    Verify,
    Poll,
}

/// <summary>A capture, void or refund on a completed checkout.</summary>
internal enum PostOperation : byte
{
    None = 0,
    Capture,
    Void,
    Refund,
}

/// <summary>The sequence number of each step's last idempotency key (0: none sent yet), held inline so a state copy allocates nothing.</summary>
[System.Runtime.CompilerServices.InlineArray(Length)]
internal struct KeySequences : IEquatable<KeySequences>
{
    public const int Length = 16;

    private int _element;

    public readonly int Get(IdempotencyStep step) => ((ReadOnlySpan<int>)this)[(int)step];

    public void Set(IdempotencyStep step, int sequence) => ((Span<int>)this)[(int)step] = sequence;

    public readonly bool Equals(KeySequences other) => ((ReadOnlySpan<int>)this).SequenceEqual(other);

    public override readonly bool Equals(object? obj) => obj is KeySequences other && Equals(other);

    public override readonly int GetHashCode()
    {
        var hash = default(HashCode);
        hash.AddBytes(System.Runtime.InteropServices.MemoryMarshal.AsBytes((ReadOnlySpan<int>)this));
        return hash.ToHashCode();
    }
}

/// <summary>
/// The whole state of one checkout: a value that is persisted before each Stripe call and from
/// which the machine continues after a crash. The machine never mutates its input; it returns a
/// changed copy. Fields rather than properties so the machine can update them in place on its copy.
/// </summary>
internal record struct CheckoutMachineState
{
    public CheckoutRequest Request;
    public CheckoutPhase Phase;
    public ReaderStep Step;
    public string? PaymentIntentId;

    /// <summary>Card attempts made (1 for the first card, +1 per retry).</summary>
    public int Attempt;

    // Idempotency key sequences per step (CheckoutStep.KeySequence); NewKeyMask holds the steps whose next request needs a new key.
    public KeySequences Keys;
    public ushort NewKeyMask;

    // Requests in flight; answers carry the ticket of the command they answer.
    public int Ticket;
    public PendingKind Pending;
    public CheckoutCommandKind PendingMutation;
    public int MutationTicket;
    public long MutationAmount;
    public int ReaderTicket;
    public int IntentTicket;
    public bool ReadReader;
    public bool ReadIntent;
    public DateTimeOffset PendingSince;

    // Fresh reads (taken after the last mutation).
    public ReaderObservation FreshReader;
    public bool HasFreshReader;
    public PaymentIntentObservation FreshIntent;
    public bool HasFreshIntent;
    public bool DecideAfterReads;

    /// <summary>Last PaymentIntent seen (for results and money facts).</summary>
    public PaymentIntentObservation Known;

    // Outcome of the last unanswered reader send, while verifying it.
    public bool AmbiguousSend;
    public StripeFailureKind LastSendFailure;

    /// <summary>Our reader action may be running (sent and not known to be over).</summary>
    public bool ActionMayBeInProgress;

    public bool HintPending;
    public NextAction Next;
    public CheckoutCommandKind NextMutation;
    public DateTimeOffset NextAt;
    public int RetryCount;

    public DateTimeOffset Now;
    public DateTimeOffset StartedAt;
    public DateTimeOffset DeadlineAt;
    public DateTimeOffset HardStopAt;
    public DateTimeOffset WaitStartedAt;
    public DateTimeOffset CancelBusyUntil;
    public DateTimeOffset ScheduledWake;

    // Where the checkout is heading once ending.
    public EndIntent End;
    public CheckoutCanceledBy CanceledBy;
    public CheckoutFailureReason FailureReason;
    public string? FailureCode;
    public string? LastFailureCode;
    public string? LastDeclineCode;
    public bool LastWasDecline;
    public bool Voided;

    /// <summary>A cancel of the PaymentIntent was sent: from then on it is never captured, only voided or refunded.</summary>
    public bool Abandoned;

    // After completion.
    public CheckoutResult? Result;
    public long AmountCapturable;
    public long AmountCaptured;
    public long AmountRefunded;
    public string? RefundId;
    public PostOperation Operation;
    public long OperationAmount;
    public bool OperationSent;
    public long RefundBaseline;
    public DateTimeOffset OperationHardStopAt;

    /// <summary>A checkout that has not started.</summary>
    public static CheckoutMachineState Create(CheckoutRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return new CheckoutMachineState
        {
            Request = request,
            Step = request.Flow == CheckoutFlow.CollectThenConfirm ? ReaderStep.Collect : ReaderStep.Process,
            HardStopAt = DateTimeOffset.MaxValue,
            DeadlineAt = DateTimeOffset.MaxValue,
            OperationHardStopAt = DateTimeOffset.MaxValue,
            CancelBusyUntil = DateTimeOffset.MinValue,
            ScheduledWake = DateTimeOffset.MaxValue,
        };
    }

    /// <summary>A copy whose <paramref name="step"/> key sequence is <paramref name="sequence"/>.</summary>
    public readonly CheckoutMachineState WithKeySequence(IdempotencyStep step, int sequence)
    {
        var copy = this;
        copy.Keys.Set(step, sequence);
        return copy;
    }

    /// <summary>Whether the final result is known.</summary>
    public readonly bool IsCompleted => Phase >= CheckoutPhase.Authorized;

    /// <summary>The state a user sees.</summary>
    public readonly CheckoutState PublicState => Phase switch
    {
        CheckoutPhase.New => CheckoutState.Created,
        CheckoutPhase.CreatingIntent => End == EndIntent.None ? CheckoutState.CreatingPaymentIntent : CheckoutState.Canceling,
        CheckoutPhase.DisplayingCart => End == EndIntent.None ? CheckoutState.DisplayingCart : CheckoutState.Canceling,
        CheckoutPhase.CollectingInputs or CheckoutPhase.SavingReceiptEmail =>
            End == EndIntent.None ? CheckoutState.WaitingForCustomer : CheckoutState.Canceling,
        CheckoutPhase.SendingToReader when End != EndIntent.None => CheckoutState.Canceling,
        CheckoutPhase.SendingToReader => Step == ReaderStep.Confirm ? CheckoutState.Confirming : CheckoutState.SendingToReader,
        CheckoutPhase.AwaitingReader when End != EndIntent.None => CheckoutState.Canceling,
        CheckoutPhase.AwaitingReader => Step == ReaderStep.Confirm ? CheckoutState.Confirming : CheckoutState.WaitingForCustomer,
        CheckoutPhase.Verifying => End is EndIntent.None or EndIntent.Deadline ? CheckoutState.Verifying : CheckoutState.Canceling,
        CheckoutPhase.Capturing => CheckoutState.Capturing,
        CheckoutPhase.AwaitingRetry => End == EndIntent.None ? CheckoutState.AwaitingRetry : CheckoutState.Canceling,
        CheckoutPhase.CancelingReaderAction or CheckoutPhase.CancelingIntent or CheckoutPhase.RefundingForCancel => CheckoutState.Canceling,
        CheckoutPhase.Authorized => CheckoutState.Authorized,
        CheckoutPhase.Captured when AmountRefunded > 0 && AmountRefunded >= AmountCaptured => CheckoutState.Refunded,
        CheckoutPhase.Captured when AmountRefunded > 0 => CheckoutState.PartiallyRefunded,
        CheckoutPhase.Captured => CheckoutState.Succeeded,
        CheckoutPhase.Closed => Result switch
        {
            CheckoutSucceeded => CheckoutState.Voided,
            CheckoutDeclined => CheckoutState.Declined,
            CheckoutCanceled => CheckoutState.Canceled,
            _ => CheckoutState.Failed,
        },
        _ => CheckoutState.NeedsAttention,
    };
}
