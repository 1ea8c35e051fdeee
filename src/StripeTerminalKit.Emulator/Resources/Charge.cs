using System.Text.Json;
using StripeTerminalKit.Emulator.Cards;
using StripeTerminalKit.Emulator.Http;

namespace StripeTerminalKit.Emulator.Resources;

internal sealed class Charge : Resource
{
    public required string PaymentIntentId { get; init; }
    public required string Currency { get; init; }
    public long Amount { get; set; }
    public long AmountCaptured { get; set; }
    public long AmountRefunded { get; set; }
    public bool Captured { get; set; }
    public bool Paid { get; set; }
    public bool Refunded { get; set; }
    public required string Status { get; set; }
    public string? FailureCode { get; set; }
    public string? FailureMessage { get; set; }
    public string? DeclineCode { get; set; }
    public string? PaymentMethodId { get; init; }
    public required CardDetails Card { get; init; }
    public string? Description { get; init; }
    public Dictionary<string, string> Metadata { get; init; } = new(StringComparer.Ordinal);
    public string? ReceiptEmail { get; init; }
    public bool Voided { get; set; }
    public DateTimeOffset? CaptureBefore { get; set; }
    public bool IncrementalAuthorizationSupported { get; init; }
    public string? ReaderId { get; init; }
    public string? LocationId { get; init; }

    /// <summary>Set once the charge is captured: captured charges have a balance transaction (OpenAPI; corrections table, "Search and lists").</summary>
    public string? BalanceTransactionId { get; set; }

    /// <summary>The balance transaction's id once captured: <c>txn_</c> and the charge's own suffix.</summary>
    public string BalanceTransactionIdOrDefault => BalanceTransactionId ?? "txn_" + Id[3..];

    public override void Write(Utf8JsonWriter w, EmulatorState state, ExpandSet expand)
    {
        w.WriteStartObject();
        w.WriteString("id", Id);
        w.WriteString("object", "charge");
        w.WriteNumber("amount", Amount);
        w.WriteNumber("amount_captured", AmountCaptured);
        w.WriteNumber("amount_refunded", AmountRefunded);
        w.WriteNull("application");
        w.WriteNull("application_fee");
        w.WriteNull("application_fee_amount");
        if (Captured && expand.Has("balance_transaction"))
        {
            w.WritePropertyName("balance_transaction");
            new BalanceTransaction(this).Write(w, state, ExpandSet.None);
        }
        else
        {
            w.Str("balance_transaction", Captured ? BalanceTransactionIdOrDefault : null);
        }
        w.WriteStartObject("billing_details");
        w.WriteNull("address");
        w.WriteNull("email");
        w.WriteNull("name");
        w.WriteNull("phone");
        w.WriteEndObject();
        w.WriteString("calculated_statement_descriptor", "STRIPETERMINALKIT");
        w.WriteBoolean("captured", Captured);
        w.WriteNumber("created", Created);
        w.WriteString("currency", Currency);
        w.WriteNull("customer");
        w.Str("description", Description);
        w.WriteBoolean("disputed", false);
        w.WriteNull("failure_balance_transaction");
        w.Str("failure_code", FailureCode);
        w.Str("failure_message", FailureMessage);
        w.WriteStartObject("fraud_details");
        w.WriteEndObject();
        w.WriteNull("invoice");
        w.WriteBoolean("livemode", false);
        w.Map("metadata", Metadata);
        w.WriteNull("on_behalf_of");
        w.WriteStartObject("outcome");
        w.WriteString("network_status", Status == "failed" ? "declined_by_network" : "approved_by_network");
        // A declined charge's outcome.reason carries its decline code (captured responses; facts corrections table, "Declines").
        w.Str("reason", FailureCode is null ? null : DeclineCode ?? FailureCode);
        w.WriteString("risk_level", "normal");
        w.WriteString("seller_message", Status == "failed" ? "The bank did not return any further details with this decline." : "Payment complete.");
        w.WriteString("type", Status == "failed" ? "issuer_declined" : "authorized");
        w.WriteEndObject();
        w.WriteBoolean("paid", Paid);
        w.WriteString("payment_intent", PaymentIntentId);
        w.Str("payment_method", PaymentMethodId);
        w.WriteStartObject("payment_method_details");
        w.WritePropertyName(Card.PaymentMethodType);
        Card.WriteChargeDetails(w, new ChargeContext(Id, Amount, Status != "failed", CaptureBefore, IncrementalAuthorizationSupported, ReaderId, LocationId));
        w.WriteString("type", Card.PaymentMethodType);
        w.WriteEndObject();
        w.Str("receipt_email", ReceiptEmail);
        w.WriteNull("receipt_number");
        w.Str("receipt_url", Status == "succeeded" ? $"https://pay.stripe.com/receipts/emulator/{Id}" : null);
        w.WriteBoolean("refunded", Refunded);
        w.WriteNull("review");
        w.WriteNull("shipping");
        w.WriteNull("source_transfer");
        w.WriteNull("statement_descriptor");
        w.WriteNull("statement_descriptor_suffix");
        w.WriteString("status", Status);
        w.WriteNull("transfer_data");
        w.WriteNull("transfer_group");
        w.WriteEndObject();
    }
}

internal sealed class PaymentMethod : Resource
{
    public required CardDetails Card { get; init; }

    public override void Write(Utf8JsonWriter w, EmulatorState state, ExpandSet expand)
    {
        w.WriteStartObject();
        w.WriteString("id", Id);
        w.WriteString("object", "payment_method");
        w.WriteStartObject("billing_details");
        w.WriteNull("address");
        w.WriteNull("email");
        w.WriteNull("name");
        w.WriteNull("phone");
        w.WriteEndObject();
        w.WritePropertyName(Card.PaymentMethodType);
        Card.WritePaymentMethod(w);
        w.WriteNumber("created", Created);
        w.WriteNull("customer");
        w.WriteBoolean("livemode", false);
        w.WriteStartObject("metadata");
        w.WriteEndObject();
        w.WriteString("type", Card.PaymentMethodType);
        w.WriteEndObject();
    }
}
