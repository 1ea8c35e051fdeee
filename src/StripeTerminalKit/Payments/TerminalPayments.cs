using Microsoft.Extensions.Logging;
using Stripe;
using StripeTerminalKit.Diagnostics;
using StripeTerminalKit.Errors;
using StripeTerminalKit.Internal;
using StripeTerminalKit.Readers;
using StripeTerminalKit.Validation;

namespace StripeTerminalKit.Payments;

/// <summary>The Stripe.net-backed <see cref="ITerminalPayments"/>.</summary>
internal sealed partial class TerminalPayments : ITerminalPayments
{
    private const string PaymentIntentPrefix = "pi_";
    private const string SetupIntentPrefix = "seti_";
    private static readonly string[] ChargePrefixes = ["ch_", "py_"];

    private readonly StripeCallExecutor _executor;

    // The reader actions (process, collect, confirm, refund on the reader, save a card) are sent by
    // the readers module's one implementation of reader-action calls; this module checks their input.
    private readonly ReaderActionCalls _readerActions;

    public TerminalPayments(StripeCallExecutor executor)
    {
        _executor = executor;
        _readerActions = new ReaderActionCalls(executor);
    }

    private string Country => _executor.Options.Country!;

    public async Task<TerminalPayment> CreateAsync(CreatePaymentRequest request, TerminalCallOptions? callOptions = null, CancellationToken cancellationToken = default)
    {
        var options = BuildCreateOptions(request);
        if (options.CaptureMethod == "manual" && string.Equals(Country, "AU", StringComparison.OrdinalIgnoreCase))
        {
            Log.ManualCaptureDeclinesEftpos(_executor.Logger, "AU");
        }

        var intent = await _executor.ExecuteAsync(
            StripeOperation.PaymentIntentsCreate,
            callOptions,
            new StripeCallContext(StripeOperation.PaymentIntentsCreate.Name),
            (client, requestOptions, ct) => client.V1.PaymentIntents.CreateAsync(options, requestOptions, ct),
            cancellationToken).ConfigureAwait(false);
        return PaymentMapping.Map(intent);
    }

