using System.Text.Json;
using StripeTerminalKit.Emulator.Http;

namespace StripeTerminalKit.Emulator.Resources;

internal sealed class CardPresentOptions
{
    public string? CaptureMethod { get; set; }
    public bool? RequestExtendedAuthorization { get; set; }
    public bool? RequestIncrementalAuthorizationSupport { get; set; }
    public string? RoutingPriority { get; set; }
    public long? CaptureDelayDays { get; set; }
}

internal sealed class PaymentIntent : Resource
{
    public long Amount { get; set; }
    public required string Currency { get; init; }
    public required string CaptureMethod { get; set; }
    public required IReadOnlyList<string> PaymentMethodTypes { get; set; }

    /// <summary>The caller's <c>allowed_payment_method_types</c> (endive), rendered back when given.</summary>
    public IReadOnlyList<string>? AllowedPaymentMethodTypes { get; set; }
    public CardPresentOptions? CardPresent { get; set; }
    public string? Description { get; set; }
    public Dictionary<string, string> Metadata { get; set; } = new(StringComparer.Ordinal);
    public string? ReceiptEmail { get; set; }
    public string? StatementDescriptor { get; set; }
    public string? StatementDescriptorSuffix { get; set; }
    public string? OnBehalfOf { get; set; }
    public long? ApplicationFeeAmount { get; set; }
    public string Status { get; set; } = "requires_payment_method";
    public long AmountCapturable { get; set; }
    public long AmountReceived { get; set; }
    public long? TipAmount { get; set; }
    public string? LatestChargeId { get; set; }
    public string? PaymentMethodId { get; set; }
    public ApiErrorException? LastPaymentError { get; set; }
    public long? CanceledAt { get; set; }
    public string? CancellationReason { get; set; }
    public DateTimeOffset? CaptureBefore { get; set; }
    public required string ClientSecret { get; init; }

    /// <summary>The capture method that applies to card_present (the payment method option wins).</summary>
    public string EffectiveCardPresentCapture => CardPresent?.CaptureMethod ?? CaptureMethod;

    public override void Write(Utf8JsonWriter w, EmulatorState state, ExpandSet expand)
    {
        w.WriteStartObject();
        w.WriteString("id", Id);
        w.WriteString("object", "payment_intent");
        if (AllowedPaymentMethodTypes is not null)
        {
            w.WriteStartArray("allowed_payment_method_types");
            foreach (var t in AllowedPaymentMethodTypes)
            {
                w.WriteStringValue(t);
            }

            w.WriteEndArray();
        }

        w.WriteNumber("amount", Amount);
        w.WriteNumber("amount_capturable", AmountCapturable);
        // Never null: Stripe renders {"tip":{}} until a tip is collected.
        w.WriteStartObject("amount_details");
        w.WriteStartObject("tip");
        if (TipAmount is not null)
        {
            w.WriteNumber("amount", TipAmount.Value);
        }

        w.WriteEndObject();
        w.WriteEndObject();

        w.WriteNumber("amount_received", AmountReceived);
        w.WriteNull("application");
        w.Num("application_fee_amount", ApplicationFeeAmount);
        w.WriteNull("automatic_payment_methods");
        w.Num("canceled_at", CanceledAt);
        w.Str("cancellation_reason", CancellationReason);
        w.WriteString("capture_method", CaptureMethod);
        w.WriteString("client_secret", ClientSecret);
        w.WriteString("confirmation_method", "automatic");
        w.WriteNumber("created", Created);
        w.WriteString("currency", Currency);
        w.WriteNull("customer");
        w.Str("description", Description);
        w.WriteNull("invoice");
        if (LastPaymentError is null)
        {
            w.WriteNull("last_payment_error");
        }
        else
        {
            w.WritePropertyName("last_payment_error");
            ErrorWriter.WriteErrorObject(w, LastPaymentError, state, includePaymentIntent: false);
        }

        if (LatestChargeId is not null && expand.Has("latest_charge") && state.Charges.TryGetValue(LatestChargeId, out var charge))
        {
            w.WritePropertyName("latest_charge");
            charge.Write(w, state, expand.Under("latest_charge"));
        }
        else
        {
            w.Str("latest_charge", LatestChargeId);
        }

        w.WriteBoolean("livemode", false);
        w.Map("metadata", Metadata);
        w.WriteNull("next_action");
        w.Str("on_behalf_of", OnBehalfOf);
        if (PaymentMethodId is not null && expand.Has("payment_method") && state.PaymentMethods.TryGetValue(PaymentMethodId, out var pm))
        {
            w.WritePropertyName("payment_method");
            pm.Write(w, state, ExpandSet.None);
        }
        else
        {
            w.Str("payment_method", PaymentMethodId);
        }

        w.WriteStartObject("payment_method_options");
        if (PaymentMethodTypes.Contains("card_present"))
        {
            w.WriteStartObject("card_present");
            if (CardPresent?.CaptureMethod is not null)
            {
                w.WriteString("capture_method", CardPresent.CaptureMethod);
            }

            if (CardPresent?.CaptureDelayDays is not null)
            {
                w.WriteNumber("capture_delay_days", CardPresent.CaptureDelayDays.Value);
            }

            w.Bool("request_extended_authorization", CardPresent?.RequestExtendedAuthorization ?? false);
            w.Bool("request_incremental_authorization_support", CardPresent?.RequestIncrementalAuthorizationSupport ?? false);
            if (CardPresent?.RoutingPriority is not null)
            {
                w.WriteStartObject("routing");
                w.WriteString("requested_priority", CardPresent.RoutingPriority);
                w.WriteEndObject();
            }

            w.WriteEndObject();
        }

        if (PaymentMethodTypes.Contains("interac_present"))
        {
            w.WriteStartObject("interac_present");
            w.WriteEndObject();
        }

        w.WriteEndObject();
        w.WriteStartArray("payment_method_types");
        foreach (var t in PaymentMethodTypes)
        {
            w.WriteStringValue(t);
        }

        w.WriteEndArray();
        w.WriteNull("processing");
        w.Str("receipt_email", ReceiptEmail);
        w.WriteNull("review");
        w.WriteNull("setup_future_usage");
        w.WriteNull("shipping");
        w.Str("statement_descriptor", StatementDescriptor);
        w.Str("statement_descriptor_suffix", StatementDescriptorSuffix);
        w.WriteString("status", Status);
        w.WriteNull("transfer_data");
        w.WriteNull("transfer_group");
        w.WriteEndObject();
    }
}
