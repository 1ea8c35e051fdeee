using System.Globalization;
using StripeTerminalKit.Emulator.Http;
using StripeTerminalKit.Emulator.Resources;

namespace StripeTerminalKit.Emulator.Engine;

/// <summary>
/// <c>/v1/terminal/configurations</c>: create, retrieve, update, delete and list reader
/// configurations (API reference, Terminal Configuration; docs terminal/fleet/configurations-overview
/// and terminal/features/collecting-tips/on-reader). A location uses one through its
/// <c>configuration_overrides</c>; its tipping then decides whether the reader offers a tip.
/// </summary>
internal sealed partial class EmulatorEngine
{
    /// <summary>The currencies Stripe.net 53.1.0's <c>ConfigurationTippingOptions</c> names.</summary>
    private static readonly string[] TippingCurrencies =
        ["aed", "aud", "cad", "chf", "czk", "dkk", "eur", "gbp", "gip", "hkd", "huf", "jpy", "mxn", "myr", "nok", "nzd", "pln", "ron", "sek", "sgd", "usd"];

    internal object CreateConfiguration(RequestContext c)
    {
        var configuration = new TerminalConfiguration
        {
            Id = _state.NewId("tmc_"),
            Account = c.Account,
            Created = _state.NowUnix,
            Sequence = _state.NextSequence(),
        };
        ApplyConfiguration(c, configuration);
        _state.Configurations[configuration.Id] = configuration;
        return configuration;
    }

    internal object GetConfiguration(RequestContext c)
    {
        c.ReadExpand();
        c.Params.EnsureNoUnknown();
        if (_state.Configurations.TryGetValue(c.Id, out var configuration) && configuration.Deleted && configuration.Account == c.Account)
        {
            return configuration; // { id, object, deleted: true }, as for a deleted location
        }

        return FindConfiguration(c, c.Id, "configuration");
    }

    internal object UpdateConfiguration(RequestContext c)
    {
        var configuration = FindConfiguration(c, c.Id, "configuration");
        ApplyConfiguration(c, configuration);
        return configuration;
    }

    internal object DeleteConfiguration(RequestContext c)
    {
        c.Params.EnsureNoUnknown();
        var configuration = FindConfiguration(c, c.Id, "configuration");
        configuration.Deleted = true;

        // A location that used it falls back to no configuration (the emulator's choice).
        foreach (var location in _state.Locations.Values)
        {
            if (location.ConfigurationOverrides == configuration.Id)
            {
                location.ConfigurationOverrides = null;
            }
        }

        return configuration;
    }

    internal object ListConfigurations(RequestContext c)
    {
        var isDefault = c.Params.Bool("is_account_default");

        // Configurations made through the API are never the account default.
        return Page(c, "/v1/terminal/configurations", _state.Configurations.Values.Where(x => c.Visible(x) && isDefault != true));
    }

    private TerminalConfiguration FindConfiguration(RequestContext c, string id, string param)
    {
        if (string.IsNullOrEmpty(id))
        {
            throw ApiErrorException.InvalidRequest("Configuration id must not be empty.", param);
        }

        return _state.Configurations.TryGetValue(id, out var configuration) && c.Visible(configuration)
            ? configuration
            : throw ApiErrorException.NoSuch("terminal.configuration", id, param);
    }

    /// <summary>
    /// Reads a create or update: each given field replaces the stored one, and a hash sent as an
    /// empty string (<c>tipping=</c>) unsets it, as Stripe's updates do. Every field is read before
    /// anything is changed, so a refused request changes nothing.
    /// </summary>
    private static void ApplyConfiguration(RequestContext c, TerminalConfiguration configuration)
    {
        var p = c.Params;
        var name = p.String("name", maxLength: 100);
        var hasTipping = p.Has("tipping");
        var tipping = ReadTipping(p.Object("tipping"));
        var hasOffline = p.Has("offline");
        var offline = p.Object("offline")?.Bool("enabled");
        var hasReboot = p.Has("reboot_window");
        var rebootParams = p.Object("reboot_window");
        (long, long)? reboot = rebootParams is null
            ? null
            : (rebootParams.Long("start_hour", required: true, min: 0, max: 23)!.Value, rebootParams.Long("end_hour", required: true, min: 0, max: 23)!.Value);
        var splashscreens = new Dictionary<string, (bool Given, string? File)>(StringComparer.Ordinal);
        foreach (var device in TerminalConfiguration.SplashscreenDevices)
        {
            splashscreens[device] = (p.Has(device), p.Object(device)?.String("splashscreen", allowEmpty: false));
        }

        c.ReadExpand();
        p.EnsureNoUnknown();

        if (name is not null)
        {
            configuration.Name = name.Length == 0 ? null : name;
        }

        if (hasTipping)
        {
            configuration.Tipping = tipping;
        }

        if (hasOffline)
        {
            configuration.OfflineEnabled = offline;
        }

        if (hasReboot)
        {
            configuration.RebootWindow = reboot;
        }

        foreach (var (device, (given, file)) in splashscreens)
        {
            if (!given)
            {
                continue;
            }

            if (file is null)
            {
                configuration.Splashscreens.Remove(device);
            }
            else
            {
                configuration.Splashscreens[device] = file;
            }
        }
    }

    /// <summary>
    /// <c>tipping[&lt;currency&gt;][percentages|fixed_amounts|smart_tip_threshold]</c>: up to three
    /// percentages and three fixed amounts per currency (docs: on-reader tipping).
    /// </summary>
    private static Dictionary<string, TippingOptions>? ReadTipping(Params? tipping)
    {
        if (tipping is null)
        {
            return null;
        }

        var result = new Dictionary<string, TippingOptions>(StringComparer.Ordinal);
        foreach (var currency in TippingCurrencies)
        {
            var options = tipping.Object(currency);
            if (options is null)
            {
                continue;
            }

            var fixedAmounts = Longs(options, "fixed_amounts", min: 0);
            var percentages = Longs(options, "percentages", min: 0, max: 100);
            var threshold = options.Long("smart_tip_threshold", min: 0);
            result[currency] = new TippingOptions(fixedAmounts, percentages, threshold);
        }

        return result;
    }

    private static long[]? Longs(Params p, string name, long min, long max = 99_999_999)
    {
        var values = p.StringList(name, maxItems: 3);
        if (values is null)
        {
            return null;
        }

        var result = new long[values.Count];
        for (var i = 0; i < values.Count; i++)
        {
            if (!long.TryParse(values[i], NumberStyles.None, CultureInfo.InvariantCulture, out result[i]) || result[i] < min || result[i] > max)
            {
                throw ApiErrorException.InvalidRequest($"Invalid integer: {p.PathOf(name)}[{i}] must be between {min} and {max}.", $"{p.PathOf(name)}[{i}]");
            }
        }

        return result;
    }

    /// <summary>
    /// Whether the reader offers a tip for a payment in <paramref name="currency"/>. With a location
    /// whose <c>configuration_overrides</c> names a configuration, only if that configuration has
    /// tipping for the currency (docs: on-reader tipping is configured per currency). Without one,
    /// the emulator offers it (its permissive default: Stripe's account default configuration is not imitated).
    /// </summary>
    private bool TippingOffered(Reader reader, string currency)
    {
        if (reader.LocationId is null
            || !_state.Locations.TryGetValue(reader.LocationId, out var location)
            || location.ConfigurationOverrides is not { } configurationId
            || !_state.Configurations.TryGetValue(configurationId, out var configuration)
            || configuration.Deleted)
        {
            return true;
        }

        return configuration.Tipping is { } tipping && tipping.ContainsKey(currency);
    }
}
