using StripeTerminalKit.Emulator.Http;
using StripeTerminalKit.Emulator.Resources;

namespace StripeTerminalKit.Emulator.Engine;

/// <summary><c>/v1/payment_intents</c>: card-present PaymentIntents, capture, cancel.</summary>
internal sealed partial class EmulatorEngine
{
    /// <summary>What a PaymentIntent can expand, down to its charge's balance transaction (OpenAPI; corrections table, "Search and lists").</summary>
    private static readonly string[] PaymentIntentExpandables = ["latest_charge", "latest_charge.balance_transaction", "payment_method"];

    private static readonly string[] CancelableStatuses = ["requires_payment_method", "requires_capture", "requires_confirmation", "requires_action", "processing"];

    internal object CreatePaymentIntent(RequestContext c)
    {
        var p = c.Params;
        var amount = p.Long("amount", required: true)!.Value;
        var currency = p.String("currency", required: true)!.ToLowerInvariant();
        if (p.Has("payment_method_types"))
        {
            throw ApiErrorException.InvalidRequest("The payment_method_types parameter is no longer supported on this API version. Use allowed_payment_method_types instead.", "payment_method_types", "payment_method_types_no_longer_supported");
        }

        var allowed = p.StringList("allowed_payment_method_types");
        var types = allowed ?? ["card_present"];
        var captureMethod = p.Enum("capture_method", false, "automatic", "automatic_async", "manual") ?? "automatic_async";
        var pmo = p.Object("payment_method_options");
        CardPresentOptions? cardPresent = null;
        if (pmo is not null)
        {
            var cp = pmo.Object("card_present");
            if (cp is not null)
            {
                cardPresent = new CardPresentOptions
                {
                    CaptureMethod = cp.Enum("capture_method", false, "manual", "manual_preferred", "automatic_delayed"),
                    CaptureDelayDays = cp.Long("capture_delay_days", min: 1, max: 30),
                    RequestExtendedAuthorization = cp.Bool("request_extended_authorization"),
                    RequestIncrementalAuthorizationSupport = cp.Bool("request_incremental_authorization_support"),
                    RoutingPriority = cp.Object("routing")?.Enum("requested_priority", false, "domestic", "international"),
                };
            }

            pmo.Object("interac_present");
        }

        var description = p.String("description", maxLength: 1000);
        var metadata = p.MetadataForCreate("metadata");
        var receiptEmail = p.String("receipt_email", maxLength: 800);
        var descriptor = p.String("statement_descriptor", maxLength: 22);
        var suffix = p.String("statement_descriptor_suffix", maxLength: 22);
        var onBehalfOf = p.String("on_behalf_of");
        var fee = p.Long("application_fee_amount", min: 0);
        c.ReadExpand(PaymentIntentExpandables);
        p.EnsureNoUnknown();

        ValidatePaymentMethodTypes(types, currency);
        Currencies.ValidateAmount(amount, currency);
        ValidateCaptureOptions(types, captureMethod, cardPresent, currency);

        var id = _state.NewId("pi_");
        var pi = new PaymentIntent
        {
            Id = id,
            Account = c.Account,
            Created = _state.NowUnix,
            Sequence = _state.NextSequence(),
            Amount = amount,
            Currency = currency,
            CaptureMethod = captureMethod,
            PaymentMethodTypes = types.Distinct().ToArray(),
            AllowedPaymentMethodTypes = allowed?.ToArray(),
            CardPresent = cardPresent,
            Description = description,
            Metadata = metadata,
            ReceiptEmail = receiptEmail,
            StatementDescriptor = descriptor,
            StatementDescriptorSuffix = suffix,
            OnBehalfOf = onBehalfOf,
            ApplicationFeeAmount = fee,
            ClientSecret = id + "_secret_" + _state.NewId("", 25),
        };
        _state.PaymentIntents[pi.Id] = pi;
        _state.Raise("payment_intent.created", pi, c.Info);
        return pi;
    }

    internal object GetPaymentIntent(RequestContext c)
    {
        c.Params.String("client_secret");
        c.ReadExpand(PaymentIntentExpandables);
        c.Params.EnsureNoUnknown();
        return FindPaymentIntent(c, c.Id);
    }

    internal object ListPaymentIntents(RequestContext c)
    {
        var created = ReadCreatedFilter(c.Params);
        return Page(c, "/v1/payment_intents", _state.PaymentIntents.Values.Where(pi => c.Visible(pi) && created(pi.Created)));
    }

