using System.Text.Json;

namespace StripeTerminalKit.Webhooks;

/// <summary>
/// What a checkout needs from a Stripe event, read straight from the verified body without
/// building Stripe.net's object graph: the event, the object it is about and, for readers and
/// PaymentIntents, the fields that decide a payment.
/// </summary>
public sealed record TerminalWebhookEvent
{
    /// <summary>The event id (<c>evt_…</c>); duplicates share it.</summary>
    public required string Id { get; init; }

    /// <summary>The event type, such as <c>terminal.reader.action_succeeded</c>.</summary>
    public required string Type { get; init; }

    /// <summary>When Stripe raised the event.</summary>
    public DateTimeOffset Created { get; init; }

    /// <summary>The connected account the event belongs to, if any.</summary>
    public string? Account { get; init; }

    /// <summary>The <c>object</c> of <c>data.object</c>: <c>terminal.reader</c>, <c>payment_intent</c>, <c>charge</c>, <c>refund</c>…</summary>
    public required string ObjectType { get; init; }

    /// <summary>The id of <c>data.object</c>.</summary>
    public required string ObjectId { get; init; }

    /// <summary>For reader events: the reader's action type (<c>process_payment_intent</c>, …).</summary>
    public string? ReaderActionType { get; init; }

    /// <summary>For reader events: <c>in_progress</c>, <c>succeeded</c> or <c>failed</c>.</summary>
    public string? ReaderActionStatus { get; init; }

    /// <summary>For a failed reader action: its <c>failure_code</c>.</summary>
    public string? ReaderActionFailureCode { get; init; }

    /// <summary>For a failed reader action: its <c>failure_message</c>.</summary>
    public string? ReaderActionFailureMessage { get; init; }

    /// <summary>For a failed reader action: <c>api_error.decline_code</c>, if any.</summary>
    public string? DeclineCode { get; init; }

    /// <summary>The PaymentIntent the event is about: the object itself, or the one in the reader's action.</summary>
    public string? PaymentIntentId { get; init; }

    /// <summary>For PaymentIntent events: its status.</summary>
    public string? PaymentIntentStatus { get; init; }

    /// <summary>For PaymentIntent events: its <c>amount</c> in minor units (a tip chosen on the reader included).</summary>
    public long? Amount { get; init; }

    /// <summary>For PaymentIntent events: its <c>amount_capturable</c>.</summary>
    public long? AmountCapturable { get; init; }

    /// <summary>For PaymentIntent events: its <c>amount_received</c>.</summary>
    public long? AmountReceived { get; init; }

    /// <summary>For PaymentIntent events: the id of its <c>latest_charge</c>.</summary>
    public string? LatestChargeId { get; init; }

    /// <summary>
    /// Whether a checkout acts on this event: it names a PaymentIntent, or it is about a form on a
    /// reader (<c>collect_inputs</c>), which names none, so a checkout finds it by its reader. Where
    /// events are relayed between instances, these are the ones to relay.
    /// </summary>
    public bool ConcernsACheckout => PaymentIntentId is not null || IsReaderForm;

    /// <summary>A reader event about a form (<c>collect_inputs</c>): it names no PaymentIntent.</summary>
    internal bool IsReaderForm => ObjectType == "terminal.reader" && ReaderActionType == "collect_inputs";

    /// <summary>The raw event body, for handlers that need more.</summary>
    public required ReadOnlyMemory<byte> Body { get; init; }