    /// <summary>Validates the request and applies the country's defaults.</summary>
    internal PaymentIntentCreateOptions BuildCreateOptions(CreatePaymentRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var currency = Guard.Currency(
            request.Currency ?? _executor.Options.DefaultCurrency ?? TerminalCountries.GetDefaultCurrency(Country), "Currency", Country);
        Guard.Amount(request.Amount, "Amount", currency);
        Guard.Metadata(request.Metadata, "Metadata");
        Guard.OptionalText(request.Description, "Description", 1000);
        Guard.OptionalText(request.StatementDescriptorSuffix, "StatementDescriptorSuffix", 22);
        if (request.ReceiptEmail is not null)
        {
            Guard.Email(request.ReceiptEmail, "ReceiptEmail");
        }

        if (request.CustomerId is not null)
        {
            Guard.Id(request.CustomerId, "CustomerId", "cus_");
        }

        if (request.OnBehalfOf is not null)
        {
            Guard.Id(request.OnBehalfOf, "OnBehalfOf", "acct_");
        }

        if (request.ApplicationFeeAmount is { } fee)
        {
            Guard.NonNegativeAmount(fee, "ApplicationFeeAmount");
            if (fee > request.Amount)
            {
                throw TerminalValidationException.For("ApplicationFeeAmount", "must not exceed the amount.");
            }
        }

        var capture = request.CaptureMethod ?? DefaultCaptureMethod(Country);
        if ((request.RequestExtendedAuthorization || request.RequestIncrementalAuthorizationSupport) && capture == CaptureMethod.Automatic)
        {
            throw TerminalValidationException.For(
                "CaptureMethod", "extended and incremental authorisation need Manual or ManualPreferred capture.");
        }

        // Interac no longer supports capture_method=manual (changelog basil 2025-03-31; facts
        // corrections table, "Interac capture"): a manual-capture CAD payment leaves Interac out
        // by default, and asking for both is refused before any call.
        var allowInterac = request.AllowInterac ?? (currency == "cad" && capture != CaptureMethod.Manual);
        if (allowInterac && currency != "cad")
        {
            throw TerminalValidationException.For("AllowInterac", "Interac is only available for CAD payments.");
        }

        if (allowInterac && capture == CaptureMethod.Manual)
        {
            throw TerminalValidationException.For("AllowInterac", "Interac does not support manual capture; use automatic capture, or leave Interac out.");
        }

        ValidateDelayedCapture(request, capture, currency);
        var cardPresent = new PaymentIntentPaymentMethodOptionsCardPresentOptions
        {
            CaptureMethod = capture switch
            {
                CaptureMethod.ManualPreferred => "manual_preferred",
                CaptureMethod.AutomaticDelayed => "automatic_delayed",
                _ => null,
            },
            Routing = request.RoutingPriority is { } routing
                ? new PaymentIntentPaymentMethodOptionsCardPresentRoutingOptions
                {
                    RequestedPriority = routing == RoutingPriority.Domestic ? "domestic" : "international",
                }
                : null,
            RequestExtendedAuthorization = request.RequestExtendedAuthorization ? true : null,
            RequestIncrementalAuthorizationSupport = request.RequestIncrementalAuthorizationSupport ? true : null,
        };
        var hasCardPresentOptions = cardPresent.CaptureMethod is not null || cardPresent.Routing is not null
            || cardPresent.RequestExtendedAuthorization is not null || cardPresent.RequestIncrementalAuthorizationSupport is not null;

        var create = new PaymentIntentCreateOptions
        {
            Amount = request.Amount,
            Currency = currency,

            // API 2026-10-28.endive: payment_method_types is gone; allowed_payment_method_types replaces it.
            AllowedPaymentMethodTypes = allowInterac ? ["card_present", "interac_present"] : ["card_present"],
            CaptureMethod = capture == CaptureMethod.Manual ? "manual" : "automatic",
            PaymentMethodOptions = hasCardPresentOptions ? new PaymentIntentPaymentMethodOptionsOptions { CardPresent = cardPresent } : null,
            Description = request.Description,
            Metadata = request.Metadata?.ToDictionary(StringComparer.Ordinal),
            ReceiptEmail = request.ReceiptEmail,
            StatementDescriptorSuffix = request.StatementDescriptorSuffix,
            Customer = request.CustomerId,
            OnBehalfOf = request.OnBehalfOf,
            ApplicationFeeAmount = request.ApplicationFeeAmount,
        };
        if (request.CaptureDelayDays is { } days)
        {
            // Stripe.net 53.1.0 has no property for it (facts §6): sent as an extra parameter.
            create.AddExtraParam("payment_method_options[card_present][capture_delay_days]", days);
        }

        return create;
    }

    /// <summary><c>automatic_delayed</c>: Stripe's rule (<see cref="DelayedCaptureRule"/>), refused here before any call.</summary>
    private void ValidateDelayedCapture(CreatePaymentRequest request, CaptureMethod capture, string currency)
    {
        if (DelayedCaptureRule.Check(capture == CaptureMethod.AutomaticDelayed, request.CaptureDelayDays, currency, Country) is { } problem)
        {
            throw TerminalValidationException.For(problem.Parameter, problem.Problem);
        }
    }

    /// <summary>Australia: manual_preferred, so eftpos (single-message) captures at once and other cards authorise only.</summary>
    internal static CaptureMethod DefaultCaptureMethod(string country) =>
        string.Equals(country, "AU", StringComparison.OrdinalIgnoreCase) ? CaptureMethod.ManualPreferred : CaptureMethod.Automatic;

