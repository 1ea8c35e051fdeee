using StripeTerminalKit.Readers;

namespace StripeTerminalKit.Checkout;

// The document's parts, each written and read back by a pair of methods: the request, the last
// reader and PaymentIntent observations, the card receipt and the result.
internal static partial class CheckoutDocumentMapping
{
    private static StoredRequest ToStored(CheckoutRequest r) => new()
    {
        Id = r.CheckoutId,
        Owner = r.Owner,
        Amount = r.Amount,
        Currency = r.Currency,
        Reader = r.ReaderId,
        CaptureMode = r.CaptureMode,
        CaptureDelayDays = r.CaptureDelayDays,
        AllowInterac = r.AllowInterac,
        Flow = r.Flow,
        Cart = r.CartLines?.Select(l => new StoredCartLine { Description = l.Description, Amount = l.Amount, Quantity = l.Quantity }).ToList(),
        CartTax = r.CartTax,
        SkipTipping = r.SkipTipping,
        TipEligibleAmount = r.TipEligibleAmount,
        AllowCustomerCancellation = r.AllowCustomerCancellation,
        WaitForRetryAfterDecline = r.WaitForRetryAfterDecline,
        Description = r.Description,
        Metadata = r.Metadata is null ? null : new SortedDictionary<string, string>(r.Metadata.ToDictionary(), StringComparer.Ordinal),
        ReceiptEmail = r.ReceiptEmail,
        CollectReceiptEmail = r.CollectReceiptEmail,
        TimeoutMs = (long)r.Timeout.TotalMilliseconds,
    };

    private static CheckoutRequest ToRequest(StoredRequest r) => new()
    {
        CheckoutId = r.Id ?? throw new FormatException("The stored checkout has no id."),
        Owner = r.Owner,
        Amount = r.Amount,
        Currency = r.Currency ?? throw new FormatException("The stored checkout has no currency."),
        ReaderId = r.Reader ?? throw new FormatException("The stored checkout has no reader."),
        CaptureMode = r.CaptureMode,
        CaptureDelayDays = r.CaptureDelayDays,
        AllowInterac = r.AllowInterac,
        Flow = r.Flow,
        CartLines = r.Cart?.Select(l => new CheckoutCartLine(l.Description, l.Amount, l.Quantity)).ToArray(),
        CartTax = r.CartTax,
        SkipTipping = r.SkipTipping,
        TipEligibleAmount = r.TipEligibleAmount,
        AllowCustomerCancellation = r.AllowCustomerCancellation ?? true,
        WaitForRetryAfterDecline = r.WaitForRetryAfterDecline ?? true,
        Description = r.Description,
        Metadata = r.Metadata is null ? null : new Dictionary<string, string>(r.Metadata, StringComparer.Ordinal),
        ReceiptEmail = r.ReceiptEmail,
        CollectReceiptEmail = r.CollectReceiptEmail,
        Timeout = TimeSpan.FromMilliseconds(r.TimeoutMs),
    };

    private static StoredReader? ToStored(in ReaderObservation o) => o == default ? null : new StoredReader
    {
        Id = o.ReaderId,
        Action = ActionName(o.ActionType),
        Status = StatusName(o.ActionStatus),
        PaymentIntent = o.ActionPaymentIntentId,
        FailureCode = o.FailureCode,
        DeclineCode = o.DeclineCode,
    };

    private static ReaderObservation ToObservation(StoredReader? o) => o is null
        ? default
        : new ReaderObservation(o.Id!, ActionOf(o.Action), StatusOf(o.Status), o.PaymentIntent, o.FailureCode, o.DeclineCode);

    // The reader's action is stored by the document's own names, frozen since v1 (a new name is a new
    // document version): "none" is no action, and "other" any action the checkout does not run, read
    // back as Unknown (the machine tells only its own actions apart). The status's "none" is Unknown.
    private static readonly ReaderActionType?[] StoredActions =
    [
        null, ReaderActionType.ProcessPaymentIntent, ReaderActionType.CollectPaymentMethod, ReaderActionType.ConfirmPaymentIntent,
        ReaderActionType.SetReaderDisplay, ReaderActionType.CollectInputs, ReaderActionType.Unknown,
    ];

    private static readonly ReaderActionStatus[] StoredStatuses =
        [ReaderActionStatus.Unknown, ReaderActionStatus.InProgress, ReaderActionStatus.Succeeded, ReaderActionStatus.Failed];

