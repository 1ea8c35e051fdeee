using StripeTerminalKit.Errors;

namespace StripeTerminalKit.Checkout;

/// <summary>
/// The checkout's Stripe calls as data: one row per call the machine makes that changes something.
/// The machine reads a row to issue the call (phase, key), to check that an answer fits it, and to
/// choose what follows its success or failure; the README's table of calls is rendered from these
/// rows (<see cref="CheckoutStepTable.Render"/>, checked by a test). A new step is a row here, a
/// success handler in the machine if none of the existing ones fits, and the driver's call.
/// </summary>
internal static class CheckoutSteps
{
    private static readonly FailureRule[] SendFailures =
    [
        // Ambiguous, or a sign the state is not what we think (our own action from a lost request,
        // a PaymentIntent already past this step): re-read before acting again.
        FailureRule.When(FailureReaction.VerifySend, StripeFailureKind.Network, StripeFailureKind.ServerError, StripeFailureKind.ReaderTimeout,
            StripeFailureKind.ReaderBusy, StripeFailureKind.InvalidState, StripeFailureKind.CardDeclined),
        FailureRule.When(FailureReaction.RetryLater, StripeFailureKind.Conflict, StripeFailureKind.RateLimited),
        FailureRule.Fail(CheckoutFailureReason.ReaderOffline, StripeFailureKind.ReaderOffline),
        FailureRule.Fail(CheckoutFailureReason.ReaderUnavailable, StripeFailureKind.ReaderUnavailable, StripeFailureKind.NotFound),
        FailureRule.Fail(CheckoutFailureReason.IdempotencyConflict, StripeFailureKind.IdempotencyMismatch),
        FailureRule.Otherwise(FailureReaction.Fail, CheckoutFailureReason.RequestRejected),
    ];

    // Reader trouble ends the checkout; anything else skips an optional step (the payment step
    // reports real reader trouble).
    private static readonly FailureRule[] OptionalReaderStepFailures =
    [
        FailureRule.Fail(CheckoutFailureReason.ReaderOffline, StripeFailureKind.ReaderOffline),
        FailureRule.Fail(CheckoutFailureReason.ReaderUnavailable, StripeFailureKind.ReaderUnavailable),
        FailureRule.Otherwise(FailureReaction.NextSetupStep),
    ];

