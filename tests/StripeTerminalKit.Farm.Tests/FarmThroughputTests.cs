using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Stripe;
using Xunit.Abstractions;
using PresentOptions = Stripe.TestHelpers.Terminal.ReaderPresentPaymentMethodOptions;

namespace StripeTerminalKit.Farm.Tests;

/// <summary>
/// Issue 16 item 9: checkouts per second for one instance and for three on one PostgreSQL, side by
/// side in one run, with the same readers, the same seed and the emulator server at Stripe's live
/// rate limits. Every lane is a POS and its reader taking sales back to back; a lane's sales go
/// round the instances; webhooks go to instance 0 only (the others learn through PostgreSQL).
/// </summary>
/// <remarks>
/// <c>STK_FARM_THROUGHPUT_CHECKOUTS</c> (default 12 per farm size, for CI) and
/// <c>STK_FARM_THROUGHPUT_READERS</c> (default 4). The figure in docs/reliability.md came from
/// <c>STK_FARM_THROUGHPUT_CHECKOUTS=300 STK_FARM_THROUGHPUT_READERS=12</c>.
/// </remarks>
public sealed class FarmThroughputTests(ITestOutputHelper output)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private static readonly TimeSpan StepDeadline = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task One_and_three_instances_take_the_same_sales_and_report_checkouts_per_second()
    {
        var postgres = FarmRun.PostgresConnection();
        var checkouts = FarmRun.Setting("STK_FARM_THROUGHPUT_CHECKOUTS", 12);
        var lanes = FarmRun.Setting("STK_FARM_THROUGHPUT_READERS", 4);
        using var run = new CancellationTokenSource(TimeSpan.FromSeconds(Math.Max(300, checkouts * 4.0)));

        var results = new List<Measured>();
        foreach (var size in new[] { 1, 3 })
        {
            results.Add(await MeasureAsync(postgres, size, checkouts, lanes, run.Token));
        }

        foreach (var r in results)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"farm throughput: {r.Size} instance(s), {r.Checkouts} checkouts on {lanes} readers: {r.PerSecond:0.00} checkouts/s over {r.Elapsed.TotalSeconds:0.0} s; start to final p50 {r.P50:0.00} s p99 {r.P99:0.00} s"));
        }

        Assert.All(results, r => Assert.Equal(checkouts, r.Succeeded));
    }

    private static async Task<Measured> MeasureAsync(string postgres, int size, int checkouts, int lanes, CancellationToken token)
    {
        var folder = Path.Combine(Path.GetTempPath(), string.Create(CultureInfo.InvariantCulture, $"stk-farm-rate-{size}-{Environment.ProcessId}-{DateTime.UtcNow:HHmmss}"));
        var farm = await Farm.StartAsync(postgres, folder, size, lanes, seed: 20261206, lease: TimeSpan.FromSeconds(10), webhooks: true, token);
        var passed = false;
        try
        {
            string[] readers;
            using (var client = farm.Device(0, 0))
            {
                var listed = await client.GetFromJsonAsync<ReaderAnswer[]>("/api/readers", Json, token) ?? [];
                readers = [.. Enumerable.Range(0, lanes).Select(lane => listed.Single(r => r.Label == Farm.LaneLabel(lane)).Id)];
            }

            var durations = new List<double>();
            var succeeded = 0;
            var next = -1;
            var clock = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, lanes).Select(async lane =>
            {
                while (Interlocked.Increment(ref next) is var n && n < checkouts)
                {
                    var started = Stopwatch.GetTimestamp();
                    var state = await CheckoutAsync(farm, readers[lane], lane, n % size, string.Create(CultureInfo.InvariantCulture, $"rate-{size}-{n:D5}"), token);
                    lock (durations)
                    {
                        durations.Add(Stopwatch.GetElapsedTime(started).TotalSeconds);
                        succeeded += state == "succeeded" ? 1 : 0;
                    }
                }
            }));
            var elapsed = clock.Elapsed;
            var sorted = durations.Order().ToArray();
            passed = true;
            return new Measured(size, checkouts, succeeded, elapsed, checkouts / elapsed.TotalSeconds, FarmRun.Percentile(sorted, 0.5), FarmRun.Percentile(sorted, 0.99));
        }
        finally
        {
            await farm.DisposeAsync();
            if (passed)
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }

    /// <summary>One sale: start it on instance <paramref name="instance"/>, tap when the reader shows it, wait for its answer there.</summary>
    private static async Task<string?> CheckoutAsync(Farm farm, string reader, int lane, int instance, string id, CancellationToken token)
    {
        using var pos = farm.Device(lane, instance);
        using (var response = await pos.PostAsJsonAsync("/api/checkouts", new { checkoutId = id, readerId = reader, amount = 1750, skipTipping = true }, Json, token))
        {
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }

        await UntilAsync(id, "the reader shows the sale", async () =>
        {
            var r = await farm.Stripe.V1.Terminal.Readers.GetAsync(reader, cancellationToken: token);
            return r.Action is { Status: "in_progress", ProcessPaymentIntent.PaymentIntentId: not null };
        }, TimeSpan.FromMilliseconds(250), token);
        await farm.Stripe.V1.TestHelpers.Terminal.Readers.PresentPaymentMethodAsync(reader, new PresentOptions { Type = "card_present", CardPresent = new() { Number = "4242424242424242" } }, cancellationToken: token);

        string? state = null;
        await UntilAsync(id, "the instance answers a final state", async () =>
        {
            using var response = await pos.GetAsync($"/api/checkouts/{id}", token);
            state = response.StatusCode == HttpStatusCode.OK
                ? JsonDocument.Parse(await response.Content.ReadAsStringAsync(token)).RootElement.GetProperty("state").GetString()
                : null;
            return state is "succeeded" or "declined" or "failed" or "canceled" or "voided" or "needs_attention";
        }, TimeSpan.FromMilliseconds(20), token);
        return state;
    }

    /// <summary>
    /// Probes until true. The emulator enforces the live limits on this test's own reads too
    /// (25/s per endpoint), so the reader probe goes every 250 ms per lane and a refused probe is
    /// simply asked again.
    /// </summary>
    private static async Task UntilAsync(string id, string what, Func<Task<bool>> probe, TimeSpan every, CancellationToken token)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                if (await probe())
                {
                    return;
                }
            }
            catch (StripeException exception) when (exception.HttpStatusCode == HttpStatusCode.TooManyRequests)
            {
                // Asked too fast: ask again after the pause.
            }

            if (clock.Elapsed > StepDeadline)
            {
                throw new TimeoutException($"{id}: {what} did not happen within {StepDeadline.TotalSeconds:0} s");
            }

            await Task.Delay(every, token);
        }
    }

    private sealed record Measured(int Size, int Checkouts, int Succeeded, TimeSpan Elapsed, double PerSecond, double P50, double P99);

    private sealed record ReaderAnswer(string Id, string Label);
}
