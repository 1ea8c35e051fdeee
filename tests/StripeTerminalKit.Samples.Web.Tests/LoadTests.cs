using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StripeTerminalKit.Emulator;
using StripeTerminalKit.TestHygiene;
using Xunit.Abstractions;

namespace StripeTerminalKit.Samples.Web.Tests;

/// <summary>
/// The web sample on loopback (real Kestrel, real clock) with 50 POS devices taking payments at
/// once, each on its own reader, against the emulator enforcing Stripe's live rate limits. Every
/// device runs sales back to back (a customer taps 50 ms after the reader asks; the till pauses
/// 1–3 s between customers; the tills open within the first two seconds) for a bounded time: <c>STK_LOAD_SECONDS</c> (CI: 12). Checked: no
/// duplicate PaymentIntent, no lost checkout, no error a device saw; reported: throughput, the
/// checkout overhead the sample and the kit add (p50/p99), 429s absorbed, and memory growth after warm-up.
/// </summary>
public sealed class LoadTests(ITestOutputHelper output)
{
    private const int Devices = 50;
    private static readonly TimeSpan TapAfter = TimeSpan.FromMilliseconds(50);

    [Fact]
    public async Task Fifty_devices_take_payments_at_once_with_nothing_lost_duplicated_or_failed()
    {
        var seconds = int.TryParse(Environment.GetEnvironmentVariable("STK_LOAD_SECONDS"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var s) ? s : 12;
        await using var app = new LoadSampleFactory();
        var emulator = app.Services.GetRequiredService<StripeEmulator>();
        emulator.Customer.Automate(CustomerAction.Tap(TestCards.Visa, TapAfter));
        var readers = await ReadersAsync(app);
        Assert.Equal(Devices, readers.Length);

        var overheads = new ConcurrentBag<double>();
        var errors = new ConcurrentBag<string>();
        var started = new ConcurrentBag<string>();
        var completed = new ConcurrentDictionary<string, Checkout>();
        var warmUp = TimeSpan.FromSeconds(Math.Min(4, seconds / 3.0));
        long memoryAfterWarmUp = 0, checkoutsAfterWarmUp = 0;
        var clock = Stopwatch.StartNew();
        var end = TimeSpan.FromSeconds(seconds);

        var devices = Enumerable.Range(0, Devices).Select(async d =>
        {
            using var client = app.Device(d);
            var random = new Random(2026 + d);
            var sale = 0;

            // Tills open within the first two seconds, not all in the same millisecond.
            await Task.Delay(random.Next(0, 2000));
            while (clock.Elapsed < end)
            {
                var id = $"load-{d}-{sale++}";
                started.Add(id);
                try
                {
                    var begun = Stopwatch.GetTimestamp();
                    using var response = await client.PostAsJsonAsync("/api/checkouts", new { checkoutId = id, readerId = readers[d], amount = (5 + random.Next(0, 200)) * 100 }, WebSampleFactory.Json);
                    if (response.StatusCode != HttpStatusCode.Accepted)
                    {
                        errors.Add($"{id}: start answered {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                        continue;
                    }

                    var done = await client.WaitForAsync(id, c => c.Completed);
                    completed[id] = done;
                    overheads.Add((Stopwatch.GetElapsedTime(begun) - TapAfter).TotalMilliseconds);
                    if (done.Outcome != "succeeded")
                    {
                        errors.Add($"{id}: ended {done.State} ({done.Reason})");
                    }
                }
#pragma warning disable CA1031 // every failure a device sees is a finding, reported with the others
                catch (Exception exception)
#pragma warning restore CA1031
                {
                    var snapshot = await app.Services.GetRequiredService<StripeTerminalKit.Checkout.ITerminalCheckout>().GetAsync(id);
                    var now = $"{snapshot?.State} result={snapshot?.Result?.Outcome} updated={snapshot?.UpdatedAt:HH:mm:ss.fff} at {DateTimeOffset.UtcNow:HH:mm:ss.fff}";
                    var pis = emulator.GetLedger().PaymentIntents.Where(pi => pi.Metadata.GetValueOrDefault("stk_checkout_id") == id).Select(pi => pi.Id + " " + pi.Status);
                    var ledgerNow = emulator.GetLedger();
                    var piIds = ledgerNow.PaymentIntents.Where(pi => pi.Metadata.GetValueOrDefault("stk_checkout_id") == id).Select(pi => pi.Id).ToHashSet();
                    var actions = ledgerNow.ReaderActions.Where(a => a.PaymentIntentId is { } p && piIds.Contains(p)).Select(a => $"{a.Type} {a.Status} {a.FailureCode} {a.StartedAt:HH:mm:ss.fff}");
                    var requests = emulator.RequestLog.Where(r => r.IdempotencyKey?.Contains(id + ":", StringComparison.Ordinal) == true).Select(r => $"{r.Operation} {r.StatusCode} {r.ErrorCode} {r.At:HH:mm:ss.fff}");
                    errors.Add($"{id}: {exception.GetType().Name} {exception.Message}; now {now}; Stripe: {string.Join(", ", pis)}; actions: {string.Join(", ", actions)}; requests: {string.Join(", ", requests)}");
                }

                await Task.Delay(1000 + random.Next(0, 2000));
            }
        }).ToList();

        // Warm-up: the first seconds fill caches, pools and JIT; memory is read after them.
        await Task.Delay(warmUp);
        memoryAfterWarmUp = HeapAfterFullCollection();
        checkoutsAfterWarmUp = completed.Count;
        await Task.WhenAll(devices);
        var elapsed = clock.Elapsed;
        var memoryAtEnd = HeapAfterFullCollection();

        var ledger = emulator.GetLedger();
        var perCheckout = ledger.PaymentIntents.GroupBy(pi => pi.Metadata.GetValueOrDefault("stk_checkout_id") ?? "(none)").ToList();
        var duplicates = perCheckout.Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        var captured = ledger.Charges.Count(c => c.Captured);
        var rateLimited = emulator.RequestLog.Count(r => r.StatusCode == 429);
        var sorted = overheads.Order().ToArray();
        var growth = (memoryAtEnd - memoryAfterWarmUp) / (double)Math.Max(1, completed.Count - checkoutsAfterWarmUp);

        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"""
            load: {Devices} devices for {elapsed.TotalSeconds:0.0} s on loopback, emulator at Stripe's live limits (25/s per endpoint, 100/s overall)
              checkouts: {started.Count} started, {completed.Count} completed, {captured} captured; {completed.Count / elapsed.TotalSeconds:0.0} checkouts/s; {emulator.RequestLog.Count} Stripe requests, {rateLimited} answered 429 and retried by the kit
              overhead (start to outcome at the device, minus the customer's {TapAfter.TotalMilliseconds:0} ms): p50 {Percentile(sorted, 0.50):0.0} ms, p99 {Percentile(sorted, 0.99):0.0} ms, max {(sorted.Length == 0 ? 0 : sorted[^1]):0.0} ms
              duplicate PaymentIntents: {duplicates.Count}; lost checkouts: {started.Count - completed.Count}; errors: {errors.Count}
              managed heap after warm-up {memoryAfterWarmUp / 1024.0 / 1024:0.0} MB, at the end {memoryAtEnd / 1024.0 / 1024:0.0} MB: {growth / 1024:0.0} KB per checkout after warm-up (the emulator's ledger, the in-memory checkout store and the sales journal keep every sale)
            """));
        foreach (var error in errors.Take(10))
        {
            output.WriteLine("  " + error);
        }

        Assert.Empty(errors);
        Assert.Empty(duplicates);
        Assert.Equal(started.Count, completed.Count);
        Assert.Equal(completed.Count, captured);
        Assert.All(completed.Values, c => Assert.Equal(1, ledger.PaymentIntents.Count(pi => pi.Id == c.PaymentIntentId)));
        Assert.True(completed.Count >= Devices * 2, $"only {completed.Count} checkouts completed");

        // Everything a finished sale leaves behind is bounded; a leak (a runner, timer or event
        // stream per checkout kept alive) would show as far more than this.
        Assert.True(growth < 256 * 1024, $"the heap grew by {growth / 1024:0} KB per checkout");
    }

