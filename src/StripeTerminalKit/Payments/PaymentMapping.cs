using Stripe;
using StripeTerminalKit.Internal;
using StripeTerminalKit.Readers;

namespace StripeTerminalKit.Payments;

/// <summary>Stripe.net payment objects → the kit's payment models. Client secrets are never copied.</summary>
internal static class PaymentMapping
{
    public static IntentStatus ParseStatus(string? status) => status switch
    {
        "requires_payment_method" => IntentStatus.RequiresPaymentMethod,
        "requires_confirmation" => IntentStatus.RequiresConfirmation,
        "requires_action" => IntentStatus.RequiresAction,
        "processing" => IntentStatus.Processing,
        "requires_capture" => IntentStatus.RequiresCapture,
        "canceled" => IntentStatus.Canceled,
        "succeeded" => IntentStatus.Succeeded,
        _ => IntentStatus.Unknown,
    };

    public static TerminalPayment Map(PaymentIntent intent) => new()
    {
        Id = intent.Id,
        Amount = intent.Amount,
        Currency = intent.Currency ?? string.Empty,
        Status = ParseStatus(intent.Status),
        StripeStatus = intent.Status ?? string.Empty,
        AmountCapturable = intent.AmountCapturable,
        AmountReceived = intent.AmountReceived,
        CaptureMethod = intent.CaptureMethod,
        LatestChargeId = intent.LatestChargeId,
        LatestCharge = intent.LatestCharge is { } charge ? MapCharge(charge) : null,
        PaymentMethodId = intent.PaymentMethodId,
        LastPaymentError = MapError(intent.LastPaymentError),
        CancellationReason = intent.CancellationReason,
        Description = intent.Description,
        Metadata = ModelMapping.Metadata(intent.Metadata),
        Created = intent.Created == default ? null : ModelMapping.ToOffset(intent.Created),
        Livemode = intent.Livemode,
    };

    public static TerminalRefund Map(Refund refund) => new(
        refund.Id,
        refund.Amount,
        refund.Currency ?? string.Empty,
        refund.Status switch
        {
            "pending" => RefundStatus.Pending,
            "requires_action" => RefundStatus.RequiresAction,
            "succeeded" => RefundStatus.Succeeded,
            "failed" => RefundStatus.Failed,
            "canceled" => RefundStatus.Canceled,
            _ => RefundStatus.Unknown,
        },
        refund.PaymentIntentId,
        refund.ChargeId,
        refund.Reason,
        refund.FailureReason,
        ModelMapping.Metadata(refund.Metadata));

    public static TerminalSetupIntent Map(SetupIntent intent) => new(
        intent.Id,
        ParseStatus(intent.Status),
        intent.Status ?? string.Empty,
        intent.CustomerId,
        intent.PaymentMethodId,
        intent.Usage,
        MapError(intent.LastSetupError),
        ModelMapping.Metadata(intent.Metadata));

    private static PaymentCharge MapCharge(Charge charge)
    {
        var details = charge.PaymentMethodDetails;
        CardDetails? card = null;
        string? network = null;
        CardReceipt? receipt = null;
        if (details?.CardPresent is { } present)
        {
            card = new CardDetails(present.Brand, present.Last4, present.Funding);
            network = present.Network;
            var r = present.Receipt;
            receipt = Receipt(r?.ApplicationPreferredName, r?.DedicatedFileName, r?.AuthorizationResponseCode, r?.AccountType,
                r?.CardholderVerificationMethod, r?.AuthorizationCode, present.ReadMethod, r?.ApplicationCryptogram,
                r?.TerminalVerificationResults, r?.TransactionStatusInformation, present.Reader, present.Location);
        }
        else if (details?.InteracPresent is { } interac)
        {
            card = new CardDetails(interac.Brand, interac.Last4, interac.Funding);
            network = interac.Network;
            var r = interac.Receipt;
            receipt = Receipt(r?.ApplicationPreferredName, r?.DedicatedFileName, r?.AuthorizationResponseCode, r?.AccountType,
                r?.CardholderVerificationMethod, r?.AuthorizationCode, interac.ReadMethod, r?.ApplicationCryptogram,
                r?.TerminalVerificationResults, r?.TransactionStatusInformation, interac.Reader, interac.Location);
        }

        return new PaymentCharge(charge.Id, details?.Type, card, network, charge.AmountRefunded) { Receipt = receipt };
    }

    /// <summary>The receipt, or null when the charge carries none of its fields (not read by a reader, or not yet).</summary>
    private static CardReceipt? Receipt(
        string? name, string? aid, string? arc, string? accountType, string? cvm, string? authorizationCode, string? entryMode,
        string? cryptogram, string? tvr, string? tsi, string? reader, string? location)
    {
        if (name is null && aid is null && arc is null && accountType is null && cvm is null && authorizationCode is null && entryMode is null)
        {
            return null;
        }

        return new CardReceipt
        {
            ApplicationName = name,
            ApplicationId = aid,
            AuthorizationResponseCode = arc,
            AccountType = accountType,
            CardholderVerificationMethod = cvm,
            AuthorizationCode = authorizationCode,
            EntryMode = entryMode,
            ApplicationCryptogram = cryptogram,
            TerminalVerificationResults = tvr,
            TransactionStatusInformation = tsi,
            ReaderId = reader,
            LocationId = location,
        };
    }

    private static PaymentFailure? MapError(StripeError? error) => error is null
        ? null
        : new PaymentFailure(error.Code, error.DeclineCode, Errors.SecretRedactor.Redact(error.Message), ReaderMapping.CardOf(error.PaymentMethod));
}
