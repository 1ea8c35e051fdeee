using Stripe;
using Stripe.Terminal;
using StripeTerminalKit.Internal;

namespace StripeTerminalKit.Readers;

/// <summary>Stripe.net reader objects → the kit's reader models.</summary>
internal static class ReaderMapping
{
    public static TerminalReader Map(Reader reader)
    {
        var action = reader.Action is null ? null : MapAction(reader.Action, reader.Id);
        return new TerminalReader(
            reader.Id,
            reader.Label ?? string.Empty,
            reader.DeviceType ?? string.Empty,
            reader.SerialNumber,
            reader.LocationId,
            reader.Status switch
            {
                "online" => ReaderNetworkStatus.Online,
                "offline" => ReaderNetworkStatus.Offline,
                _ => ReaderNetworkStatus.Unknown,
            },
            action,
            ModelMapping.Metadata(reader.Metadata),
            reader.DeviceSwVersion,
            reader.IpAddress,
            ModelMapping.ToOffset(reader.LastSeenAt),
            reader.Livemode);
    }

    public static string? ToStripeStatus(ReaderNetworkStatus? status) => status switch
    {
        ReaderNetworkStatus.Online => "online",
        ReaderNetworkStatus.Offline => "offline",
        _ => null,
    };

    public static ReaderActionType ParseType(string? type) => type switch
    {
        "process_payment_intent" => ReaderActionType.ProcessPaymentIntent,
        "collect_payment_method" => ReaderActionType.CollectPaymentMethod,
        "confirm_payment_intent" => ReaderActionType.ConfirmPaymentIntent,
        "process_setup_intent" => ReaderActionType.ProcessSetupIntent,
        "refund_payment" => ReaderActionType.RefundPayment,
        "set_reader_display" => ReaderActionType.SetReaderDisplay,
        "collect_inputs" => ReaderActionType.CollectInputs,
        "print_content" => ReaderActionType.PrintContent,
        _ => ReaderActionType.Unknown,
    };

    public static ReaderActionStatus ParseStatus(string? status) => status switch
    {
        "in_progress" => ReaderActionStatus.InProgress,
        "succeeded" => ReaderActionStatus.Succeeded,
        "failed" => ReaderActionStatus.Failed,
        _ => ReaderActionStatus.Unknown,
    };

    public static TerminalReaderAction MapAction(ReaderAction action, string readerId)
    {
        var status = ParseStatus(action.Status);

        var collectedMethod = action.CollectPaymentMethod?.PaymentMethod;
        var paymentIntentId = action.ProcessPaymentIntent?.PaymentIntentId
            ?? action.CollectPaymentMethod?.PaymentIntentId
            ?? action.ConfirmPaymentIntent?.PaymentIntentId
            ?? action.RefundPayment?.PaymentIntentId;
        var intent = action.ProcessPaymentIntent?.PaymentIntent
            ?? action.CollectPaymentMethod?.PaymentIntent
            ?? action.ConfirmPaymentIntent?.PaymentIntent;

        return new TerminalReaderAction
        {
            Type = ParseType(action.Type),
            StripeType = action.Type ?? string.Empty,
            Status = status,
            ReaderId = readerId,
            Failure = status == ReaderActionStatus.Failed ? MapFailure(action, collectedMethod, intent) : null,
            PaymentIntentId = paymentIntentId,
            SetupIntentId = action.ProcessSetupIntent?.SetupIntentId,
            GeneratedCardId = action.ProcessSetupIntent?.GeneratedCard,
            CollectedCard = CardOf(collectedMethod),
            RefundId = action.RefundPayment?.RefundId,
            ChargeId = action.RefundPayment?.ChargeId,
            Amount = action.RefundPayment?.Amount,
            Cart = MapCart(action.SetReaderDisplay?.Cart),
            Inputs = action.CollectInputs?.Inputs?.Select(MapInput).ToArray(),
            Metadata = action.CollectInputs?.Metadata is { } inputsMetadata
                ? ModelMapping.Metadata(inputsMetadata)
                : action.RefundPayment?.Metadata is { } refundMetadata ? ModelMapping.Metadata(refundMetadata) : null,
        };
    }

    public static CardDetails? CardOf(PaymentMethod? method)
    {
        if (method is null)
        {
            return null;
        }

        if (method.CardPresent is { } present)
        {
            return new CardDetails(present.Brand, present.Last4, present.Funding);
        }

        if (method.InteracPresent is { } interac)
        {
            return new CardDetails(interac.Brand, interac.Last4, interac.Funding);
        }

        return method.Card is { } card ? new CardDetails(card.Brand, card.Last4, card.Funding) : null;
    }

    private static ReaderActionFailure MapFailure(ReaderAction action, PaymentMethod? collectedMethod, PaymentIntent? intent)
    {
        var apiError = action.ApiError;
        var code = action.FailureCode ?? apiError?.Code;
        var declineCode = apiError?.DeclineCode ?? intent?.LastPaymentError?.DeclineCode;
        var kind = ReaderFailureRule.Classify(code, declineCode, apiError?.Type);

        if (kind == ReaderActionFailureKind.CardDeclined && declineCode is null && code != "card_declined")
        {
            // The failure code itself is the decline reason (insufficient_funds, expired_card, …).
            declineCode = code;
        }

        var card = CardOf(apiError?.PaymentMethod) ?? CardOf(collectedMethod) ?? CardOf(intent?.LastPaymentError?.PaymentMethod);
        return new ReaderActionFailure(kind, code, action.FailureMessage ?? apiError?.Message, declineCode, card);
    }

    private static ReaderCart? MapCart(ReaderActionSetReaderDisplayCart? cart)
    {
        if (cart is null)
        {
            return null;
        }

        var lines = cart.LineItems?.Select(l => new CartLineItem(l.Description ?? string.Empty, l.Amount, (int)Math.Clamp(l.Quantity, 0, int.MaxValue))).ToArray()
            ?? [];
        return new ReaderCart(cart.Currency ?? string.Empty, lines, cart.Tax ?? 0, cart.Total);
    }

    private static CollectedInput MapInput(ReaderActionCollectInputsInput input)
    {
        CollectedInput mapped = input.Type switch
        {
            "signature" => new CollectedSignature(input.Signature?.Value),
            "email" => new CollectedEmail(input.Email?.Value),
            "phone" => new CollectedPhone(input.Phone?.Value),
            "text" => new CollectedText(input.Text?.Value),
            "numeric" => new CollectedNumeric(input.Numeric?.Value),
            "selection" => new CollectedSelection(input.Selection?.Id, input.Selection?.Text),
            _ => new CollectedUnknownInput(input.Type),
        };

        return mapped with
        {
            Title = input.CustomText?.Title,
            Required = input.Required ?? false,
            Skipped = input.Skipped,
            Toggles = input.Toggles?.Select(t => new CollectedToggle(
                t.Title,
                t.Value switch
                {
                    "enabled" => true,
                    "disabled" => false,
                    _ => null,
                })).ToArray() ?? [],
        };
    }
}
