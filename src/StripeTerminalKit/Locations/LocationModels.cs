namespace StripeTerminalKit.Locations;

/// <summary>A postal address of a Terminal location.</summary>
/// <param name="Country">ISO 3166-1 alpha-2 country, such as <c>AU</c>. Required; cannot change after creation.</param>
/// <param name="Line1">Street address.</param>
/// <param name="Line2">Apartment, suite, unit.</param>
/// <param name="City">City or suburb.</param>
/// <param name="State">State or province; required in Australia (for example <c>VIC</c>).</param>
/// <param name="PostalCode">Postal code; required in Australia (four digits).</param>
public sealed record TerminalAddress(
    string Country,
    string? Line1 = null,
    string? Line2 = null,
    string? City = null,
    string? State = null,
    string? PostalCode = null);

/// <summary>A Terminal location: the place readers are registered to.</summary>
/// <param name="Id">The location id (<c>tml_…</c>).</param>
/// <param name="DisplayName">The name shown in the Dashboard.</param>
/// <param name="Address">The address.</param>
/// <param name="Metadata">The location's metadata.</param>
/// <param name="ConfigurationOverrides">The reader configuration (<c>tmc_…</c>) applied to this location, if any.</param>
/// <param name="Phone">The location's phone number, if any.</param>
/// <param name="Livemode">Whether the location lives in live mode.</param>
public sealed record TerminalLocation(
    string Id,
    string DisplayName,
    TerminalAddress? Address,
    IReadOnlyDictionary<string, string> Metadata,
    string? ConfigurationOverrides,
    string? Phone,
    bool Livemode);

/// <summary>What to create a location with.</summary>
/// <param name="DisplayName">The name shown in the Dashboard (1–1000 characters).</param>
/// <param name="Address">The address; its country is required.</param>
public sealed record CreateLocationRequest(string DisplayName, TerminalAddress Address)
{
    /// <summary>Metadata to store on the location (Stripe's limits apply: 50 keys, 40/500 characters).</summary>
    public IReadOnlyDictionary<string, string>? Metadata { get; init; }

    /// <summary>A reader configuration (<c>tmc_…</c>) to apply to this location.</summary>
    public string? ConfigurationOverrides { get; init; }

    /// <summary>The location's phone number.</summary>
    public string? Phone { get; init; }
}

/// <summary>What to change on a location; <see langword="null"/> leaves a field unchanged.</summary>
public sealed record UpdateLocationRequest
{
    /// <summary>A new display name.</summary>
    public string? DisplayName { get; init; }

    /// <summary>A new address; its country must stay the same.</summary>
    public TerminalAddress? Address { get; init; }

    /// <summary>Metadata keys to set; an empty value removes the key.</summary>
    public IReadOnlyDictionary<string, string>? Metadata { get; init; }

    /// <summary>A new reader configuration (<c>tmc_…</c>); an empty string removes the override.</summary>
    public string? ConfigurationOverrides { get; init; }

    /// <summary>A new phone number; an empty string removes it.</summary>
    public string? Phone { get; init; }
}

/// <summary>The result of <see cref="ITerminalLocations.EnsureAsync"/>.</summary>
/// <param name="Location">The location found or created.</param>
/// <param name="Created">Whether this call created it.</param>
public sealed record EnsureLocationResult(TerminalLocation Location, bool Created);
