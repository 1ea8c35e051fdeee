using System.Text;
using StripeTerminalKit.Errors;

namespace StripeTerminalKit.Checkout;

/// <summary>
/// Renders <see cref="CheckoutSteps.All"/> as the Markdown table in the checkout README, so the
/// documentation of what each call does on success and failure is the code itself (a test compares).
/// </summary>
internal static class CheckoutStepTable
{
    public static string Render()
    {
        var text = new StringBuilder();
        text.AppendLine("| Call | Stripe | Key | Phase in flight | Fitting answer | On success | On failure (first match) |");
        text.AppendLine("|---|---|---|---|---|---|---|");
        foreach (var step in CheckoutSteps.All)
        {
            var call = step.Command.ToString();
            if (step.SetupWhen is not null)
            {
                call += " (optional)";
            }

            text.Append("| ").Append(call)
                .Append(" | `").Append(step.StripeCall)
                .Append("` | `").Append(IdempotencySteps.Name(step.Key)).Append(step.KeySequence != step.Key ? $"` (sequence of `{IdempotencySteps.Name(step.KeySequence)}`)" : "`")
                .Append(" | ").Append(step.Phase)
                .Append(" | ").Append(Answer(step.Answer))
                .Append(" | ").Append(Success(step.OnSuccess))
                .Append(" | ").Append(string.Join("; ", step.OnFailure.Select(Rule)))
                .AppendLine(" |");
        }

        return text.ToString();
    }

    private static string Answer(StepAnswer answer) => answer switch
    {
        StepAnswer.NewPaymentIntent => "a PaymentIntent",
        StepAnswer.OurPaymentIntent => "our PaymentIntent",
        StepAnswer.OurReader => "our reader",
        _ => "a refund",
    };

    private static string Success(StepSuccess success) => success switch
    {
        StepSuccess.IntentCreated => "keep its id; next optional step, else the reader (cancel it if ending)",
        StepSuccess.NextSetupStep => "next optional step, else the reader (cancel if ending)",
        StepSuccess.ActionStarted => "AwaitingReader: our action shown → wait for the customer; anything else → verify",
        StepSuccess.AwaitInputs => "poll the reader until our form is done: an email → SaveReceiptEmail; skipped, failed or gone → next step",
        StepSuccess.ActionCanceled => "explicit cancel → CancelPaymentIntent; deadline or failure → read the PaymentIntent, then Decide (an approval is kept)",
        StepSuccess.DecideOnIntent => "Decide on the PaymentIntent returned",
        _ => "refunded → Closed; failed or canceled → NeedsAttention(RefundRejected)",
    };

    private static string Rule(FailureRule rule)
    {
        var match = rule.Match switch
        {
            FailureMatch.Ambiguous => "lost / 5xx / reader timeout",
            FailureMatch.RetryLater => "409 / 429",
            FailureMatch.Any => "otherwise",
            _ => string.Join(" / ", Enum.GetValues<StripeFailureKind>().Where(k => (rule.Kinds & (1u << (int)k)) != 0).Select(Kind)),
        };
        var reaction = rule.Reaction switch
        {
            FailureReaction.VerifySend => "verify (read reader and PaymentIntent), never resend a delivered command",
            FailureReaction.RetryLater => "after backoff: same call",
            FailureReaction.RetryUnlessEnding => "after backoff: same call (ending → Closed, nothing to cancel)",
            FailureReaction.NextSetupStep => "skip it",
            FailureReaction.AwaitInputs => "read the reader: our form in progress → wait for it; no form of ours after no answer → send it again; else go on",
            FailureReaction.WaitWhileReaderBusy => "poll until its outcome or `CancelBusyGrace`, then CancelPaymentIntent",
            FailureReaction.VerifyReaderAndIntent => "read reader and PaymentIntent, then Decide",
            FailureReaction.VerifyIntent => "read the PaymentIntent, then Decide",
            FailureReaction.CancelIntent => "CancelPaymentIntent",
            FailureReaction.Fail => $"Failed({rule.FailReason})",
            _ => $"NeedsAttention({rule.AttentionReason})",
        };
        return $"{match} → {reaction}";
    }

    private static string Kind(StripeFailureKind kind) => kind switch
    {
        StripeFailureKind.Network => "lost",
        StripeFailureKind.ServerError => "5xx",
        StripeFailureKind.Conflict => "409",
        StripeFailureKind.RateLimited => "429",
        StripeFailureKind.ReaderTimeout => "reader timeout",
        StripeFailureKind.ReaderBusy => "reader busy",
        StripeFailureKind.ReaderOffline => "reader offline",
        StripeFailureKind.ReaderUnavailable => "reader unavailable",
        StripeFailureKind.InvalidState => "invalid state",
        StripeFailureKind.CardDeclined => "card error",
        StripeFailureKind.NotFound => "not found",
        StripeFailureKind.IdempotencyMismatch => "idempotency_error",
        _ => "refused",
    };
}
