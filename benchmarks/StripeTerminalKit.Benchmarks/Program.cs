using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using StripeTerminalKit.Benchmarks.Fleet;

// `dotnet run -c Release --project benchmarks/StripeTerminalKit.Benchmarks -- --filter '*'` runs every benchmark;
// add `--quick` for the short job (a few minutes) instead of the full one used for the README figures.
// `... -- fleet` runs the fleet simulation instead (a simulated hour of 500 readers under three webhook conditions),
// `... -- inflight` measures the memory held per checkout waiting for its customer (10,000 of them),
// `... -- stores` puts the in-memory and SQLite checkout stores side by side (operation latency, checkouts per second),
// `... -- probe` is a rough stopwatch version of the checkout overhead benchmark for quick checks.
if (args.Length > 0 && args[0] == "fleet")
{
    return await FleetSimulation.RunAsync(args[1..]);
}

if (args.Length > 0 && args[0] == "inflight")
{
    return await StripeTerminalKit.Benchmarks.Checkout.InFlightMemory.RunAsync(args[1..]);
}

if (args.Length > 0 && args[0] == "stores")
{
    return await StripeTerminalKit.Benchmarks.Storage.StoreFigures.RunAsync(args[1..]);
}

if (args.Length > 0 && args[0] == "probe")
{
    return await StripeTerminalKit.Benchmarks.Checkout.OverheadProbe.RunAsync(args[1..]);
}

var quick = args.Contains("--quick");
var rest = args.Where(a => a != "--quick").ToArray();
// One table per class: each has its own baseline, so its Ratio and Alloc Ratio columns compare like with like.
var config = (IConfig)DefaultConfig.Instance;
if (quick)
{
    config = config.AddJob(Job.ShortRun.WithId("quick"));
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(rest, config);
return 0;
