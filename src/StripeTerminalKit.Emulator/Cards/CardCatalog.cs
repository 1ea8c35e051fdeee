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

/// <summary>What a charge's card details show besides the card: the charge, its outcome and where it was taken.</summary>
internal sealed record ChargeContext(string ChargeId, long Amount, bool Approved, DateTimeOffset? CaptureBefore, bool Incremental, string? ReaderId, string? LocationId);

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

    /// <summary>
    /// <c>payment_method_details.card_present</c> (or <c>interac_present</c>) of a charge, in the
    /// endive shape (facts corrections table, "card_present on the charge"): <c>reader</c> and
    /// <c>location</c> (changelog clover 2026-02-25); <c>brand_product</c>,
    /// <c>network_transaction_id</c>, <c>offline</c>, <c>preferred_locales</c> always present; a full
    /// <c>receipt</c> (changelog acacia 2024-09-30) with the card's own AID, <c>prepaid</c> account
    /// type for prepaid cards. Cryptogram, TVR, TSI and codes are deterministic per charge (the
    /// emulator's choice of values; Stripe documents only their presence).
    /// </summary>
    public void WriteChargeDetails(Utf8JsonWriter w, ChargeContext charge)
    {
        // Authorisation fields exist on card_present only: Interac payments capture at once.
        var cardPresent = PaymentMethodType == "card_present";
        w.WriteStartObject();
        if (cardPresent)
        {
            w.WriteNumber("amount_authorized", charge.Amount);
        }

        w.WriteString("brand", Info.Brand);
        if (cardPresent)
        {
            w.WriteNull("brand_product");
        }

        if (cardPresent && charge.CaptureBefore is not null)
        {
            // Stripe leaves capture_before out once there is nothing to capture; a null breaks Stripe.net's date parsing.
            w.WriteNumber("capture_before", charge.CaptureBefore.Value.ToUnixTimeSeconds());
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
            w.WriteBoolean("incremental_authorization_supported", charge.Incremental);
        }

        w.WriteString("last4", Info.Last4);
        if (cardPresent)
        {
            w.Str("location", charge.LocationId);
        }

        w.WriteString("network", Network);
        if (cardPresent)
        {
            w.Str("network_transaction_id", charge.Approved ? "ntx" + Hex(charge.ChargeId, 12) : null);
            w.WriteNull("offline");
            w.WriteBoolean("overcapture_supported", false);
        }

        w.WriteStartArray("preferred_locales");
        w.WriteStringValue(Info.Country == "CA" ? "en-CA" : "en");
        w.WriteEndArray();
        w.WriteString("read_method", "contactless_emv");
        if (cardPresent)
        {
            w.Str("reader", charge.ReaderId);
        }

        w.WriteStartObject("receipt");
        w.WriteString("account_type", AccountType(cardPresent));
        w.WriteString("application_cryptogram", Hex(charge.ChargeId + "/ac", 16));
        w.WriteString("application_preferred_name", PreferredName());
        w.Str("authorization_code", charge.Approved ? AuthorizationCode(charge.ChargeId) : null);
        w.WriteString("authorization_response_code", charge.Approved ? "3030" : "3035");
        w.WriteString("cardholder_verification_method", Info.Cvm);
        w.WriteString("dedicated_file_name", Aid());
        w.WriteString("terminal_verification_results", charge.Approved ? "0000008000" : "0000048000");
        w.WriteString("transaction_status_information", "6800");
        w.WriteEndObject();
        w.WriteEndObject();
    }

    /// <summary>card_present receipts say credit / prepaid / checking; Interac's enum has checking and savings only.</summary>
    private string AccountType(bool cardPresent) => Info.Funding switch
    {
        "credit" when cardPresent => "credit",
        "prepaid" when cardPresent => "prepaid",
        _ => "checking",
    };

    private string PreferredName() => (Network, Info.Funding) switch
    {
        ("eftpos_au", _) => "EFTPOS SAV",
        ("interac", _) => "Interac",
        ("visa", "debit") => "Visa Debit",
        ("visa", _) => "Visa Credit",
        ("mastercard", "debit") => "Debit Mastercard",
        ("mastercard", "prepaid") => "Prepaid Mastercard",
        ("mastercard", _) => "Mastercard",
        ("amex", _) => "American Express",
        _ => Info.Brand.ToUpperInvariant(),
    };

    /// <summary>The application id (AID) of the network the card was read for (EMVCo registered RIDs).</summary>
    public string Aid() => Network switch
    {
        "visa" => "A0000000031010",
        "mastercard" => "A0000000041010",
        "eftpos_au" => "A000000384101001",
        "interac" => "A0000002771010",
        "amex" => "A00000002501",
        "discover" or "diners" => "A0000001523010",
        "jcb" => "A0000000651010",
        "unionpay" => "A000000333010101",
        _ => "A0000000031010",
    };

    private static string AuthorizationCode(string seed) =>
        (StableHash(seed + "/auth") % 1_000_000).ToString("D6", System.Globalization.CultureInfo.InvariantCulture);

    private static string Hex(string seed, int length)
    {
        var sb = new System.Text.StringBuilder(length);
        var i = 0;
        while (sb.Length < length)
        {
            sb.Append(StableHash(seed + "/" + i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToString("X16", System.Globalization.CultureInfo.InvariantCulture));
            i++;
        }

        return sb.ToString(0, length);
    }

    /// <summary>FNV-1a: the same charge id always gives the same receipt values, across processes.</summary>
    private static ulong StableHash(string text)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in text)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        return hash;
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
