using System.Diagnostics;
using System.Globalization;

namespace StripeTerminalKit.Benchmarks.Checkout;

/// <summary>
/// <c>-- probe [n]</c>: a stopwatch comparison of <see cref="CheckoutOverheadBenchmarks"/>'s two
/// sides for quick checks while optimising. Six rounds of <c>n</c> checkouts a side, the two sides
/// taking turns in blocks of 50 checkouts (each pair of blocks in alternating order), so that a slow spell of a
/// shared two-core host lands on both sides alike; then allocated bytes and CPU per checkout, each
/// side measured alone. With <c>PROBE_TRACE=1</c>, the rounds show instead where each side's
/// wall time goes, by phase (medians); with <c>PROBE_ONLY=kit</c> (or <c>raw</c>), one side runs
/// alone, for a profiler; with <c>PROBE_BLOCKING=1</c>, a thread outside the pool blocks on each
/// checkout, as BenchmarkDotNet calls an async benchmark. The README's overhead table comes from BenchmarkDotNet, not from this.
/// </summary>
internal static class OverheadProbe
{
    // Blocks, not single checkouts, take turns: a checkout's trailing webhooks are still being
    // delivered as the next one starts, and each side should pay for its own (the raw side's
    // Stripe.net events cost more to build than the kit's), as in BenchmarkDotNet's runs.
    private const int Block = 50;

    public static async Task<int> RunAsync(string[] args)
    {
        var n = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 2000;
        var raw = new CheckoutOverheadBenchmarks();
        raw.SetupRaw();
        var kit = new CheckoutOverheadBenchmarks();
        kit.SetupKit();
        try
        {
            if (Environment.GetEnvironmentVariable("PROBE_ONLY") is { } only)
            {
                // One side alone, n checkouts, for a profiler (dotnet-trace) to watch.
                for (var i = 0; i < n; i++)
                {
                    await (only == "kit" ? (Task)kit.Kit() : raw.RawStripeNet());
                }

                return 0;
            }

            // Warm both sides well past tiered compilation: Stripe.net's calls keep getting faster
            // for the first few thousand.
            for (var i = 0; i < n; i++)
            {
                await raw.RawStripeNet();
                await kit.Kit();
            }

            var trace = Environment.GetEnvironmentVariable("PROBE_TRACE") == "1";
            var blocking = Environment.GetEnvironmentVariable("PROBE_BLOCKING") == "1";
            for (var round = 0; round < 6; round++)
            {
                if (trace)
                {
                    await TraceRoundAsync(raw, kit, n, blocking);
                    continue;
                }

                var rawTimes = new double[n];
                var kitTimes = new double[n];
                await TakeTurnsAsync(n, blocking, async (side, i) =>
                {
                    var start = Stopwatch.GetTimestamp();
                    await (side == Raw ? (Task)raw.RawStripeNet() : kit.Kit());
                    (side == Raw ? rawTimes : kitTimes)[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
                });

                Array.Sort(rawTimes);
                Array.Sort(kitTimes);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"µs per checkout: raw mean {rawTimes.Average():0} median {rawTimes[n / 2]:0} p99 {rawTimes[n * 99 / 100]:0} | kit mean {kitTimes.Average():0} median {kitTimes[n / 2]:0} p99 {kitTimes[n * 99 / 100]:0} | ratio mean {kitTimes.Average() / rawTimes.Average():0.00} median {kitTimes[n / 2] / rawTimes[n / 2]:0.00}"));
            }

            var (rawBytes, rawCpu) = await AllocationsAsync(n, raw.RawStripeNet);
            var (kitBytes, kitCpu) = await AllocationsAsync(n, kit.Kit);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"per checkout, each side alone: raw {rawBytes:0} B, cpu {rawCpu:0} µs | kit {kitBytes:0} B, cpu {kitCpu:0} µs | ratio alloc {kitBytes / rawBytes:0.00} cpu {kitCpu / rawCpu:0.00}"));
            return 0;
        }
        finally
        {
            raw.Cleanup();
            await kit.CleanupAsync();
        }
    }

    private const int Raw = 0;
    private const int Kit = 1;

    /// <summary>
    /// Runs checkouts 0 to <paramref name="n"/> − 1 of each side, the sides taking turns a block at a
    /// time, the first block raw then kit, the next kit then raw, and so on. With
    /// <paramref name="blocking"/>, a thread outside the pool makes them, blocking on each (as
    /// BenchmarkDotNet calls an async benchmark).
    /// </summary>
    private static Task TakeTurnsAsync(int n, bool blocking, Func<int, int, Task> checkout)
    {
        if (!blocking)
        {
            return TakeTurnsAsync(n, checkout);
        }

        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        new Thread(() =>
        {
            TakeTurnsAsync(n, (side, i) =>
            {
                checkout(side, i).GetAwaiter().GetResult();
                return Task.CompletedTask;
            }).GetAwaiter().GetResult();
            done.SetResult();
        }).Start();
        return done.Task;
    }

    private static async Task TakeTurnsAsync(int n, Func<int, int, Task> checkout)
    {
        for (var block = 0; block < n; block += Block)
        {
            foreach (var side in block / Block % 2 == 0 ? new[] { Raw, Kit } : [Kit, Raw])
            {
                for (var i = block; i < Math.Min(block + Block, n); i++)
                {
                    await checkout(side, i);
                }
            }
        }
    }

    // The median of each phase, each side; the same blocks taking turns as the timed rounds.
    private static async Task TraceRoundAsync(CheckoutOverheadBenchmarks raw, CheckoutOverheadBenchmarks kit, int n, bool blocking)
    {
        var phases = new[] { new double[n, 4], new double[n, 4] };
        var row = new double[4];
        await TakeTurnsAsync(n, blocking, async (side, i) =>
        {
            var traced = side == Raw ? raw : kit;
            await traced.TracedAsync(side == Raw ? raw.RawStripeNet : kit.Kit, row);
            for (var g = 0; g < 4; g++)
            {
                phases[side][i, g] = row[g];
            }
        });

        string[] names = ["start→create", "create→process", "process→capture", "capture→end"];
        foreach (var side in new[] { Raw, Kit })
        {
            var medians = Enumerable.Range(0, 4).Select(g => Enumerable.Range(0, n).Select(i => phases[side][i, g]).Order().ElementAt(n / 2));
            Console.WriteLine((side == Raw ? "raw: " : "kit: ") + string.Join(", ", names.Zip(medians, (name, m) => string.Create(CultureInfo.InvariantCulture, $"{name} {m:0} µs"))));
        }
    }

    // CPU counts every thread of the process, the emulator's included.
    private static async Task<(double Bytes, double CpuMicros)> AllocationsAsync<T>(int n, Func<Task<T>> body)
    {
        var bytes = GC.GetTotalAllocatedBytes(precise: true);
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        for (var i = 0; i < n; i++)
        {
            await body();
        }

        return ((double)(GC.GetTotalAllocatedBytes(precise: true) - bytes) / n, (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMicroseconds / n);
    }
}
