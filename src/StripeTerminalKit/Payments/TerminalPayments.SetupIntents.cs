using Stripe;
using StripeTerminalKit.Errors;
using StripeTerminalKit.Internal;
using StripeTerminalKit.Readers;
using StripeTerminalKit.Validation;

namespace StripeTerminalKit.Payments;

// SetupIntents: saving a card_present card for later online charges (create, save on the reader,
// read, cancel). Apart from PaymentIntents because they move no money.
internal sealed partial class TerminalPayments
{
    public async Task<TerminalSetupIntent> CreateSetupIntentAsync(
        CreateSetupIntentRequest request, TerminalCallOptions? callOptions = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.CustomerId is not null)
        {
            Guard.Id(request.CustomerId, "CustomerId", "cus_");
        }

        if (request.OnBehalfOf is not null)
        {
            Guard.Id(request.OnBehalfOf, "OnBehalfOf", "acct_");
        }

        Guard.OptionalText(request.Description, "Description", 1000);
        Guard.Metadata(request.Metadata, "Metadata");
        var options = new SetupIntentCreateOptions
        {
            AllowedPaymentMethodTypes = ["card_present"],
            Customer = request.CustomerId,
            Usage = request.OnSession ? "on_session" : "off_session",
            Description = request.Description,
            Metadata = request.Metadata?.ToDictionary(StringComparer.Ordinal),
            OnBehalfOf = request.OnBehalfOf,
        };
        var intent = await _executor.ExecuteAsync(
            StripeOperation.SetupIntentsCreate,
            callOptions,
            new StripeCallContext(StripeOperation.SetupIntentsCreate.Name),
            (client, requestOptions, ct) => client.V1.SetupIntents.CreateAsync(options, requestOptions, ct),
            cancellationToken).ConfigureAwait(false);
        return PaymentMapping.Map(intent);
    }

    public async Task<TerminalReader> SaveCardOnReaderAsync(
        string readerId,
        string setupIntentId,
        AllowRedisplay allowRedisplay,
        bool enableCustomerCancellation = false,
        TerminalCallOptions? callOptions = null,
        CancellationToken cancellationToken = default)
    {
        Guard.Id(readerId, nameof(readerId), TerminalReaders.ReaderPrefix);
        Guard.Id(setupIntentId, nameof(setupIntentId), SetupIntentPrefix);
        return await _readerActions.ProcessSetupIntentAsync(readerId, setupIntentId, allowRedisplay, enableCustomerCancellation, callOptions, cancellationToken).ConfigureAwait(false);
    }

    public async Task<TerminalSetupIntent> GetSetupIntentAsync(string setupIntentId, TerminalCallOptions? callOptions = null, CancellationToken cancellationToken = default)
    {
        Guard.Id(setupIntentId, nameof(setupIntentId), SetupIntentPrefix);
        var intent = await _executor.ExecuteAsync(
            StripeOperation.SetupIntentsGet,
            callOptions,
            new StripeCallContext(StripeOperation.SetupIntentsGet.Name, IntentId: setupIntentId),
            (client, requestOptions, ct) => client.V1.SetupIntents.GetAsync(setupIntentId, null, requestOptions, ct),
            cancellationToken).ConfigureAwait(false);
        return PaymentMapping.Map(intent);
    }

    public async Task<TerminalSetupIntent> CancelSetupIntentAsync(string setupIntentId, TerminalCallOptions? callOptions = null, CancellationToken cancellationToken = default)
    {
        Guard.Id(setupIntentId, nameof(setupIntentId), SetupIntentPrefix);
        var intent = await _executor.ExecuteAsync(
            StripeOperation.SetupIntentsCancel,
            callOptions,
            new StripeCallContext(StripeOperation.SetupIntentsCancel.Name, IntentId: setupIntentId),
            (client, requestOptions, ct) => client.V1.SetupIntents.CancelAsync(setupIntentId, null, requestOptions, ct),
            cancellationToken).ConfigureAwait(false);
        return PaymentMapping.Map(intent);
    }
}
