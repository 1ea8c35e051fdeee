using System.Text.Json;
using StripeTerminalKit.Emulator.Http;

namespace StripeTerminalKit.Emulator.Resources;

internal sealed class Reader : Resource
{
    public required string DeviceType { get; init; }
    public required string SerialNumber { get; init; }
    public required string Label { get; set; }
    public string? LocationId { get; set; }
    public Dictionary<string, string> Metadata { get; set; } = new(StringComparer.Ordinal);
    public bool Online { get; set; } = true;
    public long? LastSeenAtMs { get; set; }
    public ReaderAction? Action { get; set; }

    /// <summary>Fault: the reader lost its connection mid-payment; the action never finishes.</summary>
    public bool Dropped { get; set; }

    /// <summary>Fault: when dropping, whether the card was authorised before the drop.</summary>
    public bool DropAfterAuthorization { get; set; }

    public bool IsSimulated => DeviceType.StartsWith("simulated_", StringComparison.Ordinal);

    /// <summary>
    /// Whether the customer sees a screen to enter a PIN on. Stripe names the S700, WisePOS E and
    /// V660p as readers with a customer screen (docs: terminal/references/testing); the
    /// Bluetooth readers without one are listed here (the emulator's choice for the others).
    /// </summary>
    public bool HasCustomerScreen => DeviceType is not ("bbpos_chipper2x" or "bbpos_wisepad3" or "stripe_m2");

    public override void Write(Utf8JsonWriter w, EmulatorState state, ExpandSet expand)
    {
        w.WriteStartObject();
        w.WriteString("id", Id);
        w.WriteString("object", "terminal.reader");
        if (Deleted)
        {
            w.WriteBoolean("deleted", true);
            w.WriteString("device_type", DeviceType);
            w.WriteString("serial_number", SerialNumber);
            w.WriteEndObject();
            return;
        }

        if (Action is null)
        {
            w.WriteNull("action");
        }
        else
        {
            w.WritePropertyName("action");
            Action.Write(w, state, expand.Under("action"));
        }

        w.WriteString("device_sw_version", "2.37.2.0");
        w.WriteString("device_type", DeviceType);
        w.WriteString("ip_address", "0.0.0.0");
        w.WriteString("label", Label);
        w.Num("last_seen_at", LastSeenAtMs);
        w.WriteBoolean("livemode", false);
        if (LocationId is not null && expand.Has("location") && state.Locations.TryGetValue(LocationId, out var loc))
        {
            w.WritePropertyName("location");
            loc.Write(w, state, ExpandSet.None);
        }
        else
        {
            w.Str("location", LocationId);
        }

        w.Map("metadata", Metadata);
        w.WriteString("serial_number", SerialNumber);
        w.WriteString("status", Online && !Dropped ? "online" : "offline");
        w.WriteEndObject();
    }
}
