namespace StripeTerminalKit.Payments;

/// <summary>
/// What a receipt for an EMV (chip or contactless) payment must show, read from the charge's
/// <c>payment_method_details.card_present.receipt</c> (or <c>interac_present.receipt</c>).
/// Card networks require a custom receipt to print the application name, the AID, the
/// authorisation response code, the account type, the cardholder verification method and the
/// authorisation code (docs: terminal/features/receipts); Stripe's own email receipt
/// (<c>receipt_email</c>) is the alternative that needs none of this.
/// </summary>
/// <remarks>Every field is as Stripe sends it and may be absent (a card read by swipe has no EMV data).</remarks>
public sealed record CardReceipt
{
    /// <summary>The card application's preferred name (<c>application_preferred_name</c>), e.g. <c>Visa Credit</c>. Print it.</summary>
    public string? ApplicationName { get; init; }

    /// <summary>The application identifier, AID (<c>dedicated_file_name</c>), e.g. <c>A0000000031010</c>. Print it.</summary>
    public string? ApplicationId { get; init; }

    /// <summary>The authorisation response code, ARC (<c>authorization_response_code</c>), e.g. <c>3030</c>. Print it.</summary>
    public string? AuthorizationResponseCode { get; init; }

    /// <summary>The account type (<c>account_type</c>): <c>credit</c>, <c>checking</c>, <c>savings</c>, <c>prepaid</c> or <c>unknown</c>. Print it.</summary>
    public string? AccountType { get; init; }

    /// <summary>How the cardholder was verified (<c>cardholder_verification_method</c>), e.g. <c>offline_pin</c>, <c>online_pin</c>, <c>signature</c>, <c>failure</c>, <c>none</c>. Print it.</summary>
    public string? CardholderVerificationMethod { get; init; }

    /// <summary>The issuer's authorisation code (<c>authorization_code</c>). Print it.</summary>
    public string? AuthorizationCode { get; init; }

    /// <summary>How the card was read (<c>read_method</c>): <c>contactless_emv</c>, <c>contact_emv</c>, <c>magnetic_stripe_track2</c>, …</summary>
    public string? EntryMode { get; init; }

    /// <summary>The application cryptogram (<c>application_cryptogram</c>).</summary>
    public string? ApplicationCryptogram { get; init; }

    /// <summary>Terminal verification results, TVR (<c>terminal_verification_results</c>).</summary>
    public string? TerminalVerificationResults { get; init; }

    /// <summary>Transaction status information, TSI (<c>transaction_status_information</c>).</summary>
    public string? TransactionStatusInformation { get; init; }

    /// <summary>The reader that read the card (<c>tmr_…</c>, <c>card_present.reader</c>).</summary>
    public string? ReaderId { get; init; }

    /// <summary>The location of that reader (<c>tml_…</c>, <c>card_present.location</c>).</summary>
    public string? LocationId { get; init; }
}
