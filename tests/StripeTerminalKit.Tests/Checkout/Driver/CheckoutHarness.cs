using Microsoft.Extensions.Logging;
using StripeTerminalKit.TestHygiene;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using StripeTerminalKit.Checkout;
using StripeTerminalKit.Checkout.Runtime;
using StripeTerminalKit.Emulator;
using StripeTerminalKit.Locations;
using StripeTerminalKit.Readers;
using StripeTerminalKit.Webhooks;

namespace StripeTerminalKit.Tests.Checkout.Driver;

/// <summary>
/// The whole kit on the emulator and a fake clock: DI as a user wires it, webhooks delivered
/// in-process through the real verifier, and a loop that advances time only when nothing is
/// running, so tests never sleep.
/// </summary>
internal sealed class CheckoutHarness : IAsyncDisposable
{
    private const string WebhookSecret = "whsec_checkout_harness";

    private CheckoutHarness(FakeTimeProvider time, StripeEmulator emulator, ServiceProvider services)
    {
        Time = time;
        Emulator = emulator;
        Services = services;
        Checkout = services.GetRequiredService<ITerminalCheckout>();
        Readers = services.GetRequiredService<ITerminalReaders>();
    }

    public FakeTimeProvider Time { get; }

    public StripeEmulator Emulator { get; }

    public ServiceProvider Services { get; }

    public ITerminalCheckout Checkout { get; }

    public ITerminalReaders Readers { get; }

    public string ReaderId { get; private set; } = "";

    public TerminalCheckout Runtime => (TerminalCheckout)Checkout;

