namespace StripeTerminalKit.Readers;

/// <summary>Whether Stripe hears from the reader.</summary>
public enum ReaderNetworkStatus
{
    /// <summary>Stripe did not say (mobile readers, or a value this version does not know).</summary>
    Unknown = 0,

    /// <summary>The reader is connected.</summary>
    Online,

    /// <summary>Stripe has not heard from the reader for two minutes.</summary>
    Offline,
}

/// <summary>A Terminal smart reader.</summary>
/// <param name="Id">The reader id (<c>tmr_…</c>).</param>
/// <param name="Label">The label shown in the Dashboard.</param>
/// <param name="DeviceType">Stripe's device type, such as <c>stripe_s700</c> or <c>simulated_wisepos_e</c> (an open set).</param>
/// <param name="SerialNumber">The serial number.</param>
/// <param name="LocationId">The location (<c>tml_…</c>) it is registered to.</param>
/// <param name="NetworkStatus">Whether Stripe hears from it. Stripe advises against blocking payments on this field.</param>
/// <param name="Action">The most recent action; it stays after it finished until replaced or cleared.</param>
/// <param name="Metadata">The reader's metadata.</param>
/// <param name="SoftwareVersion">The reader's software version.</param>
/// <param name="IpAddress">The reader's local IP address.</param>
/// <param name="LastSeenAt">When Stripe last heard from it.</param>
/// <param name="Livemode">Whether the reader lives in live mode.</param>
public sealed record TerminalReader(
    string Id,
    string Label,
    string DeviceType,
    string? SerialNumber,
    string? LocationId,
    ReaderNetworkStatus NetworkStatus,
    TerminalReaderAction? Action,
    IReadOnlyDictionary<string, string> Metadata,
    string? SoftwareVersion,
    string? IpAddress,
    DateTimeOffset? LastSeenAt,
    bool Livemode)
{
    /// <summary>Whether this is a simulated reader (device type <c>simulated_…</c>), which needs the test helpers to present a card.</summary>
    public bool IsSimulated => DeviceType.StartsWith("simulated_", StringComparison.Ordinal);
}

/// <summary>What to register a reader with.</summary>
/// <param name="RegistrationCode">The code the reader shows (or <c>simulated-s700</c>, <c>simulated-wpe</c>, … in test mode).</param>
public sealed record RegisterReaderRequest(string RegistrationCode)
{
    /// <summary>The location (<c>tml_…</c>) to register the reader to.</summary>
    public string? LocationId { get; init; }

    /// <summary>A label; Stripe defaults it to the registration code.</summary>
    public string? Label { get; init; }

    /// <summary>Metadata to store on the reader.</summary>
    public IReadOnlyDictionary<string, string>? Metadata { get; init; }
}

/// <summary>What to change on a reader; <see langword="null"/> leaves a field unchanged.</summary>
public sealed record UpdateReaderRequest
{
    /// <summary>A new label.</summary>
    public string? Label { get; init; }

    /// <summary>Metadata keys to set; an empty value removes the key.</summary>
    public IReadOnlyDictionary<string, string>? Metadata { get; init; }
}

/// <summary>Filters for listing readers; every filter is optional.</summary>
public sealed record ReaderListFilter
{
    /// <summary>Only readers registered to this location (<c>tml_…</c>).</summary>
    public string? LocationId { get; init; }

    /// <summary>Only readers with this network status.</summary>
    public ReaderNetworkStatus? NetworkStatus { get; init; }

    /// <summary>Only readers of this device type, such as <c>stripe_s700</c>.</summary>
    public string? DeviceType { get; init; }

    /// <summary>Only the reader with this serial number.</summary>
    public string? SerialNumber { get; init; }

    /// <summary>Readers per request, 1–100. Default 100.</summary>
    public int PageSize { get; init; } = 100;
}
