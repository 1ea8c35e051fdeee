using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using StripeTerminalKit.Checkout;
using StripeTerminalKit.Simulation.Tests.Simulation;
using Xunit.Abstractions;

namespace StripeTerminalKit.Simulation.Tests;

/// <summary>
/// Polly's chaos strategies (fault, outcome, latency, each at an injection rate of 0.2) on the
/// kit's Stripe HttpClient, over thousands of checkouts whose customers pay and whose cashiers
/// capture. Every authorised payment must end captured, or in an explicit NeedsAttention result;
/// none may end any other way. <c>STK_CHAOS_WORLDS</c> sets how many worlds of 24 checkouts run.
/// </summary>
public sealed class ChaosTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Under_http_chaos_every_authorised_payment_ends_captured_or_explicitly_needs_attention()
    {
        var worlds = int.TryParse(Environment.GetEnvironmentVariable("STK_CHAOS_WORLDS"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : 200;
        var tally = new ChaosTally();
        var failures = new ConcurrentBag<SeedReport>();
        var clock = Stopwatch.StartNew();

        await Parallel.ForEachAsync(
            // STK_CHAOS_SEED replays one world (its log: STK_SIM_DUMP_LOG, its trace: STK_SIM_TRACE_DIR).
            int.TryParse(Environment.GetEnvironmentVariable("STK_CHAOS_SEED"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var one) ? [one] : Enumerable.Range(1, worlds),
            new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount },
            async (seed, _) =>
            {
                var report = await SimWorld.RunSeedAsync(1_000_000 + seed, SimulationProfile.Chaos, tally.Add);
                if (!report.Passed)
                {
                    failures.Add(report);
                }
            });

        output.WriteLine(tally.Summary(worlds, clock.Elapsed));
        foreach (var silent in tally.Silent.Take(5))
        {
            output.WriteLine("silent: " + silent);
        }

        foreach (var failure in failures.OrderBy(f => f.Seed).Take(5))
        {
            output.WriteLine(failure.ToString());
        }

        Assert.Empty(failures);
        Assert.Empty(tally.Silent);
        Assert.True(tally.Checkouts >= 2000 || worlds < 100, $"only {tally.Checkouts} checkouts ran");
        Assert.True(tally.Injected >= tally.Requests / 4, "the chaos injected less than expected: " + tally.Summary(worlds, clock.Elapsed));
        Assert.True(tally.Authorised > 0);
        Assert.True(tally.Captured >= 0.999 * tally.Authorised, tally.Summary(worlds, clock.Elapsed));
        Assert.Equal(tally.Authorised, tally.Captured + tally.NeedsAttention);
    }

    /// <summary>What happened to every authorised payment across the worlds.</summary>
    private sealed class ChaosTally
    {
        private readonly Lock _gate = new();

        public long Checkouts { get; private set; }

        public long Authorised { get; private set; }

        public long Captured { get; private set; }

        public long NeedsAttention { get; private set; }

        public long Requests { get; private set; }

        public long Injected { get; private set; }

        public long Faults { get; private set; }

        public long Outcomes { get; private set; }

        public long Latencies { get; private set; }

        public List<string> Silent { get; } = [];

        public void Add(SimWorld world)
        {
            var ledger = world.Emulator.GetLedger();
            lock (_gate)
            {
                Checkouts += world.Checkouts.Count;
                Requests += world.Chaos.Requests;
                Faults += world.Chaos.Faults;
                Outcomes += world.Chaos.Outcomes;
                Latencies += world.Chaos.Latencies;
                Injected += world.Chaos.Faults + world.Chaos.Outcomes + world.Chaos.Latencies;
                foreach (var charge in ledger.Charges.Where(c => c.Status == "succeeded"))
                {
                    Authorised++;
                    var pi = ledger.PaymentIntents.Single(p => p.Id == charge.PaymentIntentId);
                    var checkout = world.Checkouts.SingleOrDefault(c => c.Id == pi.Metadata.GetValueOrDefault("stk_checkout_id"));
                    switch (checkout?.Result)
                    {
                        case CheckoutSucceeded ok when charge.Captured && ok.ChargeId == charge.Id:
                            Captured++;
                            break;
                        case CheckoutNeedsAttention:
                            NeedsAttention++;
                            break;
                        default:
                            Silent.Add($"{charge.Id} of {checkout?.Id}: captured={charge.Captured} voided={charge.Voided}, result {checkout?.Result?.Outcome.ToString() ?? "none"}");
                            break;
                    }
                }
            }
        }

        public string Summary(int worlds, TimeSpan elapsed)
        {
            lock (_gate)
            {
                return string.Create(CultureInfo.InvariantCulture, $"""
                    chaos: {worlds} worlds, {Checkouts} checkouts in {elapsed.TotalSeconds:0.0} s; {Requests} HTTP requests, {Injected} chaos injections ({Faults} faults, {Outcomes} error outcomes, {Latencies} latencies)
                    authorised payments: {Authorised}; captured: {Captured} ({(Authorised == 0 ? 0 : 100.0 * Captured / Authorised):0.000} %); needs attention: {NeedsAttention}; silent: {Silent.Count}
                    """);
            }
        }
    }
}
