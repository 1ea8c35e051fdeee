using Stripe;
using Stripe.Terminal;
using StripeTerminalKit.Emulator;

namespace StripeTerminalKit.Benchmarks.Fleet;

/// <summary>
/// The world every run shares: a fake clock, an emulator enforcing Stripe's live rate limits,
/// the locations and the fleet's readers spread over them, and a customer at every reader who taps
/// a Visa card 2–20 s after being asked.
/// </summary>
internal sealed class FleetWorld : IAsyncDisposable
{
    public const string WebhookSecret = "whsec_fleet_simulation";

    private FleetWorld(FleetSettings settings, SimulatedClock time, StripeEmulator emulator, ReaderPlan[] plans)
    {
        Settings = settings;
        Time = time;
        Emulator = emulator;
        Plans = plans;
    }

    public FleetSettings Settings { get; }

    public SimulatedClock Time { get; }

    public StripeEmulator Emulator { get; }

    public ReaderPlan[] Plans { get; }

    public Dictionary<string, ReaderPlan> ByReader { get; } = new(StringComparer.Ordinal);

    /// <summary>When the measured hour begins (setup requests before it are not counted).</summary>
    public DateTimeOffset Start { get; private set; }

    public DateTimeOffset End => Start + Settings.Duration;

    public static async Task<FleetWorld> CreateAsync(FleetSettings settings)
    {
        var time = new SimulatedClock(new DateTimeOffset(2026, 11, 24, 8, 0, 0, TimeSpan.Zero));
        var emulator = new StripeEmulator(new StripeEmulatorOptions
        {
            TimeProvider = time,
            Seed = settings.Seed,
            WebhookSecret = WebhookSecret,
            RateLimits = new EmulatorRateLimits(settings.GlobalLimit, settings.EndpointLimit),
        });
        var stripe = emulator.CreateStripeClient();
        var locations = new string[Math.Max(1, settings.Locations)];
        for (var i = 0; i < locations.Length; i++)
        {
            if (i % 20 == 19)
            {
                time.Advance(TimeSpan.FromSeconds(1));
            }

            locations[i] = (await stripe.V1.Terminal.Locations.CreateAsync(new LocationCreateOptions
            {
                DisplayName = "Shop " + i,
                Address = new AddressOptions { Line1 = (i + 1) + " Collins St", City = "Melbourne", State = "VIC", PostalCode = "3000", Country = "AU" },
            })).Id;
        }

        time.Advance(TimeSpan.FromSeconds(1));

        var plans = new ReaderPlan[settings.Readers];
        for (var i = 0; i < settings.Readers; i++)
        {
            if (i % 20 == 19)
            {
                // Registering the fleet stays inside the rate limits too.
                time.Advance(TimeSpan.FromSeconds(1));
            }

            var reader = await stripe.V1.Terminal.Readers.CreateAsync(new ReaderCreateOptions { RegistrationCode = "simulated-s700", Location = locations[i % locations.Length], Label = "Till " + i });
            plans[i] = new ReaderPlan(i, settings, default) { ReaderId = reader.Id };
        }

        time.Advance(TimeSpan.FromSeconds(1));
        var world = new FleetWorld(settings, time, emulator, plans);
        world.Start = time.GetUtcNow();
        for (var i = 0; i < plans.Length; i++)
        {
            plans[i] = new ReaderPlan(i, settings, world.Start) { ReaderId = plans[i].ReaderId };
            world.ByReader[plans[i].ReaderId] = plans[i];
        }

        emulator.Customer.Automate(prompt =>
        {
            var plan = world.ByReader[prompt.ReaderId];
            var delay = plan.NextTapDelay();
            plan.TapAt = time.GetUtcNow() + delay;

            // The card is presented at TapAt; the reader shows the outcome once it has authorised.
            return CustomerAction.Tap(TestCards.Visa, delay + plan.NextAuthorization());
        });
        return world;
    }

    /// <summary>Sets up webhook delivery for the condition; returns the events a subscriber asks Stripe for.</summary>
    public void ConfigureWebhooks(WebhookCondition condition, Func<EmulatorWebhookDelivery, CancellationToken, Task> handler)
    {
        if (condition == WebhookCondition.Down)
        {
            return;
        }

        if (condition == WebhookCondition.Delayed)
        {
            Emulator.Webhooks.Faults = new EmulatorWebhookFaults { Delay = Settings.WebhookDelay };
        }
        else if (Settings.Latency)
        {
            Emulator.Webhooks.Faults = new EmulatorWebhookFaults { Delay = LatencyModel.WebhookMin, MaxDelay = LatencyModel.WebhookMax };
        }

        Emulator.Webhooks.Subscribe(handler, SubscribedEvents);
    }

    /// <summary>The events a Terminal backend subscribes to (charge events are not needed).</summary>
    public static readonly string[] SubscribedEvents =
    [
        "terminal.reader.action_succeeded",
        "terminal.reader.action_failed",
        "payment_intent.amount_capturable_updated",
        "payment_intent.succeeded",
        "payment_intent.payment_failed",
        "payment_intent.canceled",
    ];

    public async ValueTask DisposeAsync() => await Emulator.DisposeAsync();
}