    /// <summary>The stored name of a reader's action type: <c>none</c> for no action, <c>other</c> for an action the checkout does not run.</summary>
    internal static string ActionName(ReaderActionType? type) => type switch
    {
        null => "none",
        ReaderActionType.ProcessPaymentIntent => "process_payment_intent",
        ReaderActionType.CollectPaymentMethod => "collect_payment_method",
        ReaderActionType.ConfirmPaymentIntent => "confirm_payment_intent",
        ReaderActionType.SetReaderDisplay => "set_reader_display",
        ReaderActionType.CollectInputs => "collect_inputs",
        _ => "other",
    };

    /// <summary>The stored name of a reader action's status: <c>none</c> for <see cref="ReaderActionStatus.Unknown"/>.</summary>
    internal static string StatusName(ReaderActionStatus status) => status switch
    {
        ReaderActionStatus.InProgress => "in_progress",
        ReaderActionStatus.Succeeded => "succeeded",
        ReaderActionStatus.Failed => "failed",
        _ => "none",
    };

    /// <summary>The action type a stored name stands for; a missing name is no action.</summary>
    /// <exception cref="FormatException">The name is not one the document holds.</exception>
    internal static ReaderActionType? ActionOf(string? name) => name is null ? null : Named(StoredActions, ActionName, name, "reader action");

    /// <summary>The status a stored name stands for; a missing name is <see cref="ReaderActionStatus.Unknown"/>.</summary>
    /// <exception cref="FormatException">The name is not one the document holds.</exception>
    internal static ReaderActionStatus StatusOf(string? name) => name is null ? ReaderActionStatus.Unknown : Named(StoredStatuses, StatusName, name, "reader action status");

    // Read as the enum converter reads the document's other enums: by name, in any case.
    private static T Named<T>(T[] values, Func<T, string> nameOf, string name, string what)
    {
        foreach (var value in values)
        {
            if (string.Equals(nameOf(value), name, StringComparison.OrdinalIgnoreCase))
            {
                return value;
            }
        }

        throw new FormatException($"The stored {what} \"{name}\" is not one this version knows.");
    }

    private static StoredIntent? ToStored(in PaymentIntentObservation o) => o == default ? null : new StoredIntent
    {
        Id = o.Id,
        Status = o.Status,
        Amount = o.Amount,
        AmountCapturable = o.AmountCapturable,
        AmountReceived = o.AmountReceived,
        TipAmount = o.TipAmount,
        AmountRefunded = o.AmountRefunded,
        Charge = o.ChargeId,
        CardBrand = o.CardBrand,
        Last4 = o.Last4,
        Network = o.Network,
        DeclineCode = o.DeclineCode,
        ErrorCode = o.ErrorCode,
        CancellationReason = o.CancellationReason,
        Receipt = ToStored(o.Receipt),
    };

    private static PaymentIntentObservation ToObservation(StoredIntent? o) => o is null
        ? default
        : new PaymentIntentObservation(o.Id!, o.Status, o.Amount, o.AmountCapturable, o.AmountReceived, o.TipAmount, o.AmountRefunded,
            o.Charge, o.CardBrand, o.Last4, o.Network, o.DeclineCode, o.ErrorCode, o.CancellationReason, ToReceipt(o.Receipt));

    private static StoredReceipt? ToStored(Payments.CardReceipt? r) => r is null ? null : new StoredReceipt
    {
        ApplicationPreferredName = r.ApplicationName,
        DedicatedFileName = r.ApplicationId,
        AuthorizationResponseCode = r.AuthorizationResponseCode,
        AccountType = r.AccountType,
        CardholderVerificationMethod = r.CardholderVerificationMethod,
        AuthorizationCode = r.AuthorizationCode,
        ReadMethod = r.EntryMode,
        ApplicationCryptogram = r.ApplicationCryptogram,
        TerminalVerificationResults = r.TerminalVerificationResults,
        TransactionStatusInformation = r.TransactionStatusInformation,
        Reader = r.ReaderId,
        Location = r.LocationId,
    };