    public async Task<TerminalPayment> GetAsync(string paymentIntentId, TerminalCallOptions? callOptions = null, CancellationToken cancellationToken = default)
    {
        Guard.Id(paymentIntentId, nameof(paymentIntentId), PaymentIntentPrefix);
        var options = new PaymentIntentGetOptions { Expand = ["latest_charge"] };
        return await IntentCallAsync(StripeOperation.PaymentIntentsGet, paymentIntentId, callOptions,
            (client, requestOptions, ct) => client.V1.PaymentIntents.GetAsync(paymentIntentId, options, requestOptions, ct), cancellationToken).ConfigureAwait(false);
    }

    public async Task<TerminalPayment> UpdateAmountAsync(
        string paymentIntentId, long amount, TerminalCallOptions? callOptions = null, CancellationToken cancellationToken = default)
    {
        Guard.Id(paymentIntentId, nameof(paymentIntentId), PaymentIntentPrefix);
        Guard.Amount(amount, nameof(amount));
        var options = new PaymentIntentUpdateOptions { Amount = amount };
        return await IntentCallAsync(StripeOperation.PaymentIntentsUpdate, paymentIntentId, callOptions,
            (client, requestOptions, ct) => client.V1.PaymentIntents.UpdateAsync(paymentIntentId, options, requestOptions, ct), cancellationToken).ConfigureAwait(false);
    }

    public async Task<TerminalPayment> UpdateReceiptEmailAsync(
        string paymentIntentId, string receiptEmail, TerminalCallOptions? callOptions = null, CancellationToken cancellationToken = default)
    {
        Guard.Id(paymentIntentId, nameof(paymentIntentId), PaymentIntentPrefix);
        Guard.Email(receiptEmail, nameof(receiptEmail));
        var options = new PaymentIntentUpdateOptions { ReceiptEmail = receiptEmail };
        return await IntentCallAsync(StripeOperation.PaymentIntentsUpdate, paymentIntentId, callOptions,
            (client, requestOptions, ct) => client.V1.PaymentIntents.UpdateAsync(paymentIntentId, options, requestOptions, ct), cancellationToken).ConfigureAwait(false);
    }

    public async Task<TerminalReader> ProcessOnReaderAsync(
        string readerId, string paymentIntentId, PaymentCollectionOptions? options = null, TerminalCallOptions? callOptions = null, CancellationToken cancellationToken = default)
    {
        Guard.Id(readerId, nameof(readerId), TerminalReaders.ReaderPrefix);
        Guard.Id(paymentIntentId, nameof(paymentIntentId), PaymentIntentPrefix);
        ValidateCollection(options);
        return await _readerActions.ProcessPaymentIntentAsync(readerId, paymentIntentId, options, callOptions, cancellationToken).ConfigureAwait(false);
    }

    public async Task<TerminalReader> CollectOnReaderAsync(
        string readerId, string paymentIntentId, PaymentCollectionOptions? options = null, TerminalCallOptions? callOptions = null, CancellationToken cancellationToken = default)
    {
        Guard.Id(readerId, nameof(readerId), TerminalReaders.ReaderPrefix);
        Guard.Id(paymentIntentId, nameof(paymentIntentId), PaymentIntentPrefix);
        ValidateCollection(options);
        return await _readerActions.CollectPaymentMethodAsync(readerId, paymentIntentId, options, callOptions, cancellationToken).ConfigureAwait(false);
    }

    public async Task<TerminalReader> ConfirmOnReaderAsync(
        string readerId, string paymentIntentId, TerminalCallOptions? callOptions = null, CancellationToken cancellationToken = default)
    {
        Guard.Id(readerId, nameof(readerId), TerminalReaders.ReaderPrefix);
        Guard.Id(paymentIntentId, nameof(paymentIntentId), PaymentIntentPrefix);
        return await _readerActions.ConfirmPaymentIntentAsync(readerId, paymentIntentId, callOptions, cancellationToken).ConfigureAwait(false);
    }

