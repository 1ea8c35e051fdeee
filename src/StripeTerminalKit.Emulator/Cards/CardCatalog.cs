using System.Text.Json;
using StripeTerminalKit.Emulator.Http;

namespace StripeTerminalKit.Emulator.Cards;

/// <summary>What the emulator knows about a presented card.</summary>
internal sealed record CardInfo(
    string Number,
    string Brand,
    string Funding,
    string Country,
    string InternationalNetwork,
    bool HasEftpos = false,
    bool EftposOnly = false,
    string? DeclineCode = null,
    string? ErrorCode = null,
    string Cvm = "none",
    bool RefundFails = false,
    bool Interac = false)
{
    public string Last4 => Number[^4..];
}

/// <summary>The card as read for one payment: the network it was routed to and how it was read.</summary>
internal sealed record CardDetails(CardInfo Info, string Network, string PaymentMethodType, int ExpYear)
{
    public void WritePaymentMethod(Utf8JsonWriter w)
    {
        w.WriteStartObject();
        w.WriteString("brand", Info.Brand);
        w.WriteNull("cardholder_name");
        w.WriteString("country", Info.Country);
        w.WriteNumber("exp_month", 12);
        w.WriteNumber("exp_year", ExpYear);
        w.WriteString("fingerprint", "fp_" + Info.Number[^8..]);
        w.WriteString("funding", Info.Funding);
        w.WriteString("last4", Info.Last4);
        w.WriteStartObject("networks");
        w.WriteStartArray("available");
        w.WriteStringValue(Info.InternationalNetwork);
        if (Info.HasEftpos && !Info.EftposOnly)
        {
            w.WriteStringValue("eftpos_au");
        }

        w.WriteEndArray();
        w.WriteString("preferred", Network);
        w.WriteEndObject();
        w.WriteString("read_method", "contactless_emv");
        w.WriteEndObject();
    }

    public void WriteChargeDetails(Utf8JsonWriter w, long amount, DateTimeOffset? captureBefore, bool incremental)
    {
        // Authorisation fields exist on card_present only: Interac payments capture at once.
        var cardPresent = PaymentMethodType == "card_present";
        w.WriteStartObject();
        if (cardPresent)
        {
            w.WriteNumber("amount_authorized", amount);
        }

        w.WriteString("brand", Info.Brand);
        if (cardPresent && captureBefore is not null)
        {
            // Stripe leaves capture_before out once there is nothing to capture; a null breaks Stripe.net's date parsing.
            w.WriteNumber("capture_before", captureBefore.Value.ToUnixTimeSeconds());
        }
        w.WriteNull("cardholder_name");
        w.WriteString("country", Info.Country);
        w.WriteNull("emv_auth_data");
        w.WriteNumber("exp_month", 12);
        w.WriteNumber("exp_year", ExpYear);
        w.WriteString("fingerprint", "fp_" + Info.Number[^8..]);
        w.WriteString("funding", Info.Funding);
        w.WriteNull("generated_card");
        if (cardPresent)
        {
            w.WriteBoolean("incremental_authorization_supported", incremental);
        }

        w.WriteString("last4", Info.Last4);
        w.WriteString("network", Network);
        if (cardPresent)
        {
            w.WriteBoolean("overcapture_supported", false);
        }

        w.WriteString("read_method", "contactless_emv");
        w.WriteStartObject("receipt");
        w.WriteString("account_type", Info.Funding == "credit" ? "credit" : "checking");
        w.WriteString("application_preferred_name", Info.Brand.ToUpperInvariant());
        w.WriteString("authorization_response_code", "3030");
        w.WriteString("cardholder_verification_method", Info.Cvm);
        w.WriteString("dedicated_file_name", "A0000000031010");
        w.WriteEndObject();
        w.WriteEndObject();
    }
}

internal static class CardCatalog
{
    private static readonly Dictionary<string, CardInfo> Known = Build();