    private static Payments.CardReceipt? ToReceipt(StoredReceipt? r) => r is null ? null : new Payments.CardReceipt
    {
        ApplicationName = r.ApplicationPreferredName,
        ApplicationId = r.DedicatedFileName,
        AuthorizationResponseCode = r.AuthorizationResponseCode,
        AccountType = r.AccountType,
        CardholderVerificationMethod = r.CardholderVerificationMethod,
        AuthorizationCode = r.AuthorizationCode,
        EntryMode = r.ReadMethod,
        ApplicationCryptogram = r.ApplicationCryptogram,
        TerminalVerificationResults = r.TerminalVerificationResults,
        TransactionStatusInformation = r.TransactionStatusInformation,
        ReaderId = r.Reader,
        LocationId = r.Location,
    };

    private static StoredResult? ToStored(CheckoutResult? result)
    {
        if (result is null)
        {
            return null;
        }

        var stored = new StoredResult
        {
            Outcome = result.Outcome,
            PaymentIntent = result.PaymentIntentId,
            Attempts = result.Attempts,
            CompletedAt = result.CompletedAt,
        };
        switch (result)
        {
            case CheckoutSucceeded r:
                stored.Amount = r.Amount;
                stored.TipAmount = r.TipAmount;
                stored.AmountCaptured = r.AmountCaptured;
                stored.Currency = r.Currency;
                stored.CardBrand = r.CardBrand;
                stored.Last4 = r.Last4;
                stored.Network = r.Network;
                stored.Charge = r.ChargeId;
                stored.Receipt = ToStored(r.Receipt);
                break;
            case CheckoutDeclined r:
                stored.DeclineCode = r.DeclineCode;
                break;
            case CheckoutCanceled r:
                stored.CanceledBy = r.CanceledBy;
                stored.Voided = r.Voided;
                stored.AmountRefunded = r.AmountRefunded;
                stored.Refund = r.RefundId;
                stored.LastDeclineCode = r.LastDeclineCode;
                break;
            case CheckoutFailed r:
                stored.FailureReason = r.Reason;
                stored.Code = r.Code;
                break;
            case CheckoutNeedsAttention r:
                stored.AttentionReason = r.Reason;
                stored.Code = r.Code;
                break;
            default:
                throw new InvalidOperationException($"No stored form for {result.GetType().Name}.");
        }

        return stored;
    }

    private static CheckoutResult? ToResult(StoredResult? r, string checkoutId) => r switch
    {
        null => null,
        { Outcome: CheckoutOutcome.Succeeded } => new CheckoutSucceeded
        {
            CheckoutId = checkoutId,
            PaymentIntentId = r.PaymentIntent,
            Attempts = r.Attempts,
            CompletedAt = r.CompletedAt,
            Amount = r.Amount,
            TipAmount = r.TipAmount,
            AmountCaptured = r.AmountCaptured,
            Currency = r.Currency ?? string.Empty,
            CardBrand = r.CardBrand,
            Last4 = r.Last4,
            Network = r.Network,
            ChargeId = r.Charge,
            Receipt = ToReceipt(r.Receipt),
        },
        { Outcome: CheckoutOutcome.Declined } => new CheckoutDeclined
        {
            CheckoutId = checkoutId,
            PaymentIntentId = r.PaymentIntent,
            Attempts = r.Attempts,
            CompletedAt = r.CompletedAt,
            DeclineCode = r.DeclineCode,
        },
        { Outcome: CheckoutOutcome.Canceled } => new CheckoutCanceled
        {
            CheckoutId = checkoutId,
            PaymentIntentId = r.PaymentIntent,
            Attempts = r.Attempts,
            CompletedAt = r.CompletedAt,
            CanceledBy = r.CanceledBy ?? default,
            Voided = r.Voided,
            AmountRefunded = r.AmountRefunded,
            RefundId = r.Refund,
            LastDeclineCode = r.LastDeclineCode,
        },
        { Outcome: CheckoutOutcome.Failed } => new CheckoutFailed
        {
            CheckoutId = checkoutId,
            PaymentIntentId = r.PaymentIntent,
            Attempts = r.Attempts,
            CompletedAt = r.CompletedAt,
            Reason = r.FailureReason ?? default,
            Code = r.Code,
        },
        { Outcome: CheckoutOutcome.NeedsAttention } => new CheckoutNeedsAttention
        {
            CheckoutId = checkoutId,
            PaymentIntentId = r.PaymentIntent,
            Attempts = r.Attempts,
            CompletedAt = r.CompletedAt,
            Reason = r.AttentionReason ?? default,
            Code = r.Code,
        },
        _ => throw new FormatException($"Stored outcome '{r.Outcome}' is not one this library knows."),
    };
}
