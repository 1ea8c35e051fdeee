using System.Runtime.CompilerServices;
using Stripe.Terminal;
using StripeTerminalKit.Errors;
using StripeTerminalKit.Internal;
using StripeTerminalKit.Validation;

namespace StripeTerminalKit.Readers;

/// <summary>The Stripe.net-backed <see cref="ITerminalReaders"/>.</summary>
internal sealed partial class TerminalReaders : ITerminalReaders, Polling.IReaderPageSource
{
    internal const string ReaderPrefix = "tmr_";
    private const int MaxInputs = 5;

    private readonly StripeCallExecutor _executor;

    // Every reader action (these and the payment ones) is sent by ReaderActionCalls.
    private readonly ReaderActionCalls _actions;

    // How a wait for a reader action reads the reader: within the checkouts' budget for reads of one
    // reader (none without AddCheckout), so the process has one rule for how hard it reads readers.
    private readonly Polling.ReaderReads _reads;

    public TerminalReaders(StripeCallExecutor executor, Polling.PollBudget? readBudget = null)
    {
        _executor = executor;
        _actions = new ReaderActionCalls(executor);
        _reads = new Polling.ReaderReads(ReadAsync, readBudget, null, executor.TimeProvider, executor.Logger);
    }

    private async Task<TerminalReader> ReadAsync(string readerId, TerminalCallOptions? callOptions, CancellationToken cancellationToken) =>
        ReaderMapping.Map(await GetStripeReaderAsync(readerId, callOptions, cancellationToken).ConfigureAwait(false));

    public async Task<TerminalReader> RegisterAsync(
        RegisterReaderRequest request, TerminalCallOptions? callOptions = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        Guard.Text(request.RegistrationCode, "RegistrationCode", 5000);
        if (request.LocationId is not null)
        {
            Guard.Id(request.LocationId, "LocationId", "tml_");
        }

        Guard.OptionalText(request.Label, "Label", 5000);
        Guard.Metadata(request.Metadata, "Metadata");
        var options = new ReaderCreateOptions
        {
            RegistrationCode = request.RegistrationCode,
            Location = request.LocationId,
            Label = request.Label,
            Metadata = request.Metadata?.ToDictionary(StringComparer.Ordinal),
        };
        var reader = await _executor.ExecuteAsync(
            StripeOperation.ReadersCreate,
            callOptions,
            new StripeCallContext(StripeOperation.ReadersCreate.Name),
            (client, requestOptions, ct) => client.V1.Terminal.Readers.CreateAsync(options, requestOptions, ct),
            cancellationToken).ConfigureAwait(false);
        return ReaderMapping.Map(reader);
    }

    public async Task<TerminalReader> GetAsync(string readerId, TerminalCallOptions? callOptions = null, CancellationToken cancellationToken = default)
    {
        Guard.Id(readerId, nameof(readerId), ReaderPrefix);
        return ReaderMapping.Map(await GetStripeReaderAsync(readerId, callOptions, cancellationToken).ConfigureAwait(false));
    }

    private async Task<Reader> GetStripeReaderAsync(string readerId, TerminalCallOptions? callOptions, CancellationToken cancellationToken)
    {
        var reader = await _executor.ExecuteAsync(
            StripeOperation.ReadersGet,
            callOptions,
            new StripeCallContext(StripeOperation.ReadersGet.Name, readerId),
            (client, requestOptions, ct) => client.V1.Terminal.Readers.GetAsync(readerId, null, requestOptions, ct),
            cancellationToken).ConfigureAwait(false);
        if (reader.Deleted == true)
        {
            throw new ResourceNotFoundException($"Reader {readerId} was deleted.") { ResourceId = readerId, ErrorCode = "resource_missing", RequestId = reader.StripeResponse?.RequestId };
        }

        return reader;
    }

    public IAsyncEnumerable<TerminalReader> ListAsync(
        ReaderListFilter? filter = null, TerminalCallOptions? callOptions = null, CancellationToken cancellationToken = default)
    {
        filter ??= new ReaderListFilter();
        if (filter.PageSize is < 1 or > 100)
        {
            throw TerminalValidationException.For("PageSize", "must be between 1 and 100.");
        }

        if (filter.LocationId is not null)
        {
            Guard.Id(filter.LocationId, "LocationId", "tml_");
        }

        if (filter.NetworkStatus == ReaderNetworkStatus.Unknown)
        {
            throw TerminalValidationException.For("NetworkStatus", "can filter on Online or Offline only.");
        }

        Guard.OptionalText(filter.DeviceType, "DeviceType", 5000);
        Guard.OptionalText(filter.SerialNumber, "SerialNumber", 5000);
        return ListCoreAsync(filter, callOptions, cancellationToken);
    }

    private async IAsyncEnumerable<TerminalReader> ListCoreAsync(
        ReaderListFilter filter, TerminalCallOptions? callOptions, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string? startingAfter = null;
        while (true)
        {
            var options = new ReaderListOptions
            {
                Limit = filter.PageSize,
                StartingAfter = startingAfter,
                Location = filter.LocationId,
                Status = ReaderMapping.ToStripeStatus(filter.NetworkStatus),
                DeviceType = filter.DeviceType,
                SerialNumber = filter.SerialNumber,
            };
            var page = await _executor.ExecuteAsync(
                StripeOperation.ReadersList,
                callOptions,
                new StripeCallContext(StripeOperation.ReadersList.Name),
                (client, requestOptions, ct) => client.V1.Terminal.Readers.ListAsync(options, requestOptions, ct),
                cancellationToken).ConfigureAwait(false);

            foreach (var reader in page.Data)
            {
                yield return ReaderMapping.Map(reader);
            }

            if (!page.HasMore || page.Data.Count == 0)
            {
                yield break;
            }

            startingAfter = page.Data[^1].Id;
        }
    }

    public async Task<TerminalReader> UpdateAsync(
        string readerId, UpdateReaderRequest request, TerminalCallOptions? callOptions = null, CancellationToken cancellationToken = default)
    {
        Guard.Id(readerId, nameof(readerId), ReaderPrefix);
        ArgumentNullException.ThrowIfNull(request);
        if (request.Label is not null)
        {
            Guard.Text(request.Label, "Label", 5000);
        }

        Guard.Metadata(request.Metadata, "Metadata");
        var options = new ReaderUpdateOptions
        {
            Label = request.Label,
            Metadata = request.Metadata?.ToDictionary(StringComparer.Ordinal),
        };
        var reader = await _executor.ExecuteAsync(
            StripeOperation.ReadersUpdate,
            callOptions,
            new StripeCallContext(StripeOperation.ReadersUpdate.Name, readerId),
            (client, requestOptions, ct) => client.V1.Terminal.Readers.UpdateAsync(readerId, options, requestOptions, ct),
            cancellationToken).ConfigureAwait(false);
        return ReaderMapping.Map(reader);
    }

    public async Task DeleteAsync(string readerId, TerminalCallOptions? callOptions = null, CancellationToken cancellationToken = default)
    {
        Guard.Id(readerId, nameof(readerId), ReaderPrefix);
        await _executor.ExecuteAsync(
            StripeOperation.ReadersDelete,
            callOptions,
            new StripeCallContext(StripeOperation.ReadersDelete.Name, readerId),
            (client, requestOptions, ct) => client.V1.Terminal.Readers.DeleteAsync(readerId, null, requestOptions, ct),
            cancellationToken).ConfigureAwait(false);
    }
}
