namespace StripeTerminalKit.Samples.Web.Devices;

/// <summary>
/// The point-of-sale devices allowed to call the API, each with its own bearer token
/// (<c>PosDevices:{id}:Token</c>). The token identifies the device; it is never the Stripe key,
/// and revoking one device leaves the others working.
/// </summary>
public sealed class PosDeviceOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "PosDevices";

    /// <summary>Devices by id.</summary>
    public IDictionary<string, PosDevice> Devices { get; } = new Dictionary<string, PosDevice>(StringComparer.Ordinal);
}

/// <summary>One POS device.</summary>
public sealed class PosDevice
{
    /// <summary>The name shown on the cashier page, such as "Front till".</summary>
    public string Name { get; set; } = "";

    /// <summary>The device's bearer token: a long random string (at least 16 characters).</summary>
    public string Token { get; set; } = "";

    /// <inheritdoc />
    public override string ToString() => $"PosDevice {{ Name = {Name}, Token = (redacted) }}";
}
