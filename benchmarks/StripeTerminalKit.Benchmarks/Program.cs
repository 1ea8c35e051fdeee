using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;

// `dotnet run -c Release --project benchmarks/StripeTerminalKit.Benchmarks -- --filter '*'` runs everything;
// add `--quick` for the short job (a few minutes) instead of the full one used for the README figures.
var quick = args.Contains("--quick");
var rest = args.Where(a => a != "--quick").ToArray();
var config = DefaultConfig.Instance.WithOptions(ConfigOptions.JoinSummary);
if (quick)
{
    config = config.AddJob(Job.ShortRun.WithId("quick"));
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(rest, config);
