using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StripeTerminalKit.Checkout;
using StripeTerminalKit.Checkout.Runtime;
using StripeTerminalKit.Emulator;
using StripeTerminalKit.TestHygiene;
using StripeTerminalKit.Webhooks;

namespace StripeTerminalKit.Simulation.Tests.Simulation;

/// <summary>
/// One life of the POS backend: the whole kit wired through DI as a user wires it, on the shared
/// emulator and durable store, with its own clock and network gate so that killing it stops
/// everything it would still do.
/// </summary>
internal sealed class KitProcess : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    private KitProcess(ServiceProvider services, SimClock clock, NetworkGate gate, CrashableStore store, int generation)
    {
        _services = services;
        Generation = generation;
        Clock = clock;
        Gate = gate;
        Store = store;
        Checkout = services.GetRequiredService<ITerminalCheckout>();
        Runtime = (TerminalCheckout)Checkout;
        Reconciler = services.GetRequiredService<ICheckoutReconciler>();
        Webhooks = services.GetRequiredService<IStripeWebhookProcessor>();
        Services = services;
    }

    public int Generation { get; }

    public SimClock Clock { get; }

    public NetworkGate Gate { get; }

    public CrashableStore Store { get; }

    public ITerminalCheckout Checkout { get; }

    public TerminalCheckout Runtime { get; }

    public ICheckoutReconciler Reconciler { get; }

    public IStripeWebhookProcessor Webhooks { get; }

    public IServiceProvider Services { get; }

    public static KitProcess Start(SimWorld world, int generation, Action<IServiceCollection, StripeTerminalKitBuilder, SimClock>? configure = null)
    {
        var clock = new SimClock(world.Fake, world.Sync);
        var gate = new NetworkGate(world.Sync);
        var store = new CrashableStore(world.DurableStore, world.LostCheckouts);
        var jitter = Streams.For(world.Seed, 4, generation);
        var services = new ServiceCollection();
        services.AddLogging(b => b.ClearProviders().AddProvider(ScanningLoggerProvider.Instance).SetMinimumLevel(LogLevel.Trace));
        services.AddSingleton<TimeProvider>(clock);
        services.AddSingleton<ICheckoutStore>(store);
        var kit = services.AddStripeTerminalKit(o =>
            {
                o.Country = "AU";
                o.Retry.Randomizer = jitter.NextDouble;
            })
            .UseEmulator(world.Emulator)
            .AddCheckout(o =>
            {
                // A budget wide enough never to queue in these small fleets: the budget has its own tests,
                // and a queue shared by several checkouts would tie their pace to thread timing.
                o.PollRequestsPerSecond = 100;
                o.PollBurst = 100_000;
            })
            // Orphans (records the store lost) are voided at the first pass after the faults.
            .AddCheckoutReconciler(o => o.OrphanGracePeriod = TimeSpan.Zero);
        kit.HttpClient.AddHttpMessageHandler(gate.CreateHandler);
        services.AddStripeTerminalWebhooks(o => o.SigningSecrets.Add(world.Emulator.Webhooks.Secret));
        configure?.Invoke(services, kit, clock);
        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
        return new KitProcess(provider, clock, gate, store, generation);
    }

    /// <summary>Work queued or running in the checkout runtime (events, Stripe calls, reconciliation).</summary>
    public long PendingWork => Runtime.Work.PendingWork;

    /// <summary>The process dies: its timers never fire, its store writes are lost, its network is cut.</summary>
    /// <remarks>
    /// The dead process is dropped, never disposed (a crash is not a shutdown), so what a real
    /// crash hands back to the operating system is released here: its meters, which the runtime
    /// lists in a static registry until they are disposed. Without this every crash in a
    /// long run kept its meter factory, meter and instruments (~4 KB) for the life of the process.
    /// </remarks>
    public ParkedRequest[] Kill()
    {
        Clock.Kill();
        Store.Kill();
        var parked = Gate.Die();
        _services.GetRequiredService<IMeterFactory>().Dispose();
        return parked;
    }

    /// <summary>Weak references to what this process built that must not outlive its world: its container and its meter factory.</summary>
    public IEnumerable<(string What, WeakReference Reference)> Watch() =>
    [
        ($"kit process {Generation}", new WeakReference(_services)),
        ($"kit process {Generation}'s meter factory", new WeakReference(_services.GetRequiredService<IMeterFactory>())),
    ];

    public ValueTask DisposeAsync() => _services.DisposeAsync();
}