    public static async Task<CheckoutHarness> StartAsync(
        bool webhooks = true,
        int seed = 1,
        StripeEmulatorOptions? emulatorOptions = null,
        Action<StripeTerminalCheckoutOptions>? configure = null,
        ICheckoutStore? store = null,
        Action<StripeTerminalOptions>? kit = null,
        Func<Func<Task>, Task>? aroundDelivery = null)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 24, 9, 0, 0, TimeSpan.Zero));
        var options = emulatorOptions ?? new StripeEmulatorOptions();
        options.TimeProvider = time;
        options.Seed = seed;
        options.WebhookSecret = WebhookSecret;
        var emulator = new StripeEmulator(options);
        // Leases expire by the fake clock too.
        var harness = Build(time, emulator, store ?? new InMemoryCheckoutStore(time), webhooks, configure, kit, aroundDelivery);
        var locations = harness.Services.GetRequiredService<ITerminalLocations>();
        var location = await locations.CreateAsync(new CreateLocationRequest("Flinders Lane Cafe", new TerminalAddress("AU", Line1: "12 Flinders Lane", City: "Melbourne", State: "VIC", PostalCode: "3000")));
        harness.ReaderId = (await harness.Readers.RegisterAsync(new RegisterReaderRequest("simulated-s700") { LocationId = location.Id, Label = "Till 1" })).Id;
        return harness;
    }

    /// <summary>
    /// The process "crashes": this kit is thrown away without finishing anything, and a new one
    /// starts on the same store (or on <paramref name="store"/>, e.g. an empty one when the store
    /// was lost too) and the same Stripe (emulator), configured as before.
    /// </summary>
    public async Task<CheckoutHarness> CrashAndRestartAsync(ICheckoutStore? store = null)
    {
        var next = store ?? Store;
        _webhookSubscription?.Dispose();
        await Services.DisposeAsync();
        var restarted = Build(Time, Emulator, next, _webhooks, _configure, _kit, _aroundDelivery);
        restarted.ReaderId = ReaderId;
        return restarted;
    }

    /// <summary>A second server instance: its own kit, sharing this one's store and Stripe (emulator).</summary>
    /// <param name="configure">Its checkout options instead of this one's (e.g. its own instance name).</param>
    public CheckoutHarness StartAnotherInstance(Action<StripeTerminalCheckoutOptions>? configure = null)
    {
        var other = Build(Time, Emulator, Store, webhooks: false, configure ?? _configure, _kit);
        other.ReaderId = ReaderId;
        _others.Add(other);
        return other;
    }

    public ICheckoutStore Store => Services.GetRequiredService<ICheckoutStore>();

    // The other instances sharing this one's clock: the clock moves only when all of them are idle,
    // or one instance's call would see time jump while it runs (a flake of the two-instance tests).
    private readonly List<CheckoutHarness> _others = [];

    private bool AllIdle => Runtime.Work.IsIdle && _others.TrueForAll(o => o.Runtime.Work.IsIdle);

    /// <summary>The process dies: its kit is thrown away mid-work, nothing restarts (the store and Stripe live on).</summary>
    public async Task KillAsync()
    {
        _webhookSubscription?.Dispose();
        await Services.DisposeAsync();
    }

    private EmulatorWebhookSubscription? _webhookSubscription;
    private bool _webhooks;
    private Action<StripeTerminalCheckoutOptions>? _configure;
    private Action<StripeTerminalOptions>? _kit;
    private Func<Func<Task>, Task>? _aroundDelivery;

    /// <param name="aroundDelivery">Wraps each webhook's delivery to the kit (a test watching what runs on the deliverer's stack).</param>
    private static CheckoutHarness Build(FakeTimeProvider time, StripeEmulator emulator, ICheckoutStore store, bool webhooks, Action<StripeTerminalCheckoutOptions>? configure, Action<StripeTerminalOptions>? kit, Func<Func<Task>, Task>? aroundDelivery = null)
    {
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Trace).AddProvider(ScanningLoggerProvider.Instance));
        services.AddSingleton<TimeProvider>(time);
        services.AddSingleton(store);
        services.AddStripeTerminalKit(o =>
        {
            o.Country = "AU";
            // Reproducible module retry delays on the fake clock.
            o.Retry.JitterSeed = 7;
            kit?.Invoke(o);
        }).UseEmulator(emulator).AddCheckout(o =>
        {
            o.WebhooksEnabled = webhooks;
            configure?.Invoke(o);
        });
        services.AddStripeTerminalWebhooks(o => o.SigningSecrets.Add(WebhookSecret));
        var provider = services.BuildServiceProvider();
        var harness = new CheckoutHarness(time, emulator, provider) { _webhooks = webhooks, _configure = configure, _kit = kit, _aroundDelivery = aroundDelivery };
        if (webhooks)
        {
            var processor = provider.GetRequiredService<IStripeWebhookProcessor>();
            harness._webhookSubscription = emulator.Webhooks.Subscribe((delivery, ct) =>
            {
                return aroundDelivery is null ? DeliverAsync() : aroundDelivery(DeliverAsync);

                async Task DeliverAsync()
                {
                    var result = await processor.ProcessAsync(System.Text.Encoding.UTF8.GetBytes(delivery.Payload), delivery.SignatureHeader, ct);
                    if (!result.Accepted)
                    {
                        throw new InvalidOperationException("webhook refused: " + result.Rejection);
                    }
                }
            });
        }

        return harness;
    }

    public static CheckoutRequest Request(string id, long amount = 1000, string? readerId = null) => new()
    {
        CheckoutId = id,
        Amount = amount,
        Currency = "aud",
        ReaderId = readerId ?? "",
    };

    public CheckoutRequest Sale(string id, long amount = 1000) => Request(id, amount, ReaderId);

    /// <summary>Lets everything that is due run, then advances the clock a step at a time until <paramref name="done"/>.</summary>
    public async Task RunUntilAsync(Func<bool> done, TimeSpan? step = null, TimeSpan? max = null)
    {
        var by = step ?? TimeSpan.FromMilliseconds(500);
        var limit = max ?? TimeSpan.FromMinutes(30);
        var elapsed = TimeSpan.Zero;
        while (true)
        {
            await SettleAsync(done);
            if (done())
            {
                return;
            }

            if (elapsed >= limit)
            {
                throw new TimeoutException($"Condition not met after {limit} of emulated time.");
            }

            Time.Advance(by);
            elapsed += by;
        }
    }

    /// <summary>Lets <paramref name="duration"/> of emulated time pass, a step at a time, settling after each.</summary>
    public async Task RunForAsync(TimeSpan duration, TimeSpan? step = null)
    {
        var by = step ?? TimeSpan.FromMilliseconds(500);
        for (var elapsed = TimeSpan.Zero; elapsed < duration; elapsed += by)
        {
            await SettleAsync();
            Time.Advance(by);
        }

        await SettleAsync();
    }

    /// <summary>
    /// Waits (without sleeping) until no checkout work and no webhook delivery is pending, or
    /// until <paramref name="done"/> holds (work that waits on the clock never goes idle).
    /// </summary>
    public async Task SettleAsync(Func<bool>? done = null)
    {
        for (var round = 0; round < 3; round++)
        {
            for (var i = 0; i < 200_000 && !AllIdle && done?.Invoke() != true; i++)
            {
                await Task.Yield();
            }

            await Emulator.Webhooks.DrainAsync();
        }

        for (var i = 0; i < 200_000 && !AllIdle && done?.Invoke() != true; i++)
        {
            await Task.Yield();
        }
    }

    public async Task<CheckoutResult> CompleteAsync(CheckoutHandle handle, TimeSpan? max = null)
    {
        await RunUntilAsync(() => handle.HasCompleted, max: max);
        return handle.Result!;
    }

    public async ValueTask DisposeAsync()
    {
        await Services.DisposeAsync();
        await Emulator.DisposeAsync();
    }
}
