using StripeTerminalKit.Emulator.Http;
using StripeTerminalKit.Emulator.Resources;

namespace StripeTerminalKit.Emulator.Engine;

/// <summary><c>/v1/terminal/readers</c> (the reader object itself; actions are in ReaderActionEndpoints).</summary>
internal sealed partial class EmulatorEngine
{
    private static readonly Dictionary<string, (string DeviceType, string SerialPrefix)> SimulatedRegistrationCodes = new(StringComparer.Ordinal)
    {
        ["simulated-wpe"] = ("simulated_wisepos_e", "simulated-wpe"),
        ["simulated-s700"] = ("simulated_stripe_s700", "simulated-s700"),
        ["simulated-s710"] = ("simulated_stripe_s710", "simulated-s710"),
        ["simulated-v660p"] = ("simulated_verifone_v660p", "simulated-v660p"),
    };

    private static readonly string[] DeviceTypes =
    [
        "bbpos_chipper2x", "bbpos_wisepad3", "bbpos_wisepos_e", "mobile_phone_reader", "simulated_stripe_s700", "simulated_stripe_s710",
        "simulated_stripe_t600", "simulated_verifone_m425", "simulated_verifone_p630", "simulated_verifone_ux700", "simulated_verifone_v660p",
        "simulated_wisepos_e", "stripe_m2", "stripe_s700", "stripe_s710", "stripe_t600", "verifone_P400", "verifone_m425", "verifone_p630",
        "verifone_ux700", "verifone_v660p",
    ];

    internal object CreateReader(RequestContext c)
    {
        var p = c.Params;
        var code = p.String("registration_code", required: true)!;
        var locationId = p.String("location", allowEmpty: false);
        var label = p.String("label", maxLength: 1000);
        var metadata = p.MetadataForCreate("metadata");
        c.ReadExpand("location");
        p.EnsureNoUnknown();

        if (!SimulatedRegistrationCodes.TryGetValue(code, out var kind))
        {
            // Stripe's answer for a code that matches no reader awaiting registration.
            throw ApiErrorException.InvalidRequest("The registration code you provided is invalid. Please double-check the code displayed on the reader and try again.", "registration_code", "invalid_registration_code");
        }

        if (locationId is not null)
        {
            FindLocation(c, locationId);
        }
        var serial = $"{kind.SerialPrefix}-{_state.NewId("", 3).ToLowerInvariant()}-{_state.NewId("", 3).ToLowerInvariant()}-{_state.NewId("", 2).ToLowerInvariant()}-{_state.NewId("", 3).ToLowerInvariant()}";
        var reader = new Reader
        {
            Id = _state.NewId("tmr_"),
            Account = c.Account,
            Created = _state.NowUnix,
            Sequence = _state.NextSequence(),
            DeviceType = kind.DeviceType,
            SerialNumber = serial,
            Label = string.IsNullOrEmpty(label) ? serial : label,
            LocationId = locationId,
            Metadata = metadata,
            LastSeenAtMs = _state.Now.ToUnixTimeMilliseconds(),
        };
        _state.Readers[reader.Id] = reader;
        return reader;
    }

    internal object GetReader(RequestContext c)
    {
        c.ReadExpand(ReaderExpandables);
        c.Params.EnsureNoUnknown();
        if (_state.Readers.TryGetValue(c.Id, out var deleted) && deleted.Deleted && deleted.Account == c.Account)
        {
            return deleted;
        }

        return FindReader(c, c.Id);
    }

    internal object UpdateReader(RequestContext c)
    {
        var reader = FindReader(c, c.Id);
        var p = c.Params;
        var label = p.String("label", maxLength: 1000);
        var metadata = p.Metadata("metadata", out var clearAll);
        c.ReadExpand("location");
        p.EnsureNoUnknown();
        var newMetadata = new Dictionary<string, string>(reader.Metadata, StringComparer.Ordinal);
        Params.ApplyMetadata(newMetadata, metadata, clearAll);
        if (label is not null)
        {
            reader.Label = label.Length == 0 ? reader.SerialNumber : label;
        }

        reader.Metadata = newMetadata;
        return reader;
    }

    internal object DeleteReader(RequestContext c)
    {
        c.Params.EnsureNoUnknown();
        var reader = FindReader(c, c.Id);
        reader.Deleted = true;
        return reader;
    }

    internal object ListReaders(RequestContext c)
    {
        var p = c.Params;
        var location = p.String("location", allowEmpty: false);
        var status = p.Enum("status", false, "online", "offline");
        var deviceType = p.Enum("device_type", false, DeviceTypes);
        var serial = p.String("serial_number", allowEmpty: false);
        var items = _state.Readers.Values.Where(r => c.Visible(r)
            && (location is null || r.LocationId == location)
            && (status is null || (status == "online") == (r.Online && !r.Dropped))
            && (deviceType is null || r.DeviceType == deviceType)
            && (serial is null || r.SerialNumber == serial));
        return Page(c, "/v1/terminal/readers", items);
    }

    internal object CreateConnectionToken(RequestContext c)
    {
        var location = c.Params.String("location", allowEmpty: false);
        c.Params.EnsureNoUnknown();
        if (location is not null)
        {
            FindLocation(c, location);
        }

        var secret = "pst_test_" + _state.NewId("", 32);
        return (Action<System.Text.Json.Utf8JsonWriter>)(w =>
        {
            w.WriteStartObject();
            w.WriteString("object", "terminal.connection_token");
            if (location is not null)
            {
                w.WriteString("location", location); // optional, never null
            }

            w.WriteString("secret", secret);
            w.WriteEndObject();
        });
    }

    private Reader FindReader(RequestContext c, string id)
    {
        return _state.Readers.TryGetValue(id, out var reader) && c.Visible(reader)
            ? reader
            : throw ApiErrorException.NoSuch("terminal.reader", id, "reader");
    }
}
