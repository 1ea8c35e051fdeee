using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using StripeTerminalKit.Simulation.Tests.Simulation;
using Xunit.Abstractions;

namespace StripeTerminalKit.Simulation.Tests;

/// <summary>
/// The seeded system simulation: thousands of small worlds, each a fleet of readers taking sales
/// through the real kit on the emulator under a random fault schedule, checked against the
/// ledger. <c>STK_SIM_SEEDS</c> sets how many seeds run (CI: 2,000), <c>STK_SIM_FIRST</c> the first
/// seed, <c>STK_SIM_SIZE=large</c> bigger worlds, and <c>STK_SIM_SEED</c> replays one seed.
/// </summary>
public sealed class SeededSimulationTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Every_seeded_world_keeps_every_promise()
    {
        var settings = SimulationSettings.FromEnvironment();
        var failures = new ConcurrentBag<SeedReport>();
        var totals = new SimulationTotals();
        var clock = Stopwatch.StartNew();

        await Parallel.ForEachAsync(
            settings.Seeds(),
            new ParallelOptions { MaxDegreeOfParallelism = settings.Parallelism },
            async (seed, _) =>
            {
                var started = Stopwatch.GetTimestamp();
                var report = await SimWorld.RunSeedAsync(seed, settings.Size);
                if (Environment.GetEnvironmentVariable("STK_SIM_PROGRESS") is { } progress)
                {
                    lock (totals)
                    {
                        File.AppendAllText(progress, $"{seed} {Stopwatch.GetElapsedTime(started).TotalMilliseconds:0} ms {(report.Passed ? "ok" : "FAIL")} {report.Trace:x16} {report.RequestsReleased} {report.Operations}\n");
                    }
                }

                totals.Add(report);
                if (!report.Passed)
                {
                    failures.Add(report);
                }
            });

        output.WriteLine(totals.Summary(clock.Elapsed));
        foreach (var failure in failures.OrderBy(f => f.Seed).Take(10))
        {
            output.WriteLine(failure.ToString());
            output.WriteLine($"  replay: STK_SIM_SEED={failure.Seed} dotnet test tests/StripeTerminalKit.Simulation.Tests --filter Every_seeded_world_keeps_every_promise");
        }

        Assert.True(failures.IsEmpty, $"{failures.Count} seeds broke a promise; first: {failures.OrderBy(f => f.Seed).FirstOrDefault()}");
        Assert.Equal(settings.Count * settings.Repeat, totals.Seeds);
    }

    [Fact]
    public async Task A_seed_replays_exactly()
    {
        foreach (var seed in new[] { 11, 222, 3333 })
        {
            var first = await SimWorld.RunSeedAsync(seed, SimulationSize.Ci);
            var second = await SimWorld.RunSeedAsync(seed, SimulationSize.Ci);

            Assert.Equal(first.ToString(), second.ToString());
            Assert.True(first.RequestsReleased > 0);
        }
    }
}

/// <summary>The simulation's knobs, read from the environment.</summary>
internal sealed record SimulationSettings(int First, int Count, SimulationSize Size, int Parallelism)
{
    /// <summary>Runs each seed this many times (to check that replays are exact under load).</summary>
    public int Repeat { get; init; } = 1;

    public IEnumerable<int> Seeds() => Enumerable.Range(First, Count).SelectMany(s => Enumerable.Repeat(s, Repeat));

    public static SimulationSettings FromEnvironment()
    {
        var size = Environment.GetEnvironmentVariable("STK_SIM_SIZE") == "large" ? SimulationSize.Large : SimulationSize.Ci;
        var parallelism = int.TryParse(Environment.GetEnvironmentVariable("STK_SIM_PARALLEL"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var p) ? p : Math.Max(1, Environment.ProcessorCount);
        if (int.TryParse(Environment.GetEnvironmentVariable("STK_SIM_SEED"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var one))
        {
            return new SimulationSettings(one, 1, size, 1);
        }

        if (int.TryParse(Environment.GetEnvironmentVariable("STK_SIM_REPEAT"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var repeat))
        {
            return new SimulationSettings(int.Parse(Environment.GetEnvironmentVariable("STK_SIM_FIRST") ?? "1", CultureInfo.InvariantCulture), 1, size, parallelism) { Repeat = repeat };
        }

        var count = int.TryParse(Environment.GetEnvironmentVariable("STK_SIM_SEEDS"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : 2_000;
        var first = int.TryParse(Environment.GetEnvironmentVariable("STK_SIM_FIRST"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var f) ? f : 1;
        return new SimulationSettings(first, count, size, parallelism);
    }
}

/// <summary>Totals over all seeds, for the report and docs/reliability.md.</summary>
internal sealed class SimulationTotals
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, long> _faults = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _outcomes = new(StringComparer.Ordinal);

    public int Seeds { get; private set; }

    public long Checkouts { get; private set; }

    public long Checks { get; private set; }

    public long Requests { get; private set; }

    public long Webhooks { get; private set; }

    public long Operations { get; private set; }

    public void Add(SeedReport report)
    {
        lock (_gate)
        {
            Seeds++;
            Checkouts += report.Checkouts;
            Checks += report.InvariantChecks;
            Requests += report.RequestsReleased;
            Webhooks += report.WebhooksDelivered;
            Operations += report.Operations;
            foreach (var (k, v) in report.Faults)
            {
                _faults[k] = _faults.GetValueOrDefault(k) + v;
            }

            foreach (var (k, v) in report.Outcomes)
            {
                _outcomes[k] = _outcomes.GetValueOrDefault(k) + v;
            }
        }
    }

    public string Summary(TimeSpan elapsed)
    {
        lock (_gate)
        {
            var injected = _faults.Where(p => !p.Key.StartsWith("reconciler.", StringComparison.Ordinal) && !p.Key.StartsWith("pos.", StringComparison.Ordinal) && !p.Key.StartsWith("invariants.", StringComparison.Ordinal)).Sum(p => p.Value);
            return string.Create(CultureInfo.InvariantCulture, $"""
                simulation: {Seeds} seeds in {elapsed.TotalSeconds:0.0} s; {Checkouts} checkouts, {Operations} POS operations, {Requests} Stripe requests, {Webhooks} webhooks
                faults injected: {injected} ({string.Join(", ", _faults.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"))})
                final states: {string.Join(", ", _outcomes.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"))}
                invariant checks: {Checks}
                """);
        }
    }
}
