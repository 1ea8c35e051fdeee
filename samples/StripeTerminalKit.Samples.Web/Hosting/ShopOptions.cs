using System.ComponentModel.DataAnnotations;

namespace StripeTerminalKit.Samples.Web.Hosting;

/// <summary>The shop this host serves: bound from the <c>Shop</c> configuration section.</summary>
public sealed class ShopOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Shop";

    /// <summary>The shop's name, also the Terminal location's display name.</summary>
    [Required]
    public string Name { get; set; } = "Flinders Lane Cafe";

    /// <summary>Your own durable key for the location: the kit finds or creates the location by it.</summary>
    [Required]
    public string LocationKey { get; set; } = "stk-sample-flinders-lane";

    /// <summary>The location's street address.</summary>
    [Required]
    public string Line1 { get; set; } = "12 Flinders Lane";

    /// <summary>The city.</summary>
    [Required]
    public string City { get; set; } = "Melbourne";

    /// <summary>The state or territory.</summary>
    public string State { get; set; } = "VIC";

    /// <summary>The postcode.</summary>
    public string PostalCode { get; set; } = "3000";

    /// <summary>The country (ISO 3166-1 alpha-2); the Stripe account's country.</summary>
    [Required]
    public string Country { get; set; } = "AU";

    /// <summary>The currency of the shop's prices.</summary>
    [Required]
    public string Currency { get; set; } = "aud";

    /// <summary>The simulated readers registered at start-up when the location has none of that kind.</summary>
    public IList<ShopReaderOptions> SimulatedReaders { get; } = [];
}

/// <summary>A simulated reader to register.</summary>
public sealed class ShopReaderOptions
{
    /// <summary>The registration code, such as <c>simulated-s700</c> or <c>simulated-wpe</c>.</summary>
    public string RegistrationCode { get; set; } = "simulated-s700";

    /// <summary>The label shown to cashiers.</summary>
    public string Label { get; set; } = "Front counter";
}

/// <summary>Which Stripe the host talks to.</summary>
public enum HostMode
{
    /// <summary>The in-process emulator: no network, no Stripe account.</summary>
    Emulator = 0,

    /// <summary>Stripe test mode with a <c>sk_test_…</c> key and simulated readers.</summary>
    StripeTestMode,
}