    internal object UpdatePaymentIntent(RequestContext c)
    {
        var pi = FindPaymentIntent(c, c.Id);
        var p = c.Params;
        if (p.Has("payment_method_types"))
        {
            throw ApiErrorException.InvalidRequest("The payment_method_types parameter is no longer supported on this API version. Use allowed_payment_method_types instead.", "payment_method_types", "payment_method_types_no_longer_supported");
        }

        var allowed = p.StringList("allowed_payment_method_types");
        var amount = p.Long("amount");
        var description = p.String("description", maxLength: 1000);
        var metadata = p.Metadata("metadata", out var clearAll);
        var receiptEmail = p.String("receipt_email", maxLength: 800);
        var descriptor = p.String("statement_descriptor", maxLength: 22);
        var suffix = p.String("statement_descriptor_suffix", maxLength: 22);
        var fee = p.Long("application_fee_amount", min: 0);
        c.ReadExpand(PaymentIntentExpandables);
        p.EnsureNoUnknown();

        if (amount is not null)
        {
            if (pi.Status is not ("requires_payment_method" or "requires_confirmation"))
            {
                throw ApiErrorException.State("payment_intent_unexpected_state", $"You cannot update the amount of this PaymentIntent because it has a status of {pi.Status}.");
            }

            if (IsOnReader(pi.Id))
            {
                throw ApiErrorException.State("payment_intent_unexpected_state", "You cannot update the amount of a PaymentIntent while a reader is collecting a payment method for it. Cancel the reader action first.");
            }

            Currencies.ValidateAmount(amount.Value, pi.Currency);
        }

        if (allowed is not null)
        {
            if (pi.Status is not ("requires_payment_method" or "requires_confirmation") || IsOnReader(pi.Id))
            {
                throw ApiErrorException.State("payment_intent_unexpected_state", $"You cannot update the payment method types of this PaymentIntent because it has a status of {pi.Status} or is on a reader.");
            }

            ValidatePaymentMethodTypes(allowed, pi.Currency);
        }

        if (pi.Status is "succeeded" or "canceled" && (amount is not null || receiptEmail is not null))
        {
            throw ApiErrorException.State("payment_intent_unexpected_state", $"This PaymentIntent's status is {pi.Status}; it cannot be updated.");
        }

        var newMetadata = new Dictionary<string, string>(pi.Metadata, StringComparer.Ordinal);
        Params.ApplyMetadata(newMetadata, metadata, clearAll);
        if (amount is not null)
        {
            pi.Amount = amount.Value;
        }

        if (allowed is not null)
        {
            pi.PaymentMethodTypes = allowed.Distinct().ToArray();
            pi.AllowedPaymentMethodTypes = allowed.ToArray();
        }

        pi.Metadata = newMetadata;
        pi.Description = description is null ? pi.Description : NullIfEmpty(description);
        pi.ReceiptEmail = receiptEmail is null ? pi.ReceiptEmail : NullIfEmpty(receiptEmail);
        pi.StatementDescriptor = descriptor is null ? pi.StatementDescriptor : NullIfEmpty(descriptor);
        pi.StatementDescriptorSuffix = suffix is null ? pi.StatementDescriptorSuffix : NullIfEmpty(suffix);
        pi.ApplicationFeeAmount = fee ?? pi.ApplicationFeeAmount;
        return pi;
    }

    internal object CapturePaymentIntent(RequestContext c)
    {
        var pi = FindPaymentIntent(c, c.Id);
        var p = c.Params;
        var amountToCapture = p.Long("amount_to_capture", min: 1);
        var fee = p.Long("application_fee_amount", min: 0);
        var metadata = p.Metadata("metadata", out var clearAll);
        var descriptor = p.String("statement_descriptor", maxLength: 22);
        var suffix = p.String("statement_descriptor_suffix", maxLength: 22);
        p.Bool("final_capture");
        c.ReadExpand(PaymentIntentExpandables);
        p.EnsureNoUnknown();

        if (pi.Status != "requires_capture")
        {
            throw new ApiErrorException(400, "invalid_request_error", "payment_intent_unexpected_state",
                $"This PaymentIntent could not be captured because it has a status of {pi.Status}. Only a PaymentIntent with one of the following statuses may be captured: requires_capture.")
            { PaymentIntent = pi };
        }

        var capture = amountToCapture ?? pi.AmountCapturable;
        if (capture > pi.AmountCapturable)
        {
            throw ApiErrorException.InvalidRequest($"The amount to capture ({capture}) must be less than or equal to the amount capturable ({pi.AmountCapturable}).", "amount_to_capture", "amount_too_large");
        }

