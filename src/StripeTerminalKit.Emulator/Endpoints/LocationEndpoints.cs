using StripeTerminalKit.Emulator.Http;
using StripeTerminalKit.Emulator.Resources;

namespace StripeTerminalKit.Emulator.Engine;

/// <summary><c>/v1/terminal/locations</c>.</summary>
internal sealed partial class EmulatorEngine
{
    internal object CreateLocation(RequestContext c)
    {
        var p = c.Params;
        var displayName = p.String("display_name", required: true, maxLength: 1000)!;
        var address = ReadAddress(p.Object("address", required: true)!, required: true);
        var metadata = p.MetadataForCreate("metadata");
        var phone = p.String("phone");
        var configuration = p.String("configuration_overrides", allowEmpty: false);
        c.ReadExpand();
        p.EnsureNoUnknown();
        if (configuration is not null)
        {
            FindConfiguration(c, configuration, "configuration_overrides");
        }

        var location = new Location
        {
            Id = _state.NewId("tml_"),
            Account = c.Account,
            Created = _state.NowUnix,
            Sequence = _state.NextSequence(),
            DisplayName = displayName,
            Address = address,
            Metadata = metadata,
            Phone = phone,
            ConfigurationOverrides = configuration,
        };
        _state.Locations[location.Id] = location;
        return location;
    }

    internal object GetLocation(RequestContext c)
    {
        c.ReadExpand();
        c.Params.EnsureNoUnknown();
        if (_state.Locations.TryGetValue(c.Id, out var location) && location.Deleted && location.Account == c.Account)
        {
            return location; // Stripe answers a deleted location with { id, object, deleted: true }
        }

        return FindLocation(c, c.Id);
    }

    internal object UpdateLocation(RequestContext c)
    {
        var location = FindLocation(c, c.Id);
        var p = c.Params;
        var displayName = p.String("display_name", maxLength: 1000, allowEmpty: false);
        var addressParams = p.Object("address");
        var address = addressParams is null ? null : ReadAddress(addressParams, required: false);
        var metadata = p.Metadata("metadata", out var clearAll);
        var phone = p.String("phone");
        var configuration = p.String("configuration_overrides");
        c.ReadExpand();
        p.EnsureNoUnknown();
        if (configuration is { Length: > 0 })
        {
            FindConfiguration(c, configuration, "configuration_overrides");
        }

        if (address is not null && address.Country.Length > 0 && address.Country != location.Address.Country)
        {
            throw ApiErrorException.InvalidRequest("You cannot change the country of a Location's address.", "address[country]");
        }

        var newMetadata = new Dictionary<string, string>(location.Metadata, StringComparer.Ordinal);
        Params.ApplyMetadata(newMetadata, metadata, clearAll);

        if (displayName is not null)
        {
            location.DisplayName = displayName;
        }

        if (address is not null)
        {
            address.Country = location.Address.Country;
            location.Address = address;
        }

        location.Metadata = newMetadata;
        if (phone is not null)
        {
            location.Phone = phone.Length == 0 ? null : phone;
        }

        if (configuration is not null)
        {
            location.ConfigurationOverrides = configuration.Length == 0 ? null : configuration;
        }

        return location;
    }

    internal object DeleteLocation(RequestContext c)
    {
        c.Params.EnsureNoUnknown();
        var location = FindLocation(c, c.Id);
        location.Deleted = true;
        foreach (var reader in _state.Readers.Values)
        {
            if (reader.LocationId == location.Id && !reader.Deleted)
            {
                reader.LocationId = null;
            }
        }

        return location;
    }

    internal object ListLocations(RequestContext c) =>
        Page(c, "/v1/terminal/locations", _state.Locations.Values.Where(c.Visible));

    private Location FindLocation(RequestContext c, string id)
    {
        if (string.IsNullOrEmpty(id))
        {
            throw ApiErrorException.InvalidRequest("Location id must not be empty.", "location");
        }

        return _state.Locations.TryGetValue(id, out var location) && c.Visible(location)
            ? location
            : throw ApiErrorException.NoSuch("terminal.location", id, "location");
    }

    private static Address ReadAddress(Params a, bool required)
    {
        var address = new Address
        {
            Line1 = a.String("line1", maxLength: 500),
            Line2 = a.String("line2", maxLength: 500),
            City = a.String("city", maxLength: 500),
            State = a.String("state", maxLength: 500),
            PostalCode = a.String("postal_code", maxLength: 50),
            Country = a.String("country", required: required, maxLength: 2) ?? "",
        };
        if (address.Country.Length > 0 && (address.Country.Length != 2 || !address.Country.All(char.IsAsciiLetterUpper)))
        {
            throw ApiErrorException.InvalidRequest($"Country '{address.Country}' is unknown. Try using a 2-character alphanumeric country code instead, such as 'US', 'EG', or 'GB'. A full list of country codes is available at https://stripe.com/docs/api/terminal/locations/create#create_terminal_location-address-country", "address[country]");
        }

        if (required && address.Country == "AU" && (string.IsNullOrEmpty(address.State) || string.IsNullOrEmpty(address.PostalCode)))
        {
            throw ApiErrorException.InvalidRequest("Australian addresses require address[state] and address[postal_code].", string.IsNullOrEmpty(address.State) ? "address[state]" : "address[postal_code]");
        }

        return address;
    }
}