    public async Task<TerminalPayment> CaptureAsync(
        string paymentIntentId, long? amountToCapture = null, TerminalCallOptions? callOptions = null, CancellationToken cancellationToken = default)
    {
        Guard.Id(paymentIntentId, nameof(paymentIntentId), PaymentIntentPrefix);
        if (amountToCapture is { } amount)
        {
            Guard.Amount(amount, nameof(amountToCapture));
        }

        // The card (brand, last4, network) is part of the answer a POS prints: expand it rather than read again.
        var options = new PaymentIntentCaptureOptions { AmountToCapture = amountToCapture, Expand = ["latest_charge"] };
        return await IntentCallAsync(StripeOperation.PaymentIntentsCapture, paymentIntentId, callOptions,
            (client, requestOptions, ct) => client.V1.PaymentIntents.CaptureAsync(paymentIntentId, options, requestOptions, ct), cancellationToken).ConfigureAwait(false);
    }

    public async Task<TerminalPayment> CancelAsync(
        string paymentIntentId, PaymentCancellationReason? reason = null, TerminalCallOptions? callOptions = null, CancellationToken cancellationToken = default)
    {
        Guard.Id(paymentIntentId, nameof(paymentIntentId), PaymentIntentPrefix);
        var options = new PaymentIntentCancelOptions
        {
            Expand = ["latest_charge"],
            CancellationReason = reason switch
            {
                null => null,
                PaymentCancellationReason.Abandoned => "abandoned",
                PaymentCancellationReason.Duplicate => "duplicate",
                PaymentCancellationReason.Fraudulent => "fraudulent",
                PaymentCancellationReason.RequestedByCustomer => "requested_by_customer",
                _ => throw TerminalValidationException.For(nameof(reason), "is not a known cancellation reason."),
            },
        };
        return await IntentCallAsync(StripeOperation.PaymentIntentsCancel, paymentIntentId, callOptions,
            (client, requestOptions, ct) => client.V1.PaymentIntents.CancelAsync(paymentIntentId, options, requestOptions, ct), cancellationToken).ConfigureAwait(false);
    }

    public async Task<TerminalPayment> IncrementAuthorizationAsync(
        string paymentIntentId, long newAmount, TerminalCallOptions? callOptions = null, CancellationToken cancellationToken = default)
    {
        Guard.Id(paymentIntentId, nameof(paymentIntentId), PaymentIntentPrefix);
        Guard.Amount(newAmount, nameof(newAmount));
        var options = new PaymentIntentIncrementAuthorizationOptions { Amount = newAmount };
        return await IntentCallAsync(StripeOperation.PaymentIntentsIncrementAuthorization, paymentIntentId, callOptions,
            (client, requestOptions, ct) => client.V1.PaymentIntents.IncrementAuthorizationAsync(paymentIntentId, options, requestOptions, ct), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>One call on a PaymentIntent the caller names, its answer mapped.</summary>
    private async Task<TerminalPayment> IntentCallAsync(
        StripeOperation operation, string paymentIntentId, TerminalCallOptions? callOptions, StripeCall<PaymentIntent> call, CancellationToken cancellationToken) =>
        PaymentMapping.Map(await _executor.ExecuteAsync(
            operation, callOptions, new StripeCallContext(operation.Name, IntentId: paymentIntentId), call, cancellationToken).ConfigureAwait(false));

    private static void ValidateCollection(PaymentCollectionOptions? options)
    {
        if (options?.TipEligibleAmount is not { } eligible)
        {
            return;
        }

        Guard.NonNegativeAmount(eligible, "TipEligibleAmount");

        // Stripe rejects a positive tip-eligible amount combined with skip_tipping.
        if (options.SkipTipping && eligible > 0)
        {
            throw TerminalValidationException.For("TipEligibleAmount", "cannot be positive when SkipTipping is set.");
        }
    }
}
