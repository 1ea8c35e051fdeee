using System.Globalization;

namespace StripeTerminalKit.Benchmarks.Fleet;

/// <summary>
/// <c>dotnet run -c Release --project benchmarks/StripeTerminalKit.Benchmarks -- fleet</c>: the fleet
/// under three webhook conditions with the kit, then the naive 1-second poller, one summary line each.
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
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Fleet: {settings.Readers} readers, a customer every {settings.ArrivalMin.TotalSeconds:0}-{settings.ArrivalMax.TotalSeconds:0} s per reader, tap {settings.TapMin.TotalSeconds:0}-{settings.TapMax.TotalSeconds:0} s after the reader asks, {settings.Duration.TotalMinutes:0} simulated minutes, seed {settings.Seed}, clock step {settings.Step.TotalMilliseconds:0} ms; limits {settings.EndpointLimit}/s per endpoint, {settings.GlobalLimit}/s overall (live)."));

        var total = System.Diagnostics.Stopwatch.StartNew();
        var results = new List<FleetResult>();
        var runs = new (string Key, string Name, Func<Task<FleetResult>> Run)[]
        {
            ("healthy", "kit, webhooks healthy", () => KitFleet.RunAsync(settings, WebhookCondition.Healthy, "kit, webhooks healthy")),
            ("down", "kit, webhooks down (polling only)", () => KitFleet.RunAsync(settings, WebhookCondition.Down, "kit, webhooks down (polling only)")),
            ("delayed", "kit, webhooks delayed 30 s", () => KitFleet.RunAsync(settings, WebhookCondition.Delayed, "kit, webhooks delayed 30 s")),
            ("naive", "naive 1 s poller (no webhooks)", () => NaiveFleet.RunAsync(settings, "naive 1 s poller (no webhooks)")),
        };
        // The runs share nothing (each has its own clock, emulator and kit): run them side by side
        // so both cores work; each is still deterministic on its own clock.
        var selected = runs.Where(r => only is null || only.Split(',').Contains(r.Key)).ToArray();
        var stalls = KitFleet.Stalls;
        results.AddRange(await Task.WhenAll(selected.Select(r => Task.Run(r.Run))));
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
        Console.WriteLine("| Run | Checkouts | Succeeded | Calls / checkout | Tap → outcome p50 | p99 | Peak per endpoint | Peak overall | 429s | Within live limits |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---|---:|---:|---|");
        foreach (var result in results)
        {
            Console.WriteLine(result.MarkdownRow(settings));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Wall time: {total.Elapsed.TotalSeconds:0} s."));
        return 0;
    }
}
