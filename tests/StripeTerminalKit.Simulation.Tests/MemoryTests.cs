using System.Runtime.CompilerServices;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using StripeTerminalKit.DependencyInjection;
using StripeTerminalKit.Emulator;
using StripeTerminalKit.Locations;
using StripeTerminalKit.Simulation.Tests.Simulation;

namespace StripeTerminalKit.Simulation.Tests;

/// <summary>
/// One process runs tens of thousands of seeds (docs/reliability.md): a world, once its seed is
/// over and it is dropped, must leave nothing behind — not the world, not its emulator, not any
/// kit process it started, crashed ones included (a crash drops a process without disposing it).
/// Measured by reachability after a full collection, never by timing.
/// </summary>
/// <remarks>
/// Run alone (<see cref="RunsAlone"/>): beside the 2,000-seed run in the same process,
/// the thread pool is saturated, and a dropped world's last queued continuation can still be
/// waiting for a thread when the collections run; that holds the world for those moments, not for
/// good (CI, once: "still reachable … the world, its emulator, kit process 2").
/// </remarks>
[Collection(RunsAlone.Name)]
public sealed class MemoryTests
{
    [Fact]
    public async Task A_finished_world_is_collected_with_its_emulator_and_every_kit_process_it_crashed()
    {
        // A seed with a crash (a dropped, never disposed process) and webhooks (the world subscribes to its emulator).
        var seed = Enumerable.Range(1, 200).First(s =>
        {
            var plan = SeedPlan.Create(s, SimulationProfile.Faults);
            return plan.WebhooksEnabled && plan.Crashes.Count > 0;
        });

        var (held, crashes) = await RunAndDropAsync(seed);
        Assert.True(crashes > 0, $"seed {seed} crashed no process");
        Assert.True(held.Count >= 4, "the world, its emulator and at least two processes are watched");

        Collect(() => held.Any(h => h.Reference.IsAlive));
        var alive = held.Where(h => h.Reference.IsAlive).Select(h => h.What).ToList();
        Assert.True(alive.Count == 0, $"seed {seed}: still reachable after the world was dropped: {string.Join(", ", alive)}");
    }

    /// <summary>Runs the seed and keeps only weak references to what it built (not inlined, so no local of this frame holds the world).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static async Task<(List<(string What, WeakReference Reference)> Held, int Crashes)> RunAndDropAsync(int seed)
    {
        var held = new List<(string What, WeakReference Reference)>();
        var report = await SimWorld.RunSeedAsync(seed, SimulationProfile.Faults, world =>
        {
            held.Add(("the world", new WeakReference(world)));
            held.Add(("its emulator", new WeakReference(world.Emulator)));
            held.AddRange(world.Watched);
        });

        Assert.True(report.Passed, report.ToString());
        return (held, report.Faults.GetValueOrDefault("kit.crash"));
    }

    /// <summary>
    /// The cause of the simulation's leak, on the kit alone: IHttpClientFactory rotates handlers on
    /// wall-clock timers of its own, which held the in-process emulator's handler — so the emulator,
    /// its webhook subscriber and the kit that subscriber holds — for two real minutes after the
    /// container was disposed, and for ever once rotated (the kit's HttpClient kept the expired handler in use).
    /// </summary>
    [Fact]
    public async Task A_disposed_kit_on_the_in_process_emulator_is_collected_even_when_the_emulators_webhook_subscriber_holds_it()
    {
        var (kit, emulator) = await UseDisposeAndDropKitAsync();

        Collect(() => kit.IsAlive || emulator.IsAlive);
        Assert.False(kit.IsAlive, "the kit's container is still reachable after it was disposed and dropped");
        Assert.False(emulator.IsAlive, "the emulator is still reachable after it was disposed and dropped");
    }

    [Fact]
    public void Only_the_in_process_emulators_handler_is_never_rotated_a_kit_on_Stripe_keeps_the_factorys_rotation()
    {
        Assert.Equal(Timeout.InfiniteTimeSpan, HandlerLifetime(kit => kit.UseEmulator()));
        Assert.Equal(TimeSpan.FromMinutes(2), HandlerLifetime(_ => { }));
        Assert.Equal(TimeSpan.FromMinutes(5), HandlerLifetime(kit => kit.UseEmulator().HttpClient.SetHandlerLifetime(TimeSpan.FromMinutes(5))));
    }

    private static TimeSpan HandlerLifetime(Action<StripeTerminalKitBuilder> configure)
    {
        var services = new ServiceCollection();
        configure(services.AddStripeTerminalKit(o =>
        {
            o.Country = "AU";
            o.ApiKey = "sk_test_" + new string('x', 24);
        }));
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IOptionsMonitor<HttpClientFactoryOptions>>().Get(StripeTerminalKitNames.HttpClient(null)).HandlerLifetime;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static async Task<(WeakReference Kit, WeakReference Emulator)> UseDisposeAndDropKitAsync()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 24, 9, 0, 0, TimeSpan.Zero));
        var emulator = new StripeEmulator(new StripeEmulatorOptions { TimeProvider = time });
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(time);
        services.AddStripeTerminalKit(o => o.Country = "AU").UseEmulator(emulator);
        var provider = services.BuildServiceProvider();

        // A subscriber that holds the kit, as an app forwarding the emulator's webhooks to it does.
        _ = emulator.Webhooks.Subscribe((_, _) =>
        {
            GC.KeepAlive(provider);
            return Task.CompletedTask;
        });

        // One call, so the factory builds the handler over the emulator.
        await provider.GetRequiredService<ITerminalLocations>().CreateAsync(
            new CreateLocationRequest("Cafe", new TerminalAddress("AU", Line1: "1 Collins St", City: "Melbourne", State: "VIC", PostalCode: "3000")));

        await provider.DisposeAsync();
        await emulator.DisposeAsync();
        return (new WeakReference(provider), new WeakReference(emulator));
    }

    private static void Collect(Func<bool> anyAlive)
    {
        for (var i = 0; i < 3 && anyAlive(); i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
    }
}

/// <summary>A test collection run with no other test class of this assembly beside it.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RunsAlone
{
    public const string Name = "Memory (alone)";
}