        var newMetadata = new Dictionary<string, string>(pi.Metadata, StringComparer.Ordinal);
        Params.ApplyMetadata(newMetadata, metadata, clearAll);
        pi.Metadata = newMetadata;
        pi.StatementDescriptor = descriptor ?? pi.StatementDescriptor;
        pi.StatementDescriptorSuffix = suffix ?? pi.StatementDescriptorSuffix;
        pi.ApplicationFeeAmount = fee ?? pi.ApplicationFeeAmount;

        var charge = _state.Charges[pi.LatestChargeId!];
        charge.Captured = true;
        charge.AmountCaptured = capture;
        pi.AmountReceived = capture;
        pi.AmountCapturable = 0;
        pi.Status = "succeeded";
        pi.CaptureBefore = null;
        _state.Raise("charge.captured", charge, c.Info);
        _state.Raise("payment_intent.succeeded", pi, c.Info, "requires_capture");
        return pi;
    }

    internal object CancelPaymentIntent(RequestContext c)
    {
        var pi = FindPaymentIntent(c, c.Id);
        var reason = c.Params.Enum("cancellation_reason", false, "abandoned", "duplicate", "fraudulent", "requested_by_customer");
        c.ReadExpand(PaymentIntentExpandables);
        c.Params.EnsureNoUnknown();

        if (Array.IndexOf(CancelableStatuses, pi.Status) < 0)
        {
            throw new ApiErrorException(400, "invalid_request_error", "payment_intent_unexpected_state",
                $"You cannot cancel this PaymentIntent because it has a status of {pi.Status}. Only a PaymentIntent with one of the following statuses may be canceled: {string.Join(", ", CancelableStatuses)}.")
            { PaymentIntent = pi };
        }

        // A card being authorised right now cannot be called back.
        var onReader = ReaderProcessing(pi.Id);
        if (onReader?.Action is { Phase: ActionPhase.Authorizing })
        {
            throw new ApiErrorException(400, "invalid_request_error", "payment_intent_unexpected_state",
                "This PaymentIntent is being authorized on a reader and cannot be canceled right now. Retry once the reader action completes.")
            { PaymentIntent = pi };
        }

        if (onReader?.Action is { Phase: ActionPhase.Waiting } waiting)
        {
            FailAction(onReader, waiting, "payment_intent_canceled", "The PaymentIntent was canceled while the reader was collecting a payment method.", null, c.Info);
        }

        // "cancellation_reason stays null when none is given" (API reference, cancel a PaymentIntent; corrections table).
        CancelIntent(pi, reason, c.Info);
        return pi;
    }

    internal object IncrementAuthorization(RequestContext c)
    {
        var pi = FindPaymentIntent(c, c.Id);
        var amount = c.Params.Long("amount", required: true)!.Value;
        c.Params.Long("application_fee_amount", min: 0);
        c.Params.String("description");
        c.Params.Metadata("metadata", out _);
        c.Params.String("statement_descriptor");
        c.ReadExpand(PaymentIntentExpandables);
        c.Params.EnsureNoUnknown();
        if (pi.Status != "requires_capture")
        {
            throw ApiErrorException.State("payment_intent_unexpected_state", $"This PaymentIntent's status is {pi.Status}; only a PaymentIntent with status requires_capture can have its authorization incremented.");
        }

        var charge = _state.Charges[pi.LatestChargeId!];
        if (pi.CardPresent?.RequestIncrementalAuthorizationSupport != true || !charge.IncrementalAuthorizationSupported)
        {
            throw ApiErrorException.State("incremental_authorization_not_supported", "This PaymentIntent was not created with request_incremental_authorization_support, or the card does not support incremental authorizations.");
        }

        if (amount <= pi.Amount)
        {
            throw ApiErrorException.InvalidRequest("The new amount must be greater than the current amount.", "amount");
        }

        Currencies.ValidateAmount(amount, pi.Currency);
        pi.Amount = amount;
        pi.AmountCapturable = amount;
        charge.Amount = amount;
        _state.Raise("payment_intent.amount_capturable_updated", pi, c.Info);
        return pi;
    }

    /// <summary>Cancels a PaymentIntent, voiding an authorisation if there is one.</summary>
    private void CancelIntent(PaymentIntent pi, string? reason, RequestInfo? info)
    {
        var previous = pi.Status;
        if (previous == "requires_capture" && pi.LatestChargeId is not null && _state.Charges.TryGetValue(pi.LatestChargeId, out var charge))
        {
            charge.Voided = true;
            charge.Refunded = true;
            charge.AmountRefunded = charge.Amount;
            _state.Raise("charge.refunded", charge, info);
        }

        pi.Status = "canceled";
        pi.CancellationReason = reason;
        pi.CanceledAt = _state.NowUnix;
        pi.AmountCapturable = 0;
        pi.CaptureBefore = null;
        _state.Raise("payment_intent.canceled", pi, info, previous);
    }

