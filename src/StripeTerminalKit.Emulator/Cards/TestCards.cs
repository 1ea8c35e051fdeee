namespace StripeTerminalKit.Emulator;

/// <summary>
/// Stripe's simulated test card numbers for card-present payments. Present one with the
/// <c>present_payment_method</c> test helper or <see cref="EmulatorCustomer"/>.
/// </summary>
public static class TestCards
{
    /// <summary>Visa, approved.</summary>
    public const string Visa = "4242424242424242";

    /// <summary>Visa debit, approved.</summary>
    public const string VisaDebit = "4000056655665556";

    /// <summary>Mastercard, approved.</summary>
    public const string Mastercard = "5555555555554444";

    /// <summary>Mastercard debit, approved.</summary>
    public const string MastercardDebit = "5200828282828210";

    /// <summary>Mastercard prepaid, approved.</summary>
    public const string MastercardPrepaid = "5105105105105100";

    /// <summary>American Express, approved.</summary>
    public const string Amex = "378282246310005";

    /// <summary>Discover, approved.</summary>
    public const string Discover = "6011111111111117";

    /// <summary>Diners Club, approved.</summary>
    public const string Diners = "3056930009020004";

    /// <summary>JCB, approved.</summary>
    public const string Jcb = "3566002020360505";

    /// <summary>UnionPay, approved.</summary>
    public const string UnionPay = "6200000000000005";

    /// <summary>Interac (Canada, <c>interac_present</c>), approved.</summary>
    public const string Interac = "4506445006931933";

    /// <summary>eftpos-only Australian debit card: declines when the PaymentIntent uses plain manual capture.</summary>
    public const string EftposAuDebit = "6280000360000978";

    /// <summary>Co-branded eftpos + Visa debit (routed by capture method and routing priority).</summary>
    public const string EftposAuVisaDebit = "4000050360000001";

    /// <summary>Co-branded eftpos + Mastercard debit (routed by capture method and routing priority).</summary>
    public const string EftposAuMastercardDebit = "5555050360000080";

    /// <summary>Visa, approved with offline PIN as the cardholder verification method.</summary>
    public const string OfflinePin = "4001007020000002";

    /// <summary>Visa, approved with online PIN as the cardholder verification method.</summary>
    public const string OnlinePin = "4001000360000005";

    /// <summary>Declined: <c>card_declined</c> / <c>generic_decline</c>.</summary>
    public const string Declined = "4000000000000002";

    /// <summary>Declined: <c>card_declined</c> / <c>insufficient_funds</c>.</summary>
    public const string InsufficientFunds = "4000000000009995";

    /// <summary>Declined: <c>card_declined</c> / <c>lost_card</c>.</summary>
    public const string LostCard = "4000000000009987";

    /// <summary>Declined: <c>card_declined</c> / <c>stolen_card</c>.</summary>
    public const string StolenCard = "4000000000009979";

    /// <summary>Declined: <c>expired_card</c>.</summary>
    public const string ExpiredCard = "4000000000000069";

    /// <summary>Declined: <c>processing_error</c>.</summary>
    public const string ProcessingError = "4000000000000119";

    /// <summary>Approved, but a later refund fails asynchronously (<c>refund.failed</c>).</summary>
    public const string RefundFails = "4000000000005126";
}
