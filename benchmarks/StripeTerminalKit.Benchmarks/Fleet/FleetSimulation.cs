using System.Globalization;

namespace StripeTerminalKit.Benchmarks.Fleet;

/// <summary>
/// <c>dotnet run -c Release --project benchmarks/StripeTerminalKit.Benchmarks -- fleet</c>: the fleet
/// under three webhook conditions with the kit for each location layout, the naive 1-second poller,
/// and the three conditions again under the latency model for each layout, one summary line each.
/// </summary>
internal static class FleetSimulation
{
    public static async Task<int> RunAsync(string[] args)
    {
        var settings = new FleetSettings();
        foreach (var arg in args)
        {
            if (arg.StartsWith("--readers=", StringComparison.Ordinal))
            {
                settings = settings with { Readers = int.Parse(arg["--readers=".Length..], CultureInfo.InvariantCulture) };
            }
            else if (arg.StartsWith("--minutes=", StringComparison.Ordinal))
            {
                settings = settings with { Duration = TimeSpan.FromMinutes(double.Parse(arg["--minutes=".Length..], CultureInfo.InvariantCulture)) };
            }
            else if (arg.StartsWith("--seed=", StringComparison.Ordinal))
            {
                settings = settings with { Seed = int.Parse(arg["--seed=".Length..], CultureInfo.InvariantCulture) };
            }
        }

        var only = args.FirstOrDefault(a => a.StartsWith("--only=", StringComparison.Ordinal))?["--only=".Length..];
        var layouts = (args.FirstOrDefault(a => a.StartsWith("--layouts=", StringComparison.Ordinal))?["--layouts=".Length..] ?? "50,1")
            .Split(',').Select(l => int.Parse(l, CultureInfo.InvariantCulture)).ToArray();
        var interval = args.FirstOrDefault(a => a.StartsWith("--batch=", StringComparison.Ordinal)) is { } batch
            ? TimeSpan.FromSeconds(double.Parse(batch["--batch=".Length..], CultureInfo.InvariantCulture))
            : settings.BatchInterval;
        settings = settings with { BatchInterval = interval };
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Fleet: {settings.Readers} readers over {string.Join(" or ", layouts.Select(l => l == 1 ? "1 location" : l + " locations"))}, a customer every {settings.ArrivalMin.TotalSeconds:0}-{settings.ArrivalMax.TotalSeconds:0} s per reader, tap {settings.TapMin.TotalSeconds:0}-{settings.TapMax.TotalSeconds:0} s after the reader asks, {settings.Duration.TotalMinutes:0} simulated minutes, seed {settings.Seed}, clock step {settings.Step.TotalMilliseconds:0} ms, batch interval {settings.BatchInterval.TotalSeconds:0.0} s; limits {settings.EndpointLimit}/s per endpoint, {settings.GlobalLimit}/s overall (live)."));

        var total = System.Diagnostics.Stopwatch.StartNew();
        var runs = new List<(string Key, Func<Task<FleetResult>> Run)>();
        foreach (var layout in layouts)
        {
            var s = settings with { Locations = layout };
            var where = layout == 1 ? "1 location" : layout + " locations";
            runs.Add(("healthy", () => KitFleet.RunAsync(s, WebhookCondition.Healthy, $"kit, webhooks healthy, {where}")));
            runs.Add(("down", () => KitFleet.RunAsync(s, WebhookCondition.Down, $"kit, webhooks down, {where}")));
            runs.Add(("delayed", () => KitFleet.RunAsync(s, WebhookCondition.Delayed, $"kit, webhooks 30 s late, {where}")));
        }

        var naiveSettings = settings with { Locations = layouts[0] };
        runs.Add(("naive", () => NaiveFleet.RunAsync(naiveSettings, "naive 1 s poller (no webhooks)")));

        // The latency model (Stripe calls, webhook delivery and authorisation take time), each layout.
        foreach (var layout in layouts)
        {
            var timed = settings with { Locations = layout, Latency = true };
            var where = layout == 1 ? "1 location" : layout + " locations";
            runs.Add(("latency", () => WithMinimum(KitFleet.RunAsync(timed, WebhookCondition.Healthy, $"latency model: webhooks healthy, {where}"), true, timed)));
            runs.Add(("latency", () => WithMinimum(KitFleet.RunAsync(timed, WebhookCondition.Down, $"latency model: webhooks down, {where}"), false, timed)));
            runs.Add(("latency", () => WithMinimum(KitFleet.RunAsync(timed, WebhookCondition.Delayed, $"latency model: webhooks 30 s late, {where}"), false, timed)));
        }

        // The runs share nothing (each has its own clock, emulator and kit): run them side by side
        // so both cores work; each is still deterministic on its own clock.
        var selected = runs.Where(r => only is null || only.Split(',').Contains(r.Key)).ToArray();
        var stalls = KitFleet.Stalls;
        var results = await Task.WhenAll(selected.Select(r => Task.Run(r.Run)));
        foreach (var result in results)
        {
            Console.WriteLine(result.SummaryLine(settings));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"    calls per checkout by endpoint: {result.Breakdown()}  (wall {result.WallTime.TotalSeconds:0.0} s)"));
        }

        if (KitFleet.Stalls != stalls)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Note: the clock moved on {KitFleet.Stalls - stalls} times while work still waited for it (a retry delay): figures around those moments are approximate."));
        }

        Console.WriteLine();
        Console.WriteLine("| Run | Checkouts | Succeeded | Calls / checkout | Tap → outcome p50 | p99 | max | Peak per endpoint | Peak overall | 429s | Within live limits |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---|---:|---:|---|");
        foreach (var result in results.Where(r => r.Minimum is null))
        {
            Console.WriteLine(result.MarkdownRow(settings));
        }

        if (results.Any(r => r.Minimum is not null))
        {
            Console.WriteLine();
            Console.WriteLine("| Latency model run | Tap → outcome p50 | p99 | Physical minimum p50 | p99 | Ratio p50 | Ratio p99 | Calls / checkout |");
            Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|");
            foreach (var result in results.Where(r => r.Minimum is not null))
            {
                Console.WriteLine(result.LatencyRow());
            }
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Wall time: {total.Elapsed.TotalSeconds:0} s."));
        return 0;
    }

    private static async Task<FleetResult> WithMinimum(Task<FleetResult> run, bool webhooks, FleetSettings settings) =>
        await run with { Minimum = LatencyModel.PhysicalMinimum(webhooks, settings.BatchInterval, settings.Seed) };
}
