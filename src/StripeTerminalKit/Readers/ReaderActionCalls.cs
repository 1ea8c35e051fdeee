using Stripe.Terminal;
using StripeTerminalKit.Errors;
using StripeTerminalKit.Internal;
using StripeTerminalKit.Payments;

namespace StripeTerminalKit.Readers;

/// <summary>
/// Every <c>POST /v1/terminal/readers/{id}/&lt;action&gt;</c> call the kit makes, in one place: the
/// payment actions that <see cref="ITerminalPayments"/> offers (process, collect, confirm, refund on
/// the reader, save a card) and the others that <see cref="ITerminalReaders"/> offers (cart display,
/// inputs, cancel). The public modules check their caller's input; this type turns it into the
/// Stripe call.
/// </summary>
/// <remarks>
/// The rules common to every action are written once, in <see cref="SendAsync"/>: the call runs
/// through <see cref="StripeCallExecutor.ExecuteReaderCommandAsync"/> (our idempotency key, one
/// retrier, and after <c>terminal_reader_timeout</c> the reader read back to see whether the action
/// arrived anyway, by the action's own arrival rule), and the reader it returns is mapped the same way.
/// </remarks>
internal sealed class ReaderActionCalls(StripeCallExecutor executor)
{
    /// <summary><c>process_payment_intent</c>: collect and authorise in one step.</summary>
    public Task<TerminalReader> ProcessPaymentIntentAsync(
        string readerId, string paymentIntentId, PaymentCollectionOptions? options, TerminalCallOptions? callOptions, CancellationToken cancellationToken)
    {
        var processOptions = new ReaderProcessPaymentIntentOptions
        {
            PaymentIntent = paymentIntentId,
            ProcessConfig = options is null ? null : new ReaderProcessConfigOptions
            {
                SkipTipping = options.SkipTipping ? true : null,
                Tipping = options.TipEligibleAmount is { } eligible ? new ReaderProcessConfigTippingOptions { AmountEligible = eligible } : null,
                EnableCustomerCancellation = options.EnableCustomerCancellation ? true : null,
                AllowRedisplay = RedisplayValue(options.AllowRedisplay),
            },
        };
        return SendAsync(
            StripeOperation.ReadersProcessPaymentIntent,
            readerId,
            paymentIntentId,
            r => r.Action?.Type == "process_payment_intent" && r.Action.ProcessPaymentIntent?.PaymentIntentId == paymentIntentId,
            (client, requestOptions, ct) => client.V1.Terminal.Readers.ProcessPaymentIntentAsync(readerId, processOptions, requestOptions, ct),
            callOptions,
            cancellationToken);
    }

    /// <summary><c>collect_payment_method</c>: read the card without authorising.</summary>
    public Task<TerminalReader> CollectPaymentMethodAsync(
        string readerId, string paymentIntentId, PaymentCollectionOptions? options, TerminalCallOptions? callOptions, CancellationToken cancellationToken)
    {
        var collectOptions = new ReaderCollectPaymentMethodOptions
        {
            PaymentIntent = paymentIntentId,
            CollectConfig = options is null ? null : new ReaderCollectConfigOptions
            {
                SkipTipping = options.SkipTipping ? true : null,
                Tipping = options.TipEligibleAmount is { } eligible ? new ReaderCollectConfigTippingOptions { AmountEligible = eligible } : null,
                EnableCustomerCancellation = options.EnableCustomerCancellation ? true : null,
                AllowRedisplay = RedisplayValue(options.AllowRedisplay),
            },
        };
        return SendAsync(
            StripeOperation.ReadersCollectPaymentMethod,
            readerId,
            paymentIntentId,
            r => r.Action?.Type == "collect_payment_method" && r.Action.CollectPaymentMethod?.PaymentIntentId == paymentIntentId,
            (client, requestOptions, ct) => client.V1.Terminal.Readers.CollectPaymentMethodAsync(readerId, collectOptions, requestOptions, ct),
            callOptions,
            cancellationToken);
    }

    /// <summary><c>confirm_payment_intent</c>: authorise a collected payment method.</summary>
    public Task<TerminalReader> ConfirmPaymentIntentAsync(
        string readerId, string paymentIntentId, TerminalCallOptions? callOptions, CancellationToken cancellationToken)
    {
        var confirmOptions = new ReaderConfirmPaymentIntentOptions { PaymentIntent = paymentIntentId };
        return SendAsync(
            StripeOperation.ReadersConfirmPaymentIntent,
            readerId,
            paymentIntentId,
            r => r.Action?.Type == "confirm_payment_intent" && r.Action.ConfirmPaymentIntent?.PaymentIntentId == paymentIntentId,
            (client, requestOptions, ct) => client.V1.Terminal.Readers.ConfirmPaymentIntentAsync(readerId, confirmOptions, requestOptions, ct),
            callOptions,
            cancellationToken);
    }

