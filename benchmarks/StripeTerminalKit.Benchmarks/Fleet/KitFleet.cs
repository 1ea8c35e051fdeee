using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using StripeTerminalKit.Checkout;
using StripeTerminalKit.Checkout.Runtime;
using StripeTerminalKit.Webhooks;

namespace StripeTerminalKit.Benchmarks.Fleet;

/// <summary>
/// The fleet served by the kit as a user wires it: <c>AddStripeTerminalKit().UseEmulator().AddCheckout()</c>,
/// webhooks verified by the kit's processor, one <see cref="ITerminalCheckout"/> for all readers.
/// The clock moves only when nothing is left to run, so every figure is on simulated time.
/// </summary>
internal static class KitFleet
{
    // Long enough that a slow, busy machine never moves the clock under running work (that
    // would bunch arrivals and skew every figure); only work waiting for the clock itself stays.
    private static readonly TimeSpan StuckAfter = TimeSpan.FromSeconds(5);

    /// <summary>How many times the clock had to move on while work still waited for it (printed: should be 0).</summary>
    public static int Stalls;


    public static async Task<FleetResult> RunAsync(FleetSettings settings, WebhookCondition condition, string name)
    {
        var wall = Stopwatch.StartNew();
        await using var world = await FleetWorld.CreateAsync(settings);
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(world.Time);
        TerminalCheckout? counted = null;
        var kit = services.AddStripeTerminalKit(o => o.Country = "AU").UseEmulator(world.Emulator);
        if (settings.Latency)
        {
            var model = new LatencyModel(HashCode.Combine(settings.Seed, 4));
            kit.UseInProcessHandler(_ => new LatencyHandler(world.Emulator.CreateHttpMessageHandler(), model, world.Time, () => counted?.Work));
        }

        kit.AddCheckout(o =>
        {
            // Live mode allows 25 requests per second per endpoint and 100 overall: polling may
            // take 20 of them, shared by every waiting checkout, and never more.
            o.PollRequestsPerSecond = 20;
            o.BatchPollInterval = settings.BatchInterval;
        });
        services.AddStripeTerminalWebhooks(o => o.SigningSecrets.Add(FleetWorld.WebhookSecret));
        await using var provider = services.BuildServiceProvider();
        var checkout = provider.GetRequiredService<ITerminalCheckout>();
        var runtime = (TerminalCheckout)checkout;
        counted = runtime;
        var processor = provider.GetRequiredService<IStripeWebhookProcessor>();
        world.ConfigureWebhooks(condition, async (delivery, ct) =>
        {
            var result = await processor.ProcessAsync(System.Text.Encoding.UTF8.GetBytes(delivery.Payload), delivery.SignatureHeader, ct);
            if (!result.Accepted)
            {
                throw new InvalidOperationException("webhook refused: " + result.Rejection);
            }
        });

        var handles = new CheckoutHandle?[world.Plans.Length];
        var latencies = new List<TimeSpan>();
        int started = 0, succeeded = 0;
        var drainLimit = world.End + TimeSpan.FromMinutes(10);
        while (true)
        {
            var now = world.Time.GetUtcNow();
            var active = false;
            for (var i = 0; i < world.Plans.Length; i++)
            {
                var plan = world.Plans[i];
                if (handles[i] is { } handle)
                {
                    if (!handle.HasCompleted)
                    {
                        active = true;
                        continue;
                    }

                    var result = handle.Result!;
                    if (result is CheckoutSucceeded)
                    {
                        succeeded++;
                    }

                    if (plan.TapAt is { } tapAt)
                    {
                        latencies.Add(result.CompletedAt - tapAt);
                    }

                    plan.TapAt = null;
                    handles[i] = null;
                }

                if (now < world.End && now >= plan.NextArrival)
                {
                    plan.CustomerArrived();
                    handles[i] = await checkout.StartAsync(new CheckoutRequest
                    {
                        CheckoutId = plan.ReaderId + "-" + plan.Served++,
                        ReaderId = plan.ReaderId,
                        Amount = FleetSettings.AmountOf(plan.Served),
                        Currency = "aud",
                    });
                    started++;
                    active = true;
                }
            }

            await SettleAsync(runtime, world);
            if ((!active && now >= world.End) || now >= drainLimit)
            {
                break;
            }

            world.Time.Advance(settings.Step);
        }

        return FleetResult.From(name, world.Emulator.RequestLog, world.Start, started, succeeded, latencies, wall.Elapsed);
    }

    /// <summary>Waits, without moving the clock, until no checkout work and no due webhook delivery is left.</summary>
    internal static async Task SettleAsync(TerminalCheckout runtime, FleetWorld world)
    {
        while (true)
        {
            // Wait for the signal rather than spin: both cores are left to the work. Work that waits
            // for the fake clock while counted (a Polly retry after a 429) never signals: after a
            // real-time wait the clock moves on, and the run reports it.
            var idle = runtime.Work.WhenIdleAsync();
            if (await Task.WhenAny(idle, Task.Delay(StuckAfter)) != idle)
            {
                Interlocked.Increment(ref Stalls);
                if (Environment.GetEnvironmentVariable("FLEET_DEBUG") == "1")
                {
                    Console.Error.WriteLine($"stall at {world.Time.GetUtcNow():HH:mm:ss.f}: pending work {runtime.Work.PendingWork}");
                }

                return;
            }

            var drain = world.Emulator.Webhooks.DrainAsync();
            if (!drain.IsCompleted)
            {
                await drain;
                continue;
            }

            if (runtime.Work.IsIdle)
            {
                return;
            }
        }
    }
}
