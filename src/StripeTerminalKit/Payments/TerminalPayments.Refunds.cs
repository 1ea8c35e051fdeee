using System.Runtime.CompilerServices;
using Stripe;
using StripeTerminalKit.Errors;
using StripeTerminalKit.Internal;
using StripeTerminalKit.Readers;
using StripeTerminalKit.Validation;

namespace StripeTerminalKit.Payments;

// Refunds: online (POST /v1/refunds) and in person on the reader (Interac only, checked first),
// and reading them back.
internal sealed partial class TerminalPayments
{
    public async Task<TerminalRefund> RefundAsync(CreateRefundRequest request, TerminalCallOptions? callOptions = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        Guard.Id(request.PaymentIntentId, "PaymentIntentId", PaymentIntentPrefix);
        if (request.Amount is { } amount)
        {
            Guard.Amount(amount, "Amount");
        }

        Guard.Metadata(request.Metadata, "Metadata");
        var options = new RefundCreateOptions
        {
            PaymentIntent = request.PaymentIntentId,
            Amount = request.Amount,
            Reason = request.Reason switch
            {
                null => null,
                RefundReason.RequestedByCustomer => "requested_by_customer",
                RefundReason.Duplicate => "duplicate",
                RefundReason.Fraudulent => "fraudulent",
                _ => throw TerminalValidationException.For("Reason", "is not a known refund reason."),
            },
            Metadata = request.Metadata?.ToDictionary(StringComparer.Ordinal),
            RefundApplicationFee = request.RefundApplicationFee,
            ReverseTransfer = request.ReverseTransfer,
        };
        var refund = await _executor.ExecuteAsync(
            StripeOperation.RefundsCreate,
            callOptions,
            new StripeCallContext(StripeOperation.RefundsCreate.Name, IntentId: request.PaymentIntentId),
            (client, requestOptions, ct) => client.V1.Refunds.CreateAsync(options, requestOptions, ct),
            cancellationToken).ConfigureAwait(false);
        return PaymentMapping.Map(refund);
    }

