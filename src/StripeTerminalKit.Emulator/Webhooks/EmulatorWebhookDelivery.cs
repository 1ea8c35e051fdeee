namespace StripeTerminalKit.Emulator;

/// <summary>
/// One attempt to deliver an event to an in-process subscriber: what an HTTP endpoint would
/// receive as the request body and the <c>Stripe-Signature</c> header.
/// </summary>
/// <remarks>
/// Verify and parse it exactly as a webhook controller does:
/// <code>
/// Stripe.Event stripeEvent = Stripe.EventUtility.ConstructEvent(
///     delivery.Payload, delivery.SignatureHeader, emulator.Webhooks.Secret);
/// </code>
/// (with a <see cref="TimeProvider"/> other than the system one, pass its current Unix time as
/// <c>utcNow</c>). The same event can arrive more than once, on retries or through the duplicate
/// fault: deduplicate on <see cref="EmulatorEvent.Id"/>, as with Stripe.
/// </remarks>
public sealed record EmulatorWebhookDelivery
{
    internal EmulatorWebhookDelivery(
        string subscriptionId, EmulatorEvent @event, string signatureHeader, int attempt, DateTimeOffset signedAt)
    {
        SubscriptionId = subscriptionId;
        Event = @event;
        SignatureHeader = signatureHeader;
        Attempt = attempt;
        SignedAt = signedAt;
    }

    /// <summary>The id (<c>we_…</c>) of the subscription this delivery is for.</summary>
    public string SubscriptionId { get; }

    /// <summary>The event being delivered.</summary>
    public EmulatorEvent Event { get; }

    /// <summary>The exact body that was signed: pass it unchanged to signature verification.</summary>
    public string Payload => Event.Json;

    /// <summary>
    /// The <c>Stripe-Signature</c> header: <c>t=&lt;unix seconds&gt;,v1=&lt;hex HMAC-SHA256&gt;</c>, with a
    /// second <c>v1</c> while a rolled secret is still active, then the fake <c>v0</c> that Stripe
    /// adds to test-mode events (made with a key that is not the secret: a receiver ignores it).
    /// </summary>
    public string SignatureHeader { get; }

    /// <summary>The attempt number: 1 for the first attempt, 2 for the first retry, and so on.</summary>
    public int Attempt { get; }

    /// <summary>When this attempt was signed (the header's <c>t</c>), on the emulator's clock, to the second.</summary>
    public DateTimeOffset SignedAt { get; }

    /// <summary>A short description without the payload.</summary>
    /// <returns>The event id and type, the subscription and the attempt.</returns>
    public override string ToString() => $"{Event.Type} {Event.Id} → {SubscriptionId} (attempt {Attempt})";
}
