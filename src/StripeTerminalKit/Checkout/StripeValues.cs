using StripeTerminalKit.Errors;
using StripeTerminalKit.Payments;
using StripeTerminalKit.Webhooks;

namespace StripeTerminalKit.Checkout;

/// <summary>
/// Turns Stripe's wire values (statuses, action types) into the machine's small enums, once, in
/// the driver; a failed call arrives already classified (<see cref="Errors.StripeFailure"/>).
/// Unknown values map to a safe default rather than failing: Stripe adds values without notice.
/// </summary>
internal static class StripeValues
{
    public static ReaderActionType ReaderActionType(string? type) => type switch
    {
        null => Checkout.ReaderActionType.None,
        "process_payment_intent" => Checkout.ReaderActionType.ProcessPaymentIntent,
        "collect_payment_method" => Checkout.ReaderActionType.CollectPaymentMethod,
        "confirm_payment_intent" => Checkout.ReaderActionType.ConfirmPaymentIntent,
        "set_reader_display" => Checkout.ReaderActionType.SetReaderDisplay,
        "collect_inputs" => Checkout.ReaderActionType.CollectInputs,
        _ => Checkout.ReaderActionType.Other,
    };

    public static ReaderActionStatus ReaderActionStatus(string? status) => status switch
    {
        "in_progress" => Checkout.ReaderActionStatus.InProgress,
        "succeeded" => Checkout.ReaderActionStatus.Succeeded,
        "failed" => Checkout.ReaderActionStatus.Failed,
        _ => Checkout.ReaderActionStatus.None,
    };

    /// <summary>
    /// What a verified webhook tells a checkout: the reader or the PaymentIntent as the event carries
    /// it, a fresh observation the machine may act on where nothing is in doubt. A PaymentIntent
    /// event without its amounts is only a hint.
    /// </summary>
    /// <param name="webhook">The verified event.</param>
    /// <param name="requestAmount">The checkout's amount: anything above it is the tip chosen on the reader.</param>
    /// <param name="now">The driver's clock.</param>
    public static CheckoutEvent? Observation(TerminalWebhookEvent webhook, long requestAmount, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(webhook);
        if (webhook.ObjectType == "terminal.reader")
        {
            return CheckoutEvent.ReaderObserved(now, ReaderOf(webhook));
        }

        if (webhook.ObjectType == "payment_intent" && webhook.Amount is { } amount && webhook.AmountCapturable is { } capturable)
        {
            return CheckoutEvent.IntentObserved(now, new PaymentIntentObservation(
                webhook.ObjectId,
                PaymentMapping.ParseStatus(webhook.PaymentIntentStatus),
                amount,
                capturable,
                webhook.AmountReceived ?? 0,
                Math.Max(0, amount - requestAmount),
                ChargeId: webhook.LatestChargeId));
        }

        return Hint(webhook, now);
    }

    private static ReaderObservation ReaderOf(TerminalWebhookEvent webhook) => new(
        webhook.ObjectId,
        ReaderActionType(webhook.ReaderActionType),
        ReaderActionStatus(webhook.ReaderActionStatus),
        webhook.PaymentIntentId,
        webhook.ReaderActionFailureCode,
        webhook.DeclineCode);

    /// <summary>The hint a verified webhook gives a checkout, if it is about a reader or a PaymentIntent.</summary>
    public static CheckoutEvent? Hint(TerminalWebhookEvent webhook, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(webhook);
        return webhook.ObjectType switch
        {
            "terminal.reader" => CheckoutEvent.ReaderHint(now, ReaderOf(webhook)),
            "payment_intent" => CheckoutEvent.IntentHint(now, new PaymentIntentObservation(
                webhook.ObjectId, PaymentMapping.ParseStatus(webhook.PaymentIntentStatus), 0)),
            _ => null,
        };
    }
}