    public async Task<TerminalReader> RefundOnReaderAsync(
        string readerId, InPersonRefundRequest request, TerminalCallOptions? callOptions = null, CancellationToken cancellationToken = default)
    {
        Guard.Id(readerId, nameof(readerId), TerminalReaders.ReaderPrefix);
        ArgumentNullException.ThrowIfNull(request);
        if ((request.PaymentIntentId is null) == (request.ChargeId is null))
        {
            throw TerminalValidationException.For("PaymentIntentId", "set exactly one of PaymentIntentId and ChargeId.");
        }

        if (request.PaymentIntentId is not null)
        {
            Guard.Id(request.PaymentIntentId, "PaymentIntentId", PaymentIntentPrefix);
        }
        else
        {
            Guard.Id(request.ChargeId, "ChargeId", ChargePrefixes);
        }

        if (request.Amount is { } amount)
        {
            Guard.Amount(amount, "Amount");
        }

        Guard.Metadata(request.Metadata, "Metadata");
        await EnsureInteracAsync(request, callOptions, cancellationToken).ConfigureAwait(false);
        return await _readerActions.RefundPaymentAsync(readerId, request, callOptions, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// In-person refunds (<c>refund_payment</c>) exist for Interac only — "In-person refunds are
    /// only available on Interac" (docs: terminal/features/refunds; facts corrections table).
    /// Interac is Canadian: outside Canada the refusal needs no call at all; in Canada one read
    /// of the payment tells Interac from Visa or Mastercard, before the reader is asked anything.
    /// </summary>
    private async Task EnsureInteracAsync(InPersonRefundRequest request, TerminalCallOptions? callOptions, CancellationToken cancellationToken)
    {
        var parameter = request.PaymentIntentId is not null ? "PaymentIntentId" : "ChargeId";
        if (!string.Equals(Country, "CA", StringComparison.OrdinalIgnoreCase))
        {
            throw NotInterac(parameter, $"Interac exists only in Canada and this kit is configured for {Country}");
        }

        // A read only: the call options' account matters, their idempotency key belongs to the refund.
        var readOptions = callOptions?.ConnectedAccount is { } account ? new TerminalCallOptions { ConnectedAccount = account } : null;
        string? network;
        string? type;
        if (request.PaymentIntentId is { } intentId)
        {
            var payment = await GetAsync(intentId, readOptions, cancellationToken).ConfigureAwait(false);
            network = payment.LatestCharge?.Network;
            type = payment.LatestCharge?.PaymentMethodType;
            if (payment.LatestCharge is null)
            {
                // Nothing was charged: let Stripe answer with its own error for the refund.
                return;
            }
        }
        else
        {
            var chargeId = request.ChargeId!;
            var charge = await _executor.ExecuteAsync(
                StripeOperation.ChargesGet,
                readOptions,
                new StripeCallContext(StripeOperation.ChargesGet.Name),
                (client, requestOptions, ct) => client.V1.Charges.GetAsync(chargeId, null, requestOptions, ct),
                cancellationToken).ConfigureAwait(false);
            type = charge.PaymentMethodDetails?.Type;
            network = type == "interac_present" ? charge.PaymentMethodDetails?.InteracPresent?.Network : charge.PaymentMethodDetails?.CardPresent?.Network;
        }

        if (type != "interac_present" && !string.Equals(network, "interac", StringComparison.Ordinal))
        {
            throw NotInterac(parameter, $"the payment was made with {type ?? "an unknown method"} on the {network ?? "unknown"} network");
        }
    }

    private static TerminalValidationException NotInterac(string parameter, string why) =>
        new($"{parameter}: in-person refunds on the reader are only available for Interac payments ({why}). Refund it online with RefundAsync instead.")
        {
            Parameter = parameter,
            ErrorCode = InPersonRefundNotInteracCode,
        };

    /// <summary>The <see cref="StripeTerminalException.ErrorCode"/> of a reader refund refused because the payment is not Interac.</summary>
    internal const string InPersonRefundNotInteracCode = "in_person_refund_requires_interac";

    public async Task<TerminalRefund> GetRefundAsync(string refundId, TerminalCallOptions? callOptions = null, CancellationToken cancellationToken = default)
    {
        Guard.Id(refundId, nameof(refundId), "re_", "pyr_");
        var refund = await _executor.ExecuteAsync(
            StripeOperation.RefundsGet,
            callOptions,
            new StripeCallContext(StripeOperation.RefundsGet.Name),
            (client, requestOptions, ct) => client.V1.Refunds.GetAsync(refundId, null, requestOptions, ct),
            cancellationToken).ConfigureAwait(false);
        return PaymentMapping.Map(refund);
    }

    public IAsyncEnumerable<TerminalRefund> ListRefundsAsync(string paymentIntentId, TerminalCallOptions? callOptions = null, CancellationToken cancellationToken = default)
    {
        // Validated here, not inside the iterator, so bad input fails at the call site.
        Guard.Id(paymentIntentId, nameof(paymentIntentId), "pi_");
        return ListRefundsCoreAsync(paymentIntentId, callOptions, cancellationToken);
    }

    private async IAsyncEnumerable<TerminalRefund> ListRefundsCoreAsync(
        string paymentIntentId, TerminalCallOptions? callOptions, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var options = new RefundListOptions { PaymentIntent = paymentIntentId, Limit = 100 };
        while (true)
        {
            var page = await _executor.ExecuteAsync(
                StripeOperation.RefundsList,
                callOptions,
                new StripeCallContext(StripeOperation.RefundsList.Name, IntentId: paymentIntentId),
                (client, requestOptions, ct) => client.V1.Refunds.ListAsync(options, requestOptions, ct),
                cancellationToken).ConfigureAwait(false);
            foreach (var refund in page.Data)
            {
                yield return PaymentMapping.Map(refund);
            }

            if (!page.HasMore || page.Data.Count == 0)
            {
                yield break;
            }

            options.StartingAfter = page.Data[^1].Id;
        }
    }
}
