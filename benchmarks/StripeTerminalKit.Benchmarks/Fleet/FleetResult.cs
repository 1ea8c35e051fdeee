using System.Globalization;
using StripeTerminalKit.Emulator;

namespace StripeTerminalKit.Benchmarks.Fleet;

/// <summary>What one run of the fleet measured, all on the fake clock.</summary>
internal sealed record FleetResult
{
    public required string Name { get; init; }

    public required int Checkouts { get; init; }

    public required int Succeeded { get; init; }

    /// <summary>Stripe API calls made while customers were served (429s included: each is a request Stripe saw).</summary>
    public required int ApiCalls { get; init; }

    public required int RateLimited { get; init; }

    public required IReadOnlyDictionary<string, int> CallsByOperation { get; init; }

    public required TimeSpan P50 { get; init; }

    public required TimeSpan P99 { get; init; }

    public required TimeSpan Max { get; init; }

    public required string PeakEndpoint { get; init; }

    public required int PeakEndpointRate { get; init; }

    public required int PeakOverallRate { get; init; }

    public required TimeSpan WallTime { get; init; }

    /// <summary>The physical minimum of tap → outcome (p50, p99) under the latency model, when it was on.</summary>
    public (TimeSpan P50, TimeSpan P99)? Minimum { get; init; }

    public double CallsPerCheckout => Checkouts == 0 ? 0 : (double)ApiCalls / Checkouts;

    public string SummaryLine(FleetSettings s) => string.Create(CultureInfo.InvariantCulture,
        $"{Name,-34} checkouts {Checkouts,5} ok {Succeeded,5} | calls/checkout {CallsPerCheckout,5:0.00} | tap→outcome p50 {Seconds(P50),6} p99 {Seconds(P99),6} max {Seconds(Max),6} | peak {PeakEndpointRate,3}/s {PeakEndpoint} (limit {s.EndpointLimit}), overall {PeakOverallRate,3}/s (limit {s.GlobalLimit}) | 429s {RateLimited,5} | {(PeakEndpointRate <= s.EndpointLimit && PeakOverallRate <= s.GlobalLimit && RateLimited == 0 ? "within limits" : "OVER LIMITS")}");

    public string MarkdownRow(FleetSettings s) => string.Create(CultureInfo.InvariantCulture,
        $"| {Name} | {Checkouts} | {Succeeded} | {CallsPerCheckout:0.00} | {Seconds(P50)} | {Seconds(P99)} | {Seconds(Max)} | {PeakEndpointRate}/s `{PeakEndpoint}` | {PeakOverallRate}/s | {RateLimited} | {(PeakEndpointRate <= s.EndpointLimit && PeakOverallRate <= s.GlobalLimit && RateLimited == 0 ? "yes" : "**no**")} |");

    /// <summary>Tap → outcome against the physical minimum (latency model runs only).</summary>
    public string LatencyRow() => Minimum is not { } min ? "" : string.Create(CultureInfo.InvariantCulture,
        $"| {Name} | {Seconds(P50)} | {Seconds(P99)} | {Seconds(min.P50)} | {Seconds(min.P99)} | {P50.TotalSeconds / min.P50.TotalSeconds:0.00}× | {P99.TotalSeconds / min.P99.TotalSeconds:0.00}× | {CallsPerCheckout:0.00} |");

    public string Breakdown() => string.Join(", ", CallsByOperation.OrderByDescending(p => p.Value).Select(p =>
        string.Create(CultureInfo.InvariantCulture, $"{p.Key} {(double)p.Value / Math.Max(1, Checkouts):0.00}")));

    private static string Seconds(TimeSpan t) => t.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture) + " s";

    /// <summary>Counts calls and peak rates (per second of the fake clock, as Stripe counts) from the emulator's request log.</summary>
    public static FleetResult From(
        string name, IReadOnlyList<EmulatorRequestRecord> log, DateTimeOffset from, int checkouts, int succeeded,
        List<TimeSpan> latencies, TimeSpan wall)
    {
        var calls = log.Where(r => r.At >= from).ToList();
        var bySecond = calls.GroupBy(r => r.At.ToUnixTimeSeconds()).ToList();
        var peakOverall = bySecond.Count == 0 ? 0 : bySecond.Max(g => g.Count());
        var peakEndpoint = calls.GroupBy(r => (r.Operation, Second: r.At.ToUnixTimeSeconds()))
            .Select(g => (g.Key.Operation, Count: g.Count()))
            .OrderByDescending(x => x.Count).ThenBy(x => x.Operation, StringComparer.Ordinal)
            .FirstOrDefault();
        latencies.Sort();
        return new FleetResult
        {
            Name = name,
            Checkouts = checkouts,
            Succeeded = succeeded,
            ApiCalls = calls.Count,
            RateLimited = calls.Count(r => r.StatusCode == 429),
            CallsByOperation = calls.GroupBy(r => r.Operation).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal),
            P50 = Percentile(latencies, 0.50),
            P99 = Percentile(latencies, 0.99),
            Max = latencies.Count == 0 ? TimeSpan.Zero : latencies[^1],
            PeakEndpoint = peakEndpoint.Operation ?? "-",
            PeakEndpointRate = peakEndpoint.Count,
            PeakOverallRate = peakOverall,
            WallTime = wall,
        };
    }

    private static TimeSpan Percentile(List<TimeSpan> sorted, double p) =>
        sorted.Count == 0 ? TimeSpan.Zero : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
}