    private static Dictionary<string, CardInfo> Build()
    {
        CardInfo[] cards =
        [
            new(TestCards.Visa, "visa", "credit", "US", "visa"),
            new(TestCards.VisaDebit, "visa", "debit", "US", "visa"),
            new(TestCards.Mastercard, "mastercard", "credit", "US", "mastercard"),
            new(TestCards.MastercardDebit, "mastercard", "debit", "US", "mastercard"),
            new(TestCards.MastercardPrepaid, "mastercard", "prepaid", "US", "mastercard"),
            new(TestCards.Amex, "amex", "credit", "US", "amex"),
            new("371449635398431", "amex", "credit", "US", "amex"),
            new(TestCards.Discover, "discover", "credit", "US", "discover"),
            new("6011000990139424", "discover", "credit", "US", "discover"),
            new(TestCards.Diners, "diners", "credit", "US", "diners"),
            new("36227206271667", "diners", "credit", "US", "diners"),
            new(TestCards.Jcb, "jcb", "credit", "JP", "jcb"),
            new(TestCards.UnionPay, "unionpay", "credit", "CN", "unionpay"),
            new(TestCards.Interac, "interac", "debit", "CA", "interac", Interac: true),
            new(TestCards.EftposAuDebit, "eftpos_au", "debit", "AU", "eftpos_au", HasEftpos: true, EftposOnly: true, Cvm: "online_pin"),
            new(TestCards.EftposAuVisaDebit, "visa", "debit", "AU", "visa", HasEftpos: true),
            new(TestCards.EftposAuMastercardDebit, "mastercard", "debit", "AU", "mastercard", HasEftpos: true),
            new("4000002500001001", "visa", "debit", "FR", "visa"),
            new("5555552500001001", "mastercard", "debit", "FR", "mastercard"),
            new("4711009900000316877", "visa", "debit", "DE", "visa"),
            new(TestCards.OfflinePin, "visa", "credit", "US", "visa", Cvm: "offline_pin"),
            new("4000008260000075", "visa", "credit", "US", "visa", Cvm: "offline_pin"),
            new(TestCards.OnlinePin, "visa", "credit", "US", "visa", Cvm: "online_pin"),
            new("4000002760000008", "visa", "credit", "US", "visa", Cvm: "online_pin"),
            new(TestCards.Declined, "visa", "credit", "US", "visa", DeclineCode: "generic_decline", ErrorCode: "card_declined"),
            new(TestCards.InsufficientFunds, "visa", "credit", "US", "visa", DeclineCode: "insufficient_funds", ErrorCode: "card_declined"),
            new(TestCards.LostCard, "visa", "credit", "US", "visa", DeclineCode: "lost_card", ErrorCode: "card_declined"),
            new(TestCards.StolenCard, "visa", "credit", "US", "visa", DeclineCode: "stolen_card", ErrorCode: "card_declined"),
            new(TestCards.ExpiredCard, "visa", "credit", "US", "visa", DeclineCode: "expired_card", ErrorCode: "expired_card"),
            new(TestCards.ProcessingError, "visa", "credit", "US", "visa", DeclineCode: "processing_error", ErrorCode: "processing_error"),
            new(TestCards.RefundFails, "visa", "credit", "US", "visa", RefundFails: true),
        ];
        return cards.ToDictionary(c => c.Number, StringComparer.Ordinal);
    }

    public static bool TryGet(string number, out CardInfo info) => Known.TryGetValue(number, out info!);

    /// <summary>
    /// Decline codes of the documented test amounts (last two digits, tip included; docs:
    /// terminal/references/testing, facts corrections table row "Test amounts"). <c>…60</c> declines
    /// <c>online_or_offline_pin_required</c>. <c>…02</c>/<c>…03</c> ask for the PIN: a reader with a
    /// customer screen prompts for it (the simulated customer enters 1234) and the payment
    /// completes; only a screenless reader declines them.
    /// </summary>
    public static string? DeclineCodeForAmount(long totalAmount, bool customerScreen = true) => (totalAmount % 100) switch
    {
        1 => "call_issuer",
        2 when !customerScreen => "offline_pin_required",
        3 when !customerScreen => "online_or_offline_pin_required",
        5 => "generic_decline",
        60 => "online_or_offline_pin_required",
        55 => "incorrect_pin",
        65 => "withdrawal_count_limit_exceeded",
        75 => "pin_try_exceeded",
        _ => null,
    };

    public static string MessageFor(string code, string? declineCode) => (code, declineCode) switch
    {
        ("expired_card", _) => "Your card has expired.",
        ("processing_error", _) => "An error occurred while processing your card. Try again in a little bit.",
        (_, "insufficient_funds") => "Your card has insufficient funds.",
        (_, "incorrect_pin") => "The PIN entered is incorrect.",
        (_, "pin_try_exceeded") => "The allowable number of PIN tries has been exceeded.",
        (_, "offline_pin_required" or "online_or_offline_pin_required") => "Your card was declined. A PIN is required.",
        _ => "Your card was declined.",
    };
}