    private static long HeapAfterFullCollection()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    private static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];

    private static async Task<string[]> ReadersAsync(LoadSampleFactory app)
    {
        using var client = app.Device(0);
        var readers = await client.ReadersAsync();
        return [.. Enumerable.Range(0, Devices).Select(i => readers.Single(r => r.Label == "Till " + i.ToString(CultureInfo.InvariantCulture)).Id)];
    }

    /// <summary>The web sample with 50 devices, 50 simulated readers and the emulator at Stripe's live limits.</summary>
    private sealed class LoadSampleFactory : WebApplicationFactory<Program>
    {
        public LoadSampleFactory() => UseKestrel(o => o.Listen(IPAddress.Loopback, 0));

        public static string Token(int device) => "load-device-token-" + device.ToString("D4", CultureInfo.InvariantCulture) + "-0123456789";

        public HttpClient Device(int device)
        {
            StartServer();
            var address = Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>()
                .Features.Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()!.Addresses.First();
            var client = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(60) };
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token(device));
            return client;
        }

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Testing");
            builder.ConfigureLogging(logging => logging.AddProvider(ScanningLoggerProvider.Instance).SetMinimumLevel(LogLevel.Warning));
            builder.UseSetting("STRIPE_API_KEY", "");
            builder.UseSetting("StripeTerminal:ApiKey", "");
            builder.UseSetting("Emulator:RateLimits", "live");
            builder.UseSetting("Logging:LogLevel:Default", "Warning");
            for (var i = 0; i < Devices; i++)
            {
                var n = i.ToString(CultureInfo.InvariantCulture);
                builder.UseSetting($"PosDevices:load-{n}:Name", "Till " + n);
                builder.UseSetting($"PosDevices:load-{n}:Token", Token(i));
                builder.UseSetting($"Shop:SimulatedReaders:{n}:RegistrationCode", "simulated-s700");
                builder.UseSetting($"Shop:SimulatedReaders:{n}:Label", "Till " + n);
            }
        }
    }
}