    /// <summary>
    /// Reads a verified body. False, never an exception, for anything that is not a Stripe event:
    /// not JSON, not UTF-8 (RFC 8259 §8.1; Stripe sends UTF-8, so a signed body that is not is
    /// refused whole, even when the bad bytes sit in a field the kit ignores), or a field the kit
    /// reads whose escapes do not make a Unicode string (a lone surrogate such as <c>\ud800</c>).
    /// It does not verify the signature: call it only on a body that was verified (the webhook
    /// processor does), e.g. one kept in an inbox and handed to the instance that owns the checkout.
    /// </summary>
    /// <param name="body">The event's body as Stripe signed it.</param>
    /// <param name="evt">The event, or null.</param>
    /// <returns>Whether the body is a Stripe event.</returns>
    public static bool TryParse(ReadOnlyMemory<byte> body, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out TerminalWebhookEvent? evt)
    {
        evt = null;
        if (!System.Text.Unicode.Utf8.IsValid(body.Span))
        {
            return false;
        }

        try
        {
            using var doc = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 64 });
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !TryString(root, "id", out var id) || !TryString(root, "type", out var type)
                || !root.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Object
                || !data.TryGetProperty("object", out var obj) || obj.ValueKind != JsonValueKind.Object
                || !TryString(obj, "object", out var objectType) || !TryString(obj, "id", out var objectId))
            {
                return false;
            }

            var created = root.TryGetProperty("created", out var c) && c.ValueKind == JsonValueKind.Number && c.TryGetInt64(out var secs)
                ? DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(secs, 0, 253402300799))
                : default;
            TryString(root, "account", out var account);

            string? actionType = null, actionStatus = null, failureCode = null, failureMessage = null, declineCode = null, piId = null, piStatus = null, chargeId = null;
            long? amount = null, capturable = null, received = null;
            if (objectType == "terminal.reader" && obj.TryGetProperty("action", out var action) && action.ValueKind == JsonValueKind.Object)
            {
                TryString(action, "type", out actionType);
                TryString(action, "status", out actionStatus);
                TryString(action, "failure_code", out failureCode);
                TryString(action, "failure_message", out failureMessage);
                if (action.TryGetProperty("api_error", out var apiError) && apiError.ValueKind == JsonValueKind.Object)
                {
                    TryString(apiError, "decline_code", out declineCode);
                }

                if (actionType is not null && action.TryGetProperty(actionType, out var detail) && detail.ValueKind == JsonValueKind.Object
                    && detail.TryGetProperty("payment_intent", out var pi))
                {
                    piId = pi.ValueKind switch
                    {
                        JsonValueKind.String => pi.GetString(),
                        JsonValueKind.Object when TryString(pi, "id", out var nested) => nested,
                        _ => null,
                    };
                }
            }
            else if (objectType == "payment_intent")
            {
                piId = objectId;
                TryString(obj, "status", out piStatus);
                amount = TryLong(obj, "amount");
                capturable = TryLong(obj, "amount_capturable");
                received = TryLong(obj, "amount_received");
                if (obj.TryGetProperty("latest_charge", out var charge))
                {
                    chargeId = charge.ValueKind switch
                    {
                        JsonValueKind.String => charge.GetString(),
                        JsonValueKind.Object when TryString(charge, "id", out var nested) => nested,
                        _ => null,
                    };
                }
            }
            else if (objectType is "charge" or "refund")
            {
                TryString(obj, "payment_intent", out piId);
            }

            evt = new TerminalWebhookEvent
            {
                Id = id!,
                Type = type!,
                Created = created,
                Account = account,
                ObjectType = objectType!,
                ObjectId = objectId!,
                ReaderActionType = actionType,
                ReaderActionStatus = actionStatus,
                ReaderActionFailureCode = failureCode,
                ReaderActionFailureMessage = failureMessage,
                DeclineCode = declineCode,
                PaymentIntentId = piId,
                PaymentIntentStatus = piStatus,
                Amount = amount,
                AmountCapturable = capturable,
                AmountReceived = received,
                LatestChargeId = chargeId,
                Body = body,
            };
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            // JsonElement.GetString on an escaped lone surrogate.
            return false;
        }
    }

    private static long? TryLong(JsonElement e, string name) =>
        e.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.Number && p.TryGetInt64(out var value) ? value : null;

    private static bool TryString(JsonElement e, string name, out string? value)
    {
        value = e.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;
        return value is not null;
    }
}
