using System.Text.Json;
using StripeTerminalKit.Emulator.Http;

namespace StripeTerminalKit.Emulator.Resources;

internal sealed class Refund : Resource
{
    public required string ChargeId { get; init; }
    public required string PaymentIntentId { get; init; }
    public required long Amount { get; init; }
    public required string Currency { get; init; }
    public string Status { get; set; } = "succeeded";
    public string? Reason { get; init; }
    public string? FailureReason { get; set; }
    public Dictionary<string, string> Metadata { get; set; } = new(StringComparer.Ordinal);

    /// <summary>True when made on the reader with <c>refund_payment</c>.</summary>
    public bool InPerson { get; init; }

    public override void Write(Utf8JsonWriter w, EmulatorState state, ExpandSet expand)
    {
        w.WriteStartObject();
        w.WriteString("id", Id);
        w.WriteString("object", "refund");
        w.WriteNumber("amount", Amount);
        w.WriteNull("balance_transaction");
        if (expand.Has("charge") && state.Charges.TryGetValue(ChargeId, out var charge))
        {
            w.WritePropertyName("charge");
            charge.Write(w, state, ExpandSet.None);
        }
        else
        {
            w.WriteString("charge", ChargeId);
        }

        w.WriteNumber("created", Created);
        w.WriteString("currency", Currency);
        // description and failure_reason are optional, not nullable: absent unless they apply.
        if (FailureReason is not null)
        {
            w.WriteString("failure_reason", FailureReason);
        }

        w.Map("metadata", Metadata);
        if (expand.Has("payment_intent") && state.PaymentIntents.TryGetValue(PaymentIntentId, out var pi))
        {
            w.WritePropertyName("payment_intent");
            pi.Write(w, state, ExpandSet.None);
        }
        else
        {
            w.WriteString("payment_intent", PaymentIntentId);
        }

        w.Str("reason", Reason);
        w.WriteNull("receipt_number");
        w.WriteNull("source_transfer_reversal");
        w.WriteString("status", Status);
        w.WriteNull("transfer_reversal");
        w.WriteEndObject();
    }
}

internal sealed class SetupIntent : Resource
{
    public required IReadOnlyList<string> PaymentMethodTypes { get; init; }

    /// <summary>The caller's <c>allowed_payment_method_types</c> (endive), rendered back when given.</summary>
    public IReadOnlyList<string>? AllowedPaymentMethodTypes { get; init; }
    public string Status { get; set; } = "requires_payment_method";
    public string Usage { get; init; } = "off_session";
    public string? Customer { get; init; }
    public string? Description { get; init; }
    public Dictionary<string, string> Metadata { get; init; } = new(StringComparer.Ordinal);
    public string? PaymentMethodId { get; set; }
    public ApiErrorException? LastSetupError { get; set; }
    public string? CancellationReason { get; set; }
    public required string ClientSecret { get; init; }

    public override void Write(Utf8JsonWriter w, EmulatorState state, ExpandSet expand)
    {
        w.WriteStartObject();
        w.WriteString("id", Id);
        w.WriteString("object", "setup_intent");
        if (AllowedPaymentMethodTypes is not null)
        {
            w.WriteStartArray("allowed_payment_method_types");
            foreach (var t in AllowedPaymentMethodTypes)
            {
                w.WriteStringValue(t);
            }

            w.WriteEndArray();
        }

        w.WriteNull("application");
        w.Str("cancellation_reason", CancellationReason);
        w.WriteString("client_secret", ClientSecret);
        w.WriteNumber("created", Created);
        w.Str("customer", Customer);
        w.Str("description", Description);
        if (LastSetupError is null)
        {
            w.WriteNull("last_setup_error");
        }
        else
        {
            w.WritePropertyName("last_setup_error");
            ErrorWriter.WriteErrorObject(w, LastSetupError, state, includePaymentIntent: false);
        }

        w.WriteNull("latest_attempt");
        w.WriteBoolean("livemode", false);
        w.WriteNull("mandate");
        w.Map("metadata", Metadata);
        w.WriteNull("next_action");
        w.WriteNull("on_behalf_of");
        w.Str("payment_method", PaymentMethodId);
        w.WriteStartArray("payment_method_types");
        foreach (var t in PaymentMethodTypes)
        {
            w.WriteStringValue(t);
        }

        w.WriteEndArray();
        w.WriteNull("single_use_mandate");
        w.WriteString("status", Status);
        w.WriteString("usage", Usage);
        w.WriteEndObject();
    }
}
