using System.Text.Json;
using StripeTerminalKit.Emulator.Http;

namespace StripeTerminalKit.Emulator.Resources;

/// <summary>
/// A Terminal configuration (<c>terminal.configuration</c>, <c>tmc_…</c>): reader fleet settings a
/// location uses through its <c>configuration_overrides</c>. The emulator keeps the settings that
/// change what a server-driven payment does or shows (tipping per currency) and the common device
/// settings (name, offline, reboot window, splash screens).
/// </summary>
internal sealed class TerminalConfiguration : Resource
{
    /// <summary>The device types whose splash screen a configuration sets (<c>stripe_s700[splashscreen]</c>…).</summary>
    public static readonly string[] SplashscreenDevices = ["bbpos_wisepos_e", "stripe_s700", "stripe_s710"];

    public string? Name { get; set; }

    /// <summary>Tipping by lower-case currency; null when the configuration sets none.</summary>
    public Dictionary<string, TippingOptions>? Tipping { get; set; }

    public bool? OfflineEnabled { get; set; }

    public (long StartHour, long EndHour)? RebootWindow { get; set; }

    public Dictionary<string, string> Splashscreens { get; set; } = new(StringComparer.Ordinal);

    public override void Write(Utf8JsonWriter w, EmulatorState state, ExpandSet expand)
    {
        w.WriteStartObject();
        w.WriteString("id", Id);
        w.WriteString("object", "terminal.configuration");
        if (Deleted)
        {
            w.WriteBoolean("deleted", true);
            w.WriteEndObject();
            return;
        }

        // Optional objects, as in Stripe's schema: absent until set.
        WriteSplashscreen(w, "bbpos_wisepos_e");
        w.WriteBoolean("is_account_default", false);
        w.WriteBoolean("livemode", false);
        w.Str("name", Name);
        if (OfflineEnabled is { } offline)
        {
            w.WriteStartObject("offline");
            w.WriteBoolean("enabled", offline);
            w.WriteEndObject();
        }

        if (RebootWindow is { } window)
        {
            w.WriteStartObject("reboot_window");
            w.WriteNumber("end_hour", window.EndHour);
            w.WriteNumber("start_hour", window.StartHour);
            w.WriteEndObject();
        }

        WriteSplashscreen(w, "stripe_s700");
        WriteSplashscreen(w, "stripe_s710");
        if (Tipping is not null)
        {
            w.WriteStartObject("tipping");
            foreach (var (currency, tipping) in Tipping.OrderBy(t => t.Key, StringComparer.Ordinal))
            {
                w.WriteStartObject(currency);
                WriteLongs(w, "fixed_amounts", tipping.FixedAmounts);
                WriteLongs(w, "percentages", tipping.Percentages);
                if (tipping.SmartTipThreshold is { } threshold)
                {
                    w.WriteNumber("smart_tip_threshold", threshold);
                }

                w.WriteEndObject();
            }

            w.WriteEndObject();
        }

        w.WriteEndObject();
    }

    private void WriteSplashscreen(Utf8JsonWriter w, string device)
    {
        if (Splashscreens.TryGetValue(device, out var file))
        {
            w.WriteStartObject(device);
            w.WriteString("splashscreen", file);
            w.WriteEndObject();
        }
    }

    private static void WriteLongs(Utf8JsonWriter w, string name, IReadOnlyList<long>? values)
    {
        if (values is null)
        {
            return;
        }

        w.WriteStartArray(name);
        foreach (var v in values)
        {
            w.WriteNumberValue(v);
        }

        w.WriteEndArray();
    }
}

/// <summary>The tip choices a configuration offers in one currency.</summary>
internal sealed record TippingOptions(IReadOnlyList<long>? FixedAmounts, IReadOnlyList<long>? Percentages, long? SmartTipThreshold);
