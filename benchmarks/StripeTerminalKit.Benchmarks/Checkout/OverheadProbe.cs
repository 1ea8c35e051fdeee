using System.Diagnostics;
using System.Globalization;

namespace StripeTerminalKit.Benchmarks.Checkout;

/// <summary>
/// <c>-- probe [n]</c>: a rough stopwatch comparison of <see cref="CheckoutOverheadBenchmarks"/>'s
/// two sides (time and allocated bytes per checkout), for quick checks while optimising. The
/// README figures come from BenchmarkDotNet, not from this.
/// </summary>
internal static class OverheadProbe
{
    public static async Task<int> RunAsync(string[] args)
    {
        var n = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 2000;
        var raw = new CheckoutOverheadBenchmarks();
        raw.SetupRaw();
        var kit = new CheckoutOverheadBenchmarks();
        kit.SetupKit();
        if (Environment.GetEnvironmentVariable("PROBE_ONLY") is { } only)
        {
            var (time, bytes, cpu) = only == "kit" ? await MeasureAsync(n, kit.Kit) : await MeasureAsync(n, raw.RawStripeNet);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{only} {time:0.0} µs (cpu {cpu:0}) {bytes:0} B"));
            return 0;
        }

        if (Environment.GetEnvironmentVariable("PROBE_TRACE") == "1")
        {
            await kit.TraceAsync();
            return 0;
        }

        for (var round = 0; round < 6; round++)
        {
            var (rawTime, rawBytes, rawCpu) = await MeasureAsync(n, () => raw.RawStripeNet());
            var (kitTime, kitBytes, kitCpu) = await MeasureAsync(n, () => kit.Kit());
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"raw {rawTime:0.0} µs (cpu {rawCpu:0}) {rawBytes:0} B | kit {kitTime:0.0} µs (cpu {kitCpu:0}) {kitBytes:0} B | ratio time {kitTime / rawTime:0.00} alloc {kitBytes / rawBytes:0.00}"));
        }

        raw.Cleanup();
        await kit.CleanupAsync();
        return 0;
    }

    private static async Task<(double Micros, double Bytes, double Cpu)> MeasureAsync<T>(int n, Func<Task<T>> body)
    {
        for (var i = 0; i < n / 10; i++)
        {
            await body();
        }

        var bytes = GC.GetTotalAllocatedBytes(precise: true);
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < n; i++)
        {
            await body();
        }

        watch.Stop();
        return (watch.Elapsed.TotalMicroseconds / n, (double)(GC.GetTotalAllocatedBytes(precise: true) - bytes) / n,
            (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMicroseconds / n);
    }
}
