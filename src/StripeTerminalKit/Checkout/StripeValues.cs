using StripeTerminalKit.Errors;
using StripeTerminalKit.Payments;
using StripeTerminalKit.Readers;
using StripeTerminalKit.Webhooks;

namespace StripeTerminalKit.Checkout;

/// <summary>
/// Turns a verified webhook into what the machine observes, once, in the driver: its wire values
/// (statuses, action types) read by the payment and reader modules' own parsers into the public
/// enums, as a read would; a failed call arrives already classified (<see cref="Errors.StripeFailure"/>).
/// Unknown values map to <c>Unknown</c> rather than failing: Stripe adds values without notice.
/// </summary>
internal static class StripeValues
{
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
        webhook.ReaderActionType is { } type ? ReaderMapping.ParseType(type) : null,
        ReaderMapping.ParseStatus(webhook.ReaderActionStatus),
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