    /// <summary>Uncaptured authorisations lapse, as card networks make them.</summary>
    private void ExpireAuthorizations()
    {
        var now = _state.Now;
        while (_state.AuthorizationExpiries.TryPeek(out var id, out var due) && due <= now)
        {
            _state.AuthorizationExpiries.Dequeue();
            if (_state.PaymentIntents.TryGetValue(id, out var pi) && pi.Status == "requires_capture" && pi.CaptureBefore is { } before && before <= now)
            {
                // Dated when it was due, even if the clock jumped past it (a fake clock advanced by days).
                var at = before.ToUnixTimeSeconds();
                if (pi.LatestChargeId is not null && _state.Charges.TryGetValue(pi.LatestChargeId, out var charge))
                {
                    charge.Voided = true;
                    charge.Refunded = true;
                    charge.AmountRefunded = charge.Amount;
                    _state.Raise("charge.expired", charge, null, created: at);
                }

                var previous = pi.Status;
                pi.Status = "canceled";
                pi.CancellationReason = "automatic";
                pi.CanceledAt = at;
                pi.AmountCapturable = 0;
                pi.CaptureBefore = null;
                _state.Raise("payment_intent.canceled", pi, null, previous, at);
            }
        }
    }

    private PaymentIntent FindPaymentIntent(RequestContext c, string id)
    {
        return _state.PaymentIntents.TryGetValue(id, out var pi) && c.Visible(pi)
            ? pi
            : throw ApiErrorException.NoSuch("payment_intent", id, "intent");
    }

    private bool IsOnReader(string paymentIntentId) => ReaderProcessing(paymentIntentId) is not null;

    /// <summary>The reader whose unfinished action is paying this PaymentIntent, if any.</summary>
    private Reader? ReaderProcessing(string paymentIntentId)
    {
        foreach (var r in _state.Readers.Values)
        {
            if (r.Action is { Status: "in_progress" } a && a.PaymentIntentId == paymentIntentId && a.Type is "process_payment_intent" or "collect_payment_method" or "confirm_payment_intent")
            {
                return r;
            }
        }

        return null;
    }

    private static void ValidatePaymentMethodTypes(IReadOnlyList<string> types, string currency)
    {
        foreach (var t in types)
        {
            if (t is not ("card_present" or "interac_present" or "card"))
            {
                throw ApiErrorException.InvalidRequest($"The payment method type \"{t}\" is invalid. Please ensure the provided type is activated in your dashboard (https://dashboard.stripe.com/account/payments/settings) and your account is enabled for any preview features that you are trying to use.", "allowed_payment_method_types");
            }
        }

        if (types.Contains("interac_present") && currency != "cad")
        {
            throw ApiErrorException.InvalidRequest("interac_present is only supported for payments in CAD.", "allowed_payment_method_types");
        }
    }

    /// <summary>
    /// Interac no longer supports <c>capture_method=manual</c> (changelog basil 2025-03-31: create
    /// refused). Australia also accepts <c>payment_method_options[card_present][capture_method]=automatic_delayed</c>
    /// with <c>capture_delay_days</c> (docs: terminal/payments/regional?integration-country=AU).
    /// Both rows of the facts corrections table. The wording, the 1–30 day range and telling
    /// Australia by the currency (aud) are the emulator's choice.
    /// </summary>
    private static void ValidateCaptureOptions(IReadOnlyList<string> types, string captureMethod, CardPresentOptions? cardPresent, string currency)
    {
        if (captureMethod == "manual" && types.Contains("interac_present"))
        {
            throw ApiErrorException.InvalidRequest(
                "interac_present does not support capture_method=manual: Interac payments are captured at once. Remove interac_present from allowed_payment_method_types or use capture_method=automatic.",
                "capture_method");
        }

        const string Param = "payment_method_options[card_present][capture_method]";
        if (cardPresent?.CaptureMethod == "automatic_delayed")
        {
            if (currency != "aud")
            {
                throw ApiErrorException.InvalidRequest("capture_method=automatic_delayed is only available for card_present payments in Australia (aud).", Param);
            }

            if (cardPresent.CaptureDelayDays is null)
            {
                throw ApiErrorException.Missing("payment_method_options[card_present][capture_delay_days]");
            }
        }
        else if (cardPresent?.CaptureDelayDays is not null)
        {
            throw ApiErrorException.InvalidRequest("capture_delay_days can only be used with capture_method=automatic_delayed.", "payment_method_options[card_present][capture_delay_days]");
        }
    }

    private static string? NullIfEmpty(string s) => s.Length == 0 ? null : s;
}