    /// <summary>Every row, in the order a checkout meets them.</summary>
    public static readonly CheckoutStep[] All =
    [
        new(CheckoutCommandKind.CreatePaymentIntent, "POST /v1/payment_intents", IdempotencyStep.Create, IdempotencyStep.Create,
            StepAnswer.NewPaymentIntent, CheckoutPhase.CreatingIntent, StepSuccess.IntentCreated,
            [
                FailureRule.Ambiguous(FailureReaction.RetryUnlessEnding),
                FailureRule.RetryLater(FailureReaction.RetryUnlessEnding),
                FailureRule.Fail(CheckoutFailureReason.IdempotencyConflict, StripeFailureKind.IdempotencyMismatch),
                FailureRule.Otherwise(FailureReaction.Fail, CheckoutFailureReason.PaymentIntentRejected),
            ]),
        new(CheckoutCommandKind.SetReaderDisplay, "POST /v1/terminal/readers/{id}/set_reader_display", IdempotencyStep.Display, IdempotencyStep.Display,
            StepAnswer.OurReader, CheckoutPhase.DisplayingCart, StepSuccess.NextSetupStep, OptionalReaderStepFailures)
        { SetupWhen = static r => r.CartLines is not null, RereadWhenEnding = true },
        new(CheckoutCommandKind.CollectReceiptEmail, "POST /v1/terminal/readers/{id}/collect_inputs", IdempotencyStep.CollectInputs, IdempotencyStep.CollectInputs,
            StepAnswer.OurReader, CheckoutPhase.CollectingInputs, StepSuccess.AwaitInputs,
            [
                // The form may be on the reader (a lost answer, or our own form from a lost request):
                // read the reader, which says whether to wait for it or go on.
                FailureRule.Ambiguous(FailureReaction.AwaitInputs),
                FailureRule.When(FailureReaction.AwaitInputs, StripeFailureKind.ReaderBusy),
                FailureRule.RetryLater(FailureReaction.RetryLater),
                .. OptionalReaderStepFailures,
            ])
        { SetupWhen = static r => r.CollectReceiptEmail && r.ReceiptEmail is null, RereadWhenEnding = true },
        new(CheckoutCommandKind.SaveReceiptEmail, "POST /v1/payment_intents/{id} (receipt_email)", IdempotencyStep.ReceiptEmail, IdempotencyStep.ReceiptEmail,
            StepAnswer.OurPaymentIntent, CheckoutPhase.SavingReceiptEmail, StepSuccess.NextSetupStep,
            [
                FailureRule.Ambiguous(FailureReaction.RetryLater),
                FailureRule.RetryLater(FailureReaction.RetryLater),
                // A receipt address Stripe refuses is no reason to lose the sale.
                FailureRule.Otherwise(FailureReaction.NextSetupStep),
            ])
        { RereadWhenEnding = true },
        new(CheckoutCommandKind.ProcessPaymentIntent, "POST /v1/terminal/readers/{id}/process_payment_intent", IdempotencyStep.Process, IdempotencyStep.Process,
            StepAnswer.OurReader, CheckoutPhase.SendingToReader, StepSuccess.ActionStarted, SendFailures)
        { StartsReaderAction = true, RereadWhenEnding = true },
        new(CheckoutCommandKind.CollectPaymentMethod, "POST /v1/terminal/readers/{id}/collect_payment_method", IdempotencyStep.Collect, IdempotencyStep.Process,
            StepAnswer.OurReader, CheckoutPhase.SendingToReader, StepSuccess.ActionStarted, SendFailures)
        { StartsReaderAction = true, RereadWhenEnding = true },
        new(CheckoutCommandKind.ConfirmPaymentIntent, "POST /v1/terminal/readers/{id}/confirm_payment_intent", IdempotencyStep.Confirm, IdempotencyStep.Process,
            StepAnswer.OurReader, CheckoutPhase.SendingToReader, StepSuccess.ActionStarted, SendFailures)
        { StartsReaderAction = true, RereadWhenEnding = true },
        new(CheckoutCommandKind.CancelReaderAction, "POST /v1/terminal/readers/{id}/cancel_action", IdempotencyStep.CancelAction, IdempotencyStep.CancelAction,
            StepAnswer.OurReader, CheckoutPhase.CancelingReaderAction, StepSuccess.ActionCanceled,
            [
                // Mid-authorisation: the reader cannot stop now; wait for the outcome.
                FailureRule.When(FailureReaction.WaitWhileReaderBusy, StripeFailureKind.ReaderBusy),
                FailureRule.Ambiguous(FailureReaction.VerifyReaderAndIntent),
                FailureRule.RetryLater(FailureReaction.RetryLater),
                // Offline or refused: cancelling the PaymentIntent is what guarantees no charge.
                FailureRule.Otherwise(FailureReaction.CancelIntent),
            ]),
        new(CheckoutCommandKind.CapturePaymentIntent, "POST /v1/payment_intents/{id}/capture", IdempotencyStep.Capture, IdempotencyStep.Capture,
            StepAnswer.OurPaymentIntent, CheckoutPhase.Capturing, StepSuccess.DecideOnIntent,
            [
                FailureRule.Ambiguous(FailureReaction.VerifyIntent),
                FailureRule.When(FailureReaction.VerifyIntent, StripeFailureKind.InvalidState),
                FailureRule.RetryLater(FailureReaction.RetryLater),
                FailureRule.Attention(NeedsAttentionReason.PaymentIntentNotFound, StripeFailureKind.NotFound),
                FailureRule.Otherwise(FailureReaction.NeedsAttention, attention: NeedsAttentionReason.CaptureRejected),
            ])
        { RereadWhenEnding = true },
        new(CheckoutCommandKind.CancelPaymentIntent, "POST /v1/payment_intents/{id}/cancel", IdempotencyStep.Cancel, IdempotencyStep.Cancel,
            StepAnswer.OurPaymentIntent, CheckoutPhase.CancelingIntent, StepSuccess.DecideOnIntent,
            [
                FailureRule.Ambiguous(FailureReaction.VerifyReaderAndIntent),
                FailureRule.When(FailureReaction.VerifyReaderAndIntent, StripeFailureKind.InvalidState),
                FailureRule.RetryLater(FailureReaction.RetryLater),
                FailureRule.Attention(NeedsAttentionReason.PaymentIntentNotFound, StripeFailureKind.NotFound),
                FailureRule.Otherwise(FailureReaction.NeedsAttention, attention: NeedsAttentionReason.CancellationRejected),
            ])
        { Abandons = true },
        new(CheckoutCommandKind.RefundPayment, "POST /v1/refunds", IdempotencyStep.Refund, IdempotencyStep.Refund,
            StepAnswer.Refund, CheckoutPhase.RefundingForCancel, StepSuccess.Refunded,
            [
                FailureRule.Ambiguous(FailureReaction.VerifyIntent),
                FailureRule.RetryLater(FailureReaction.RetryLater),
                FailureRule.Otherwise(FailureReaction.NeedsAttention, attention: NeedsAttentionReason.RefundRejected),
            ]),
    ];

