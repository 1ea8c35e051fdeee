using System.Text.Json;
using StripeTerminalKit.Emulator.Http;

namespace StripeTerminalKit.Emulator.Resources;

internal sealed class Address
{
    public string? Line1 { get; set; }
    public string? Line2 { get; set; }
    public string? City { get; set; }
    public string? State { get; set; }
    public string? PostalCode { get; set; }
    public string Country { get; set; } = "";

    public void Write(Utf8JsonWriter w, string name)
    {
        w.WriteStartObject(name);
        w.Str("city", City);
        w.Str("country", Country);
        w.Str("line1", Line1);
        w.Str("line2", Line2);
        w.Str("postal_code", PostalCode);
        w.Str("state", State);
        w.WriteEndObject();
    }
}

internal sealed class Location : Resource
{
    public required string DisplayName { get; set; }
    public required Address Address { get; set; }
    public Dictionary<string, string> Metadata { get; set; } = new(StringComparer.Ordinal);
    public string? Phone { get; set; }
    public string? ConfigurationOverrides { get; set; }

    public override void Write(Utf8JsonWriter w, EmulatorState state, ExpandSet expand)
    {
        w.WriteStartObject();
        w.WriteString("id", Id);
        w.WriteString("object", "terminal.location");
        if (Deleted)
        {
            w.WriteBoolean("deleted", true);
            w.WriteEndObject();
            return;
        }

        Address.Write(w, "address");

        // Optional and not nullable in Stripe's schema: absent until set, never null.
        if (ConfigurationOverrides is not null)
        {
            w.WriteString("configuration_overrides", ConfigurationOverrides);
        }

        w.WriteString("display_name", DisplayName);
        w.WriteBoolean("livemode", false);
        w.Map("metadata", Metadata);
        if (Phone is not null)
        {
            w.WriteString("phone", Phone);
        }

        w.WriteEndObject();
    }
}
