using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Stripe;
using Stripe.Terminal;
using StripeTerminalKit.Diagnostics;
using StripeTerminalKit.Errors;
using StripeTerminalKit.Idempotency;
using StripeTerminalKit.Internal;
using StripeTerminalKit.Validation;

namespace StripeTerminalKit.Locations;

/// <summary>The Stripe.net-backed <see cref="ITerminalLocations"/>.</summary>
internal sealed class TerminalLocations : ITerminalLocations
{
    /// <summary>The metadata key under which <see cref="EnsureAsync"/> keeps the caller's stable key.</summary>
    internal const string StableKeyMetadata = "stk_location_key";

    private readonly StripeCallExecutor _executor;

    public TerminalLocations(StripeCallExecutor executor) => _executor = executor;

    public async Task<TerminalLocation> CreateAsync(
        CreateLocationRequest request, TerminalCallOptions? callOptions = null, CancellationToken cancellationToken = default)
    {
        var options = BuildCreateOptions(request);
        var location = await _executor.ExecuteAsync(
            StripeOperation.LocationsCreate,
            callOptions,
            new StripeCallContext(StripeOperation.LocationsCreate.Name),
            (client, requestOptions, ct) => client.V1.Terminal.Locations.CreateAsync(options, requestOptions, ct),
            cancellationToken).ConfigureAwait(false);
        return Map(location);
    }

    public async Task<TerminalLocation> GetAsync(string locationId, TerminalCallOptions? callOptions = null, CancellationToken cancellationToken = default)
    {
        Guard.Id(locationId, nameof(locationId), "tml_");
        var location = await _executor.ExecuteAsync(
            StripeOperation.LocationsGet,
            callOptions,
            new StripeCallContext(StripeOperation.LocationsGet.Name),
            (client, requestOptions, ct) => client.V1.Terminal.Locations.GetAsync(locationId, null, requestOptions, ct),
            cancellationToken).ConfigureAwait(false);
        if (location.Deleted == true)
        {
            throw new ResourceNotFoundException($"Location {locationId} was deleted.") { ResourceId = locationId, ErrorCode = "resource_missing", RequestId = location.StripeResponse?.RequestId };
        }

        return Map(location);
    }

    public async Task<TerminalLocation> UpdateAsync(
        string locationId, UpdateLocationRequest request, TerminalCallOptions? callOptions = null, CancellationToken cancellationToken = default)
    {
        Guard.Id(locationId, nameof(locationId), "tml_");
        ArgumentNullException.ThrowIfNull(request);
        Guard.OptionalText(request.DisplayName, "DisplayName", 1000);
        if (request.DisplayName is { Length: 0 } || (request.DisplayName is not null && string.IsNullOrWhiteSpace(request.DisplayName)))
        {
            throw TerminalValidationException.For("DisplayName", "must not be blank.");
        }

        if (request.Address is not null)
        {
            ValidateAddress(request.Address, _executor.Options.Country);
        }

        Guard.Metadata(request.Metadata, "Metadata");
        if (!string.IsNullOrEmpty(request.ConfigurationOverrides))
        {
            Guard.Id(request.ConfigurationOverrides, "ConfigurationOverrides", "tmc_");
        }

        var options = new LocationUpdateOptions
        {
            DisplayName = request.DisplayName,
            Address = request.Address is null ? null : ToAddressOptions(request.Address),
            Metadata = request.Metadata?.ToDictionary(StringComparer.Ordinal),
            ConfigurationOverrides = request.ConfigurationOverrides,
            Phone = request.Phone,
        };
        var location = await _executor.ExecuteAsync(
            StripeOperation.LocationsUpdate,
            callOptions,
            new StripeCallContext(StripeOperation.LocationsUpdate.Name),
            (client, requestOptions, ct) => client.V1.Terminal.Locations.UpdateAsync(locationId, options, requestOptions, ct),
            cancellationToken).ConfigureAwait(false);
        return Map(location);
    }

    public async Task DeleteAsync(string locationId, TerminalCallOptions? callOptions = null, CancellationToken cancellationToken = default)
    {
        Guard.Id(locationId, nameof(locationId), "tml_");
        await _executor.ExecuteAsync(
            StripeOperation.LocationsDelete,
            callOptions,
            new StripeCallContext(StripeOperation.LocationsDelete.Name),
            (client, requestOptions, ct) => client.V1.Terminal.Locations.DeleteAsync(locationId, null, requestOptions, ct),
            cancellationToken).ConfigureAwait(false);
    }

    public IAsyncEnumerable<TerminalLocation> ListAsync(int pageSize = 100, TerminalCallOptions? callOptions = null, CancellationToken cancellationToken = default)
    {
        // Validated here, not inside the iterator, so bad input fails at the call site.
        if (pageSize is < 1 or > 100)
        {
            throw TerminalValidationException.For(nameof(pageSize), "must be between 1 and 100.");
        }

        return ListCoreAsync(pageSize, callOptions, cancellationToken);
    }

    private async IAsyncEnumerable<TerminalLocation> ListCoreAsync(
        int pageSize, TerminalCallOptions? callOptions, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string? startingAfter = null;
        while (true)
        {
            var options = new LocationListOptions { Limit = pageSize, StartingAfter = startingAfter };
            var page = await _executor.ExecuteAsync(
                StripeOperation.LocationsList,
                callOptions,
                new StripeCallContext(StripeOperation.LocationsList.Name),
                (client, requestOptions, ct) => client.V1.Terminal.Locations.ListAsync(options, requestOptions, ct),
                cancellationToken).ConfigureAwait(false);

            foreach (var location in page.Data)
            {
                yield return Map(location);
            }

            if (!page.HasMore || page.Data.Count == 0)
            {
                yield break;
            }

            startingAfter = page.Data[^1].Id;
        }
    }