    private static readonly CheckoutStep?[] ByCommand = Index();

    /// <summary>The setup step after <paramref name="after"/> that the request asks for, or <see langword="null"/> when the reader is next.</summary>
    /// <param name="after">The step just done (<see cref="CheckoutCommandKind.CreatePaymentIntent"/> after creating).</param>
    /// <param name="request">The checkout's request.</param>
    public static CheckoutStep? NextSetupStep(CheckoutCommandKind after, CheckoutRequest request)
    {
        var passed = false;
        foreach (var step in All)
        {
            if (passed && step.SetupWhen is { } when && when(request))
            {
                return step;
            }

            passed |= step.Command == after;
        }

        return null;
    }

    /// <summary>The row of a call, or <see langword="null"/> for a command that changes nothing (a read, a wake-up, a report).</summary>
    public static CheckoutStep? Of(CheckoutCommandKind kind) => (int)kind < ByCommand.Length ? ByCommand[(int)kind] : null;

    /// <summary>Whether a step numbers its own keys (the reader payment steps number theirs in <c>process</c>'s sequence).</summary>
    public static bool HasOwnSequence(IdempotencyStep step)
    {
        foreach (var row in All)
        {
            if (row.KeySequence == step)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The row of a call the machine makes.</summary>
    public static CheckoutStep Row(CheckoutCommandKind kind) =>
        Of(kind) ?? throw new ArgumentOutOfRangeException(nameof(kind), kind, "Not a checkout step.");

    private static CheckoutStep?[] Index()
    {
        var max = 0;
        foreach (var step in All)
        {
            max = Math.Max(max, (int)step.Command);
        }

        var index = new CheckoutStep?[max + 1];
        foreach (var step in All)
        {
            index[(int)step.Command] = step;
        }

        return index;
    }
}

/// <summary>One Stripe call of the checkout.</summary>
/// <param name="Command">The command that makes it.</param>
/// <param name="StripeCall">The endpoint, for the README and diagnostics.</param>
/// <param name="Key">The step name in its idempotency key (<c>stk:order-1:process:2</c>).</param>
/// <param name="KeySequence">The step whose sequence numbers the key: the reader payment steps share one.</param>
/// <param name="Answer">The answer that fits the call; anything else is treated as lost.</param>
/// <param name="Phase">The phase while the call is in flight (kept once the checkout is complete).</param>
/// <param name="OnSuccess">What the machine does with a fitting answer.</param>
/// <param name="OnFailure">What the machine does with a failure: the first matching rule wins.</param>
internal sealed record CheckoutStep(
    CheckoutCommandKind Command,
    string StripeCall,
    IdempotencyStep Key,
    IdempotencyStep KeySequence,
    StepAnswer Answer,
    CheckoutPhase Phase,
    StepSuccess OnSuccess,
    FailureRule[] OnFailure)
{
    /// <summary>
    /// For a step between creating the PaymentIntent and handing it to the reader: whether a request
    /// asks for it. Setup steps run in the order of <see cref="CheckoutSteps.All"/>.
    /// </summary>
    public Func<CheckoutRequest, bool>? SetupWhen { get; init; }

    /// <summary>Hands the payment to the reader: from the send on, our action may be running.</summary>
    public bool StartsReaderAction { get; init; }

    /// <summary>Gives the PaymentIntent up: it is never captured afterwards, only voided or refunded.</summary>
    public bool Abandons { get; init; }

    /// <summary>Never repeated blindly once the checkout is ending: the machine re-reads and decides instead.</summary>
    public bool RereadWhenEnding { get; init; }

    /// <summary>The first failure rule that matches.</summary>
    public FailureRule RuleFor(in StripeFailure failure)
    {
        foreach (var rule in OnFailure)
        {
            if (rule.Matches(in failure))
            {
                return rule;
            }
        }

        throw new InvalidOperationException($"The step {Command} has no rule for the failure {failure.Kind}.");
    }
}

/// <summary>Which answer fits a call.</summary>
internal enum StepAnswer : byte
{
    /// <summary>A PaymentIntent with an id.</summary>
    NewPaymentIntent,

    /// <summary>The checkout's PaymentIntent.</summary>
    OurPaymentIntent,

    /// <summary>The checkout's reader.</summary>
    OurReader,

    /// <summary>A refund.</summary>
    Refund,
}

/// <summary>What follows a call's success.</summary>
internal enum StepSuccess : byte
{
    /// <summary>Keep the PaymentIntent's id; then the next setup step, or the reader (a cancel if ending).</summary>
    IntentCreated,

    /// <summary>The next setup step, or the reader (a cancel if ending).</summary>
    NextSetupStep,

    /// <summary>The reader took the payment: wait for the customer.</summary>
    ActionStarted,

    /// <summary>The reader shows a form: wait for the customer to fill it in or skip it.</summary>
    AwaitInputs,

    /// <summary>
    /// The reader's action was cancelled: an explicit cancel cancels the PaymentIntent; a deadline or
    /// failure reads it first, since an approval may have landed just before (kept if so).
    /// </summary>
    ActionCanceled,

    /// <summary>The answer is a fresh PaymentIntent: decide from it.</summary>
    DecideOnIntent,

    /// <summary>A refund for a cancellation: done, or needs attention if Stripe refused it.</summary>
    Refunded,
}

/// <summary>What the machine does after a failed call.</summary>
internal enum FailureReaction : byte
{
    /// <summary>Read the reader and the PaymentIntent before sending again.</summary>
    VerifySend,

    /// <summary>Repeat the call after a backoff (under the same key unless Stripe stored the failure).</summary>
    RetryLater,

    /// <summary>As <see cref="RetryLater"/>; if the checkout is ending, close it (nothing exists to cancel).</summary>
    RetryUnlessEnding,

    /// <summary>Go on without this optional step.</summary>
    NextSetupStep,

    /// <summary>Wait for the reader's form, reading the reader at once.</summary>
    AwaitInputs,

    /// <summary>The reader is mid-authorisation: poll until its outcome or the busy grace ends.</summary>
    WaitWhileReaderBusy,

    /// <summary>Re-read the reader and the PaymentIntent, then decide.</summary>
    VerifyReaderAndIntent,

    /// <summary>Re-read the PaymentIntent, then decide.</summary>
    VerifyIntent,

    /// <summary>Cancel the PaymentIntent.</summary>
    CancelIntent,

    /// <summary>End the checkout with a typed failure (<see cref="FailureRule.FailReason"/>).</summary>
    Fail,

    /// <summary>Complete as needing attention (<see cref="FailureRule.AttentionReason"/>).</summary>
    NeedsAttention,
}

/// <summary>Which failures a rule matches.</summary>
internal enum FailureMatch : byte
{
    /// <summary>The failure kinds in <see cref="FailureRule.Kinds"/>.</summary>
    Kinds,

    /// <summary>The request may have been applied (<see cref="StripeFailure.IsAmbiguous"/>).</summary>
    Ambiguous,

    /// <summary>Not applied; try later (<see cref="StripeFailure.IsRetryLater"/>).</summary>
    RetryLater,

    /// <summary>Any failure.</summary>
    Any,
}

/// <summary>One row of a step's failure policy.</summary>
internal readonly record struct FailureRule(
    FailureMatch Match,
    uint Kinds,
    FailureReaction Reaction,
    CheckoutFailureReason FailReason = default,
    NeedsAttentionReason AttentionReason = default)
{
    public static FailureRule When(FailureReaction reaction, params ReadOnlySpan<StripeFailureKind> kinds) =>
        new(FailureMatch.Kinds, Mask(kinds), reaction);

    public static FailureRule Fail(CheckoutFailureReason reason, params ReadOnlySpan<StripeFailureKind> kinds) =>
        new(FailureMatch.Kinds, Mask(kinds), FailureReaction.Fail, reason);

    public static FailureRule Attention(NeedsAttentionReason reason, params ReadOnlySpan<StripeFailureKind> kinds) =>
        new(FailureMatch.Kinds, Mask(kinds), FailureReaction.NeedsAttention, AttentionReason: reason);

    public static FailureRule Ambiguous(FailureReaction reaction) => new(FailureMatch.Ambiguous, 0, reaction);

    public static FailureRule RetryLater(FailureReaction reaction) => new(FailureMatch.RetryLater, 0, reaction);

    public static FailureRule Otherwise(FailureReaction reaction, CheckoutFailureReason fail = default, NeedsAttentionReason attention = default) =>
        new(FailureMatch.Any, 0, reaction, fail, attention);

    public bool Matches(in StripeFailure failure) => Match switch
    {
        FailureMatch.Ambiguous => failure.IsAmbiguous,
        FailureMatch.RetryLater => failure.IsRetryLater,
        FailureMatch.Any => true,
        _ => (Kinds & (1u << (int)failure.Kind)) != 0,
    };

    private static uint Mask(ReadOnlySpan<StripeFailureKind> kinds)
    {
        var mask = 0u;
        foreach (var kind in kinds)
        {
            mask |= 1u << (int)kind;
        }

        return mask;
    }
}
