using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Stripe;
using StripeTerminalKit.Checkout;
using StripeTerminalKit.TestHygiene;
using Xunit.Abstractions;
using PresentOptions = Stripe.TestHelpers.Terminal.ReaderPresentPaymentMethodOptions;

namespace StripeTerminalKit.Crash.Tests;

/// <summary>
/// Issue 11 item 6: the durability guarantee with real processes. The emulator server and the web
/// sample run as separate OS processes on loopback; a seeded run of checkouts across the shop's
/// simulated readers kills the sample with SIGKILL at chosen moments (mid-create, while the reader
/// waits for the customer, mid-capture, mid-refund, as a receipt email entered on the reader is
/// saved) and starts it again on the same SQLite file
/// and port. Customers tap through the emulator server (Stripe's test helper), sometimes while the
/// sample is dead. Then, with no POS request, everything must settle, and Stripe's side (read
/// from the emulator server with Stripe.net) must show: no checkout charged twice, no
/// authorisation left held, every checkout final with the outcome the POS asked for; the sample's
/// store and its POS API must show the same outcome.
/// </summary>
/// <remarks>
/// Size: <c>STK_CRASH_CHECKOUTS</c> (default 200), <c>STK_CRASH_KILLS</c> (20),
/// <c>STK_CRASH_SEED</c> (20261206), <c>STK_CRASH_READERS</c> (8). <c>STK_CRASH_KEEP=1</c> keeps
/// the run's folder (logs, checkout file) after a passing run; a failing run always keeps it.
/// </remarks>
public sealed class SigkillRestartTests(ITestOutputHelper output)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private static readonly TimeSpan StepDeadline = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan SettleDeadline = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task Sigkill_at_random_moments_leaves_no_double_charge_no_held_authorisation_and_every_checkout_final()
    {
        var seed = Setting("STK_CRASH_SEED", 20261206);
        var checkouts = Setting("STK_CRASH_CHECKOUTS", 200);
        var kills = Setting("STK_CRASH_KILLS", 20);
        var lanes = Setting("STK_CRASH_READERS", 8);
        var plan = CrashPlan.Create(seed, checkouts, kills, lanes);

        // The whole run has a deadline: nothing below can hang the suite.
        // 270 s at the default size: inside CI's 5-minute hang timeout, so this test's own message wins.
        using var run = new CancellationTokenSource(TimeSpan.FromSeconds(Math.Max(270, (checkouts * 1.0) + (kills * 4.0))));
        var folder = Path.Combine(Path.GetTempPath(), string.Create(CultureInfo.InvariantCulture, $"stk-crash-{seed}-{Environment.ProcessId}-{DateTime.UtcNow:HHmmss}"));
        var passed = false;
        var system = await SystemUnderTest.StartAsync(folder, lanes, seed, run.Token);
        try
        {
            var driver = new CrashDriver(system, plan, lanes, run.Token);
            var clock = Stopwatch.StartNew();
            await driver.RunAsync();
            var drove = clock.Elapsed;

            // No POS request from here on: the backend alone must finish what is left.
            var settled = await WaitUntilSettledAsync(system, run.Token);
            var findings = await CheckAsync(system, plan, run.Token);
            var total = clock.Elapsed;

            ScanChildLogsForSecrets(system);
            var restartFigures = driver.Restarts.Where(r => r.SettledAfter is not null).Select(r => r.SettledAfter!.Value.TotalSeconds).Order().ToArray();
            var byMoment = string.Join(", ", driver.Kills.GroupBy(k => k).OrderBy(g => g.Key).Select(g => $"{g.Key.ToString().ToLowerInvariant()} {g.Count()}"));
            var summary = string.Create(CultureInfo.InvariantCulture, $"crash run: seed={seed}, {checkouts} checkouts on {lanes} readers, {driver.Kills.Count} SIGKILLs ({byMoment}), violations {findings.Violations.Count}, restart→settled p50 {Percentile(restartFigures, 0.50):0.00} s p99 {Percentile(restartFigures, 0.99):0.00} s (max {(restartFigures.Length == 0 ? 0 : restartFigures[^1]):0.00} s; {restartFigures.Length} restarts measured, {driver.Restarts.Count(r => r.CutByNextKill)} cut by the next kill), {drove.TotalSeconds:0} s driving + {settled.TotalSeconds:0.0} s settling, {total.TotalSeconds:0} s in all");
            output.WriteLine(summary);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  Stripe: {findings.PaymentIntents} PaymentIntents for {checkouts} checkouts, {findings.Captured} captured, {findings.Refunds} refunds, {findings.Canceled} canceled; POS: {driver.Reattached} operations re-announced after a restart (start re-sent), {driver.PosRetries} POS requests that met a dead backend and were sent again"));
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  backend: {findings.StoreMatches} of {checkouts} stored checkouts final with Stripe's outcome; GET /api/checkouts/{{id}}: {findings.LookupMatches} answered with Stripe's outcome, {findings.LookupNotFound} answered 404"));
            foreach (var violation in findings.Violations.Take(30))
            {
                output.WriteLine("  violation: " + violation);
            }

            foreach (var note in driver.Notes.Take(20))
            {
                output.WriteLine("  note: " + note);
            }

            System.IO.File.WriteAllText(Path.Combine(folder, "summary.txt"), summary + Environment.NewLine + string.Join(Environment.NewLine, findings.Violations));

            Assert.True(findings.Violations.Count == 0, $"{findings.Violations.Count} violations, first: {string.Join(" | ", findings.Violations.Take(5))}; {system.Logs}");
            Assert.True(driver.Kills.Count >= kills, $"only {driver.Kills.Count} of {kills} kills happened; {system.Logs}");
            Assert.Equal(kills + 1, system.SampleStarts);

            // The sample's POS API knows every checkout, whichever process started it: its
            // lookups read the durable store (a 404 is a violation above).
            Assert.Equal(checkouts, findings.LookupMatches);
            passed = true;
        }
        catch (Exception exception) when (exception is not Xunit.Sdk.XunitException)
        {
            throw new InvalidOperationException($"The crash run failed: {exception.Message}; {system.Logs}", exception);
        }
        finally
        {
            await system.DisposeAsync();
            if (passed && Environment.GetEnvironmentVariable("STK_CRASH_KEEP") != "1")
            {
                TryDelete(folder);
            }
            else
            {
                output.WriteLine("run folder kept: " + folder);
            }
        }
    }

    /// <summary>Waits, with no POS request, until the store has nothing unfinished and Stripe holds nothing open.</summary>
    private static async Task<TimeSpan> WaitUntilSettledAsync(SystemUnderTest system, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var unfinished = 0;
            await foreach (var _ in system.Store.ListUnfinishedAsync(cancellationToken))
            {
                unfinished++;
            }

            var open = 0;
            await foreach (var intent in system.Stripe.V1.PaymentIntents.ListAutoPagingAsync(new PaymentIntentListOptions { Limit = 100 }, cancellationToken: cancellationToken))
            {
                if (intent.Status is not ("succeeded" or "canceled"))
                {
                    open++;
                }
            }

            if (unfinished == 0 && open == 0)
            {
                return clock.Elapsed;
            }

            if (clock.Elapsed > SettleDeadline)
            {
                // Not thrown: the checks below name every checkout left open.
                return clock.Elapsed;
            }

            await Task.Delay(200, cancellationToken);
        }
    }

    private static async Task<Findings> CheckAsync(SystemUnderTest system, IReadOnlyList<PlannedCheckout> plan, CancellationToken cancellationToken)
    {
        var findings = new Findings();
        var intents = new List<PaymentIntent>();
        await foreach (var intent in system.Stripe.V1.PaymentIntents.ListAutoPagingAsync(new PaymentIntentListOptions { Limit = 100 }, cancellationToken: cancellationToken))
        {
            intents.Add(intent);
        }

        findings.PaymentIntents = intents.Count;
        var byCheckout = intents.GroupBy(pi => pi.Metadata?.GetValueOrDefault(TerminalCheckoutMetadata.CheckoutId) ?? "(none)").ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        foreach (var stray in byCheckout.Keys.Where(k => !plan.Any(p => p.CheckoutId == k)))
        {
            findings.Violations.Add($"PaymentIntents for a checkout nobody started: '{stray}'");
        }

        foreach (var held in intents.Where(pi => pi.Status == "requires_capture"))
        {
            findings.Violations.Add($"authorisation left held: {held.Id} of {held.Metadata?.GetValueOrDefault(TerminalCheckoutMetadata.CheckoutId)}");
        }

        var clients = new Dictionary<int, HttpClient>();
        try
        {
            foreach (var planned in plan)
            {
                var mine = byCheckout.GetValueOrDefault(planned.CheckoutId) ?? [];
                var stripeState = await StripeOutcomeAsync(system, planned, mine, findings, cancellationToken);
                if (planned.AsksForEmail && mine.Count == 1 && mine[0].ReceiptEmail != PlannedCheckout.Email)
                {
                    findings.Violations.Add($"{planned.CheckoutId} (kill {planned.Kill}): the email entered on the reader is not the PaymentIntent's receipt_email ({mine[0].ReceiptEmail ?? "none"})");
                }

                // The backend's durable side.
                var record = await system.Store.LoadAsync(planned.CheckoutId, cancellationToken);
                var storeState = record is null ? "(missing)" : StateName(record.State);
                if (record is null || !record.Completed || storeState != stripeState)
                {
                    findings.Violations.Add($"{planned.CheckoutId}: the store holds {storeState}{(record is { Completed: false } ? " (unfinished)" : "")}, Stripe {stripeState}");
                }
                else
                {
                    findings.StoreMatches++;
                }

                // The backend's POS API, asked by the device that owns the checkout.
                if (!clients.TryGetValue(planned.Lane, out var client))
                {
                    clients[planned.Lane] = client = system.Device(planned.Lane);
                }

                using var response = await client.GetAsync("/api/checkouts/" + planned.CheckoutId, cancellationToken);
                if (response.StatusCode == HttpStatusCode.NotFound)
                {
                    findings.LookupNotFound++;
                    findings.Violations.Add($"{planned.CheckoutId}: GET /api/checkouts answers 404 to the device that started it");
                }
                else if (response.StatusCode == HttpStatusCode.OK && (await response.Content.ReadFromJsonAsync<CheckoutAnswer>(Json, cancellationToken))?.State is { } seen)
                {
                    if (seen == stripeState)
                    {
                        findings.LookupMatches++;
                    }
                    else
                    {
                        findings.Violations.Add($"{planned.CheckoutId}: GET /api/checkouts answers {seen}, Stripe holds {stripeState}");
                    }
                }
                else
                {
                    findings.Violations.Add($"{planned.CheckoutId}: GET /api/checkouts answered {(int)response.StatusCode}");
                }
            }
        }
        finally
        {
            foreach (var client in clients.Values)
            {
                client.Dispose();
            }
        }

        return findings;
    }

    /// <summary>Stripe's outcome for one checkout, checked against the plan; violations go to <paramref name="findings"/>.</summary>
    private static async Task<string> StripeOutcomeAsync(SystemUnderTest system, PlannedCheckout planned, List<PaymentIntent> intents, Findings findings, CancellationToken cancellationToken)
    {
        if (intents.Count == 0)
        {
            findings.Violations.Add($"{planned.CheckoutId}: no PaymentIntent at Stripe");
            return "(none)";
        }

        if (intents.Count > 1)
        {
            findings.Violations.Add($"{planned.CheckoutId}: {intents.Count} PaymentIntents ({string.Join(", ", intents.Select(pi => pi.Id + " " + pi.Status))}); one per checkout");
        }

        var paid = intents.Where(pi => pi.Status == "succeeded").ToList();
        if (paid.Count > 1 || paid.Sum(pi => pi.AmountReceived) > planned.Amount)
        {
            findings.Violations.Add($"{planned.CheckoutId}: charged twice ({string.Join(", ", paid.Select(pi => pi.Id + " " + pi.AmountReceived.ToString(CultureInfo.InvariantCulture)))})");
        }

        foreach (var open in intents.Where(pi => pi.Status is not ("succeeded" or "canceled")))
        {
            findings.Violations.Add($"{planned.CheckoutId}: {open.Id} not final ({open.Status})");
        }

        string state;
        if (paid.Count == 0)
        {
            findings.Canceled += intents.Count(pi => pi.Status == "canceled");
            state = intents.All(pi => pi.Status == "canceled") ? "canceled" : intents[0].Status;
        }
        else
        {
            findings.Captured += paid.Count;
            var refunds = new List<Refund>();
            foreach (var pi in paid)
            {
                var page = await system.Stripe.V1.Refunds.ListAsync(new RefundListOptions { PaymentIntent = pi.Id, Limit = 100 }, cancellationToken: cancellationToken);
                refunds.AddRange(page.Data.Where(r => r.Status is "succeeded" or "pending"));
            }

            findings.Refunds += refunds.Count;
            var refunded = refunds.Sum(r => r.Amount);
            var received = paid.Sum(pi => pi.AmountReceived);
            if (planned.Kind == SaleKind.Refunded && refunds.Count > 1)
            {
                findings.Violations.Add($"{planned.CheckoutId}: refunded {refunds.Count} times");
            }

            if (refunded > received)
            {
                findings.Violations.Add($"{planned.CheckoutId}: refunded {refunded} of {received}");
            }

            state = refunded == 0 ? "succeeded" : refunded >= received ? "refunded" : "partially_refunded";
        }

        if (state != planned.ExpectedState)
        {
            findings.Violations.Add($"{planned.CheckoutId} ({planned.Kind}, kill {planned.Kill}): Stripe holds {state}, the POS asked for {planned.ExpectedState}");
        }

        return state;
    }

    /// <summary>Feeds the children's logs to the suite's secret scanner, which fails CI on any key, secret or bearer header.</summary>
    internal static void ScanChildLogsForSecrets(SystemUnderTest system)
    {
        foreach (var path in new[] { system.SampleLog, system.EmulatorLog })
        {
            using var reader = new StreamReader(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite));
            var chunk = new StringBuilder();
            while (reader.ReadLine() is { } line)
            {
                chunk.AppendLine(line);
                if (chunk.Length > 64 * 1024)
                {
                    SuiteSecretScanner.Scan(chunk.ToString(), "child process log");
                    chunk.Clear();
                }
            }

            SuiteSecretScanner.Scan(chunk.ToString(), "child process log");
        }
    }

    internal static string StateName(CheckoutState state) => JsonNamingPolicy.SnakeCaseLower.ConvertName(state.ToString());

    private static int Setting(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value > 0 ? value : fallback;

    private static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];

    private static void TryDelete(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // A log still open by a dying child; the temp folder is cleaned by the OS.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private sealed class Findings
    {
        public List<string> Violations { get; } = [];

        public int PaymentIntents { get; set; }

        public int Captured { get; set; }

        public int Refunds { get; set; }

        public int Canceled { get; set; }

        public int StoreMatches { get; set; }

        public int LookupMatches { get; set; }

        public int LookupNotFound { get; set; }
    }
}

/// <summary>The PaymentIntent metadata the kit writes (TerminalCheckout.CheckoutIdMetadataKey is internal).</summary>
internal static class TerminalCheckoutMetadata
{
    public const string CheckoutId = "stk_checkout_id";
}

/// <summary>The part of the sample's checkout view the test reads.</summary>
internal sealed record CheckoutAnswer(string? CheckoutId, string? State, string? PaymentIntentId);