    public async Task<EnsureLocationResult> EnsureAsync(
        string stableKey, CreateLocationRequest request, TerminalCallOptions? callOptions = null, CancellationToken cancellationToken = default)
    {
        Guard.Text(stableKey, nameof(stableKey), Guard.MetadataMaxValueLength);
        ArgumentNullException.ThrowIfNull(request);
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        if (request.Metadata is not null)
        {
            foreach (var (key, value) in request.Metadata)
            {
                metadata[key] = value;
            }
        }

        metadata[StableKeyMetadata] = stableKey;
        var withKey = request with { Metadata = metadata };

        // Validate everything before the first request, including the create that may follow.
        var createOptions = BuildCreateOptions(withKey);

        await foreach (var existing in ListAsync(100, callOptions, cancellationToken).ConfigureAwait(false))
        {
            if (existing.Metadata.TryGetValue(StableKeyMetadata, out var found) && string.Equals(found, stableKey, StringComparison.Ordinal))
            {
                Log.LocationEnsured(_executor.Logger, stableKey, "found", existing.Id);
                return new EnsureLocationResult(existing, Created: false);
            }
        }

        // The key is derived from the stable key, so servers racing to create the same location
        // get Stripe's replay of one create instead of two locations.
        var ensureCall = (callOptions ?? new TerminalCallOptions()) with
        {
            IdempotencyKey = callOptions?.IdempotencyKey ?? IdempotencyKey.Derive("location-" + stableKey, "locations.ensure"),
        };
        var created = await _executor.ExecuteAsync(
            StripeOperation.LocationsCreate,
            ensureCall,
            new StripeCallContext(StripeOperation.LocationsCreate.Name),
            (client, requestOptions, ct) => client.V1.Terminal.Locations.CreateAsync(createOptions, requestOptions, ct),
            cancellationToken).ConfigureAwait(false);
        var mapped = Map(created);
        Log.LocationEnsured(_executor.Logger, stableKey, "created", mapped.Id);
        return new EnsureLocationResult(mapped, Created: true);
    }

    private LocationCreateOptions BuildCreateOptions(CreateLocationRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        Guard.Text(request.DisplayName, "DisplayName", 1000);
        if (request.Address is null)
        {
            throw TerminalValidationException.For("Address", "is required.");
        }

        ValidateAddress(request.Address, _executor.Options.Country);
        Guard.Metadata(request.Metadata, "Metadata");
        if (request.ConfigurationOverrides is not null)
        {
            Guard.Id(request.ConfigurationOverrides, "ConfigurationOverrides", "tmc_");
        }

        return new LocationCreateOptions
        {
            DisplayName = request.DisplayName,
            Address = ToAddressOptions(request.Address),
            Metadata = request.Metadata?.ToDictionary(StringComparer.Ordinal),
            ConfigurationOverrides = request.ConfigurationOverrides,
            Phone = request.Phone,
        };
    }

    /// <summary>Country required (ISO alpha-2); Australian addresses need a state and a four-digit postcode.</summary>
    internal static void ValidateAddress(TerminalAddress address, string? accountCountry)
    {
        if (string.IsNullOrWhiteSpace(address.Country))
        {
            throw TerminalValidationException.For("Address.Country", "is required.");
        }

        if (address.Country.Length != 2 || !address.Country.All(char.IsAsciiLetter))
        {
            throw TerminalValidationException.For("Address.Country", $"'{address.Country}' is not an ISO 3166-1 alpha-2 country code.");
        }

        var country = address.Country.ToUpperInvariant();
        Guard.OptionalText(address.Line1, "Address.Line1", 5000);
        Guard.OptionalText(address.Line2, "Address.Line2", 5000);
        Guard.OptionalText(address.City, "Address.City", 5000);
        Guard.OptionalText(address.State, "Address.State", 5000);
        Guard.OptionalText(address.PostalCode, "Address.PostalCode", 5000);

        if (country == "AU")
        {
            if (string.IsNullOrWhiteSpace(address.State))
            {
                throw TerminalValidationException.For("Address.State", "is required for Australian locations (for example 'VIC').");
            }

            if (string.IsNullOrWhiteSpace(address.PostalCode))
            {
                throw TerminalValidationException.For("Address.PostalCode", "is required for Australian locations.");
            }

            if (address.PostalCode.Trim().Length != 4 || !address.PostalCode.Trim().All(char.IsAsciiDigit))
            {
                throw TerminalValidationException.For("Address.PostalCode", "must be a four-digit Australian postcode.");
            }
        }

        // Australian accounts may only have Australian locations (and charge in AUD).
        if (string.Equals(accountCountry, "AU", StringComparison.OrdinalIgnoreCase) && country != "AU")
        {
            throw TerminalValidationException.For("Address.Country", "must be AU: an Australian Stripe account can only have locations in Australia.");
        }
    }

    private static AddressOptions ToAddressOptions(TerminalAddress address) => new()
    {
        Country = address.Country.ToUpperInvariant(),
        Line1 = address.Line1,
        Line2 = address.Line2,
        City = address.City,
        State = address.State,
        PostalCode = address.PostalCode?.Trim(),
    };

    internal static TerminalLocation Map(Location location) => new(
        location.Id,
        location.DisplayName ?? string.Empty,
        location.Address is { } address
            ? new TerminalAddress(address.Country ?? string.Empty, address.Line1, address.Line2, address.City, address.State, address.PostalCode)
            : null,
        ModelMapping.Metadata(location.Metadata),
        location.ConfigurationOverrides,
        location.Phone,
        location.Livemode);
}