    /// <summary><c>refund_payment</c>: an in-person refund (Interac; the caller has checked it is one).</summary>
    public Task<TerminalReader> RefundPaymentAsync(
        string readerId, InPersonRefundRequest request, TerminalCallOptions? callOptions, CancellationToken cancellationToken)
    {
        var options = new ReaderRefundPaymentOptions
        {
            PaymentIntent = request.PaymentIntentId,
            Charge = request.ChargeId,
            Amount = request.Amount,
            Metadata = request.Metadata?.ToDictionary(StringComparer.Ordinal),
            RefundApplicationFee = request.RefundApplicationFee,
            ReverseTransfer = request.ReverseTransfer,
            RefundPaymentConfig = request.EnableCustomerCancellation
                ? new ReaderRefundPaymentConfigOptions { EnableCustomerCancellation = true }
                : null,
        };
        return SendAsync(
            StripeOperation.ReadersRefundPayment,
            readerId,
            request.PaymentIntentId,
            r => r.Action?.Type == "refund_payment"
                && (request.PaymentIntentId is null || r.Action.RefundPayment?.PaymentIntentId == request.PaymentIntentId)
                && (request.ChargeId is null || r.Action.RefundPayment?.ChargeId == request.ChargeId),
            (client, requestOptions, ct) => client.V1.Terminal.Readers.RefundPaymentAsync(readerId, options, requestOptions, ct),
            callOptions,
            cancellationToken);
    }

    /// <summary><c>process_setup_intent</c>: save a card without charging.</summary>
    public Task<TerminalReader> ProcessSetupIntentAsync(
        string readerId, string setupIntentId, AllowRedisplay allowRedisplay, bool enableCustomerCancellation, TerminalCallOptions? callOptions, CancellationToken cancellationToken)
    {
        var options = new ReaderProcessSetupIntentOptions
        {
            SetupIntent = setupIntentId,
            AllowRedisplay = RedisplayValue(allowRedisplay),
            ProcessConfig = enableCustomerCancellation ? new ReaderProcessConfigOptions { EnableCustomerCancellation = true } : null,
        };
        return SendAsync(
            StripeOperation.ReadersProcessSetupIntent,
            readerId,
            setupIntentId,
            r => r.Action?.Type == "process_setup_intent" && r.Action.ProcessSetupIntent?.SetupIntentId == setupIntentId,
            (client, requestOptions, ct) => client.V1.Terminal.Readers.ProcessSetupIntentAsync(readerId, options, requestOptions, ct),
            callOptions,
            cancellationToken);
    }

    /// <summary><c>set_reader_display</c>: a checked cart (its total adds up) in <paramref name="currency"/>.</summary>
    public Task<TerminalReader> SetReaderDisplayAsync(
        string readerId, ReaderCart cart, string currency, TerminalCallOptions? callOptions, CancellationToken cancellationToken)
    {
        var options = new ReaderSetReaderDisplayOptions
        {
            Type = "cart",
            Cart = new ReaderCartOptions
            {
                Currency = currency,
                LineItems = cart.LineItems.Select(l => new ReaderCartLineItemOptions
                {
                    Description = l.Description,
                    Amount = l.UnitAmount,
                    Quantity = l.Quantity,
                }).ToList(),
                Tax = cart.Tax,
                Total = cart.Total,
            },
        };
        return SendAsync(
            StripeOperation.ReadersSetDisplay,
            readerId,
            null,
            r => r.Action?.Type == "set_reader_display" && r.Action.SetReaderDisplay?.Cart?.Total == cart.Total,
            (client, requestOptions, ct) => client.V1.Terminal.Readers.SetReaderDisplayAsync(readerId, options, requestOptions, ct),
            callOptions,
            cancellationToken);
    }

    /// <summary><c>cancel_action</c>: arrived when the reader shows no action in progress any more.</summary>
    public Task<TerminalReader> CancelActionAsync(string readerId, TerminalCallOptions? callOptions, CancellationToken cancellationToken) =>
        SendAsync(
            StripeOperation.ReadersCancelAction,
            readerId,
            null,
            r => r.Action is null || r.Action.Status != "in_progress",
            (client, requestOptions, ct) => client.V1.Terminal.Readers.CancelActionAsync(readerId, null, requestOptions, ct),
            callOptions,
            cancellationToken);

    /// <summary><c>collect_inputs</c>: on-screen forms, already checked and built.</summary>
    public Task<TerminalReader> CollectInputsAsync(
        string readerId, ReaderCollectInputsOptions options, TerminalCallOptions? callOptions, CancellationToken cancellationToken) =>
        SendAsync(
            StripeOperation.ReadersCollectInputs,
            readerId,
            null,
            r => r.Action?.Type == "collect_inputs" && r.Action.CollectInputs?.Inputs?.Count == options.Inputs.Count,
            (client, requestOptions, ct) => client.V1.Terminal.Readers.CollectInputsAsync(readerId, options, requestOptions, ct),
            callOptions,
            cancellationToken);

    /// <summary>
    /// Sends one reader action. <paramref name="arrived"/> tells, from the reader read back after an
    /// ambiguous answer (<c>terminal_reader_timeout</c>, a lost response), whether this action reached it.
    /// </summary>
    private async Task<TerminalReader> SendAsync(
        StripeOperation operation,
        string readerId,
        string? intentId,
        Func<Reader, bool> arrived,
        StripeCall<Reader> call,
        TerminalCallOptions? callOptions,
        CancellationToken cancellationToken)
    {
        var reader = await executor.ExecuteReaderCommandAsync(
            operation,
            callOptions,
            new StripeCallContext(operation.Name, readerId, intentId),
            new ReaderCommandCheck(readerId, arrived),
            call,
            cancellationToken).ConfigureAwait(false);
        return ReaderMapping.Map(reader);
    }

    private static string? RedisplayValue(AllowRedisplay? value) => value switch
    {
        null => null,
        AllowRedisplay.Always => "always",
        AllowRedisplay.Limited => "limited",
        AllowRedisplay.Unspecified => "unspecified",
        _ => throw TerminalValidationException.For("AllowRedisplay", "is not a known value."),
    };
}
