using StripeTerminalKit.Checkout;
using StripeTerminalKit.Emulator;

namespace StripeTerminalKit.Simulation.Tests.Simulation;

/// <summary>What a POS does with one checkout, decided up front from the seed.</summary>
internal sealed record PosBehaviour
{
    /// <summary>Cancel the checkout this long after starting it, if still running.</summary>
    public TimeSpan? CancelAfter { get; init; }

    /// <summary>After a decline: the chance to try another card rather than cancel.</summary>
    public double RetryChance { get; init; }

    /// <summary>How long the cashier takes to react to a decline or an authorisation.</summary>
    public TimeSpan ReactionDelay { get; init; }

    /// <summary>After a manual authorisation: capture in full, in part, or void.</summary>
    public AuthorizedChoice OnAuthorized { get; init; }

    /// <summary>The share of the authorised amount captured by a partial capture (0–1).</summary>
    public double PartialCaptureShare { get; init; }

    /// <summary>Refunds asked after capture, each as a share of the captured amount (1 = everything left).</summary>
    public IReadOnlyList<double> Refunds { get; init; } = [];

    /// <summary>Starts the same checkout id a second time (a double tap on the POS).</summary>
    public bool DoubleStart { get; init; }

    /// <summary>Tries to start another sale on the reader while this one runs (must be refused, typed).</summary>
    public bool StartOnBusyReader { get; init; }
}

/// <summary>What the POS does with an authorised (manual capture) checkout.</summary>
internal enum AuthorizedChoice
{
    CaptureAll,
    CapturePart,
    Void,
}

/// <summary>One planned sale.</summary>
internal sealed record PlannedCheckout(CheckoutRequest Request, int Reader, TimeSpan GapBefore, PosBehaviour Pos);

/// <summary>A timed fault on a reader.</summary>
internal sealed record ReaderFault(int Reader, TimeSpan At, ReaderFaultKind Kind, TimeSpan Duration);

/// <summary>What goes wrong with a reader.</summary>
internal enum ReaderFaultKind
{
    Offline,
    DropMidPayment,
    DropAfterAuthorization,
}

/// <summary>
/// Everything a seed decides before the run starts: the fleet, the sales and what the cashiers
/// do, and the fault schedule. Decisions taken during the run (which parked request goes next,
/// what the customer taps) come from other streams of the same seed.
/// </summary>
internal sealed record SeedPlan
{
    public required int Seed { get; init; }

    public required int Readers { get; init; }

    public required IReadOnlyList<PlannedCheckout> Checkouts { get; init; }

    public required TimeSpan FaultWindow { get; init; }

    public required IReadOnlyList<FaultRule> RequestFaults { get; init; }

    public required IReadOnlyList<ReaderFault> ReaderFaults { get; init; }

    public required EmulatorWebhookFaults WebhookFaults { get; init; }

    public required IReadOnlyList<TimeSpan> Crashes { get; init; }

    public required double LoseRecordOnCrash { get; init; }

    public required bool WebhooksEnabled { get; init; }

    public required TimeSpan AuthorizationDelay { get; init; }

    public required SimulationProfile Profile { get; init; }

    private static readonly string[] CheckoutOperations =
    [
        EmulatorOperations.PaymentIntentsCreate,
        EmulatorOperations.PaymentIntentsGet,
        EmulatorOperations.PaymentIntentsCapture,
        EmulatorOperations.PaymentIntentsCancel,
        EmulatorOperations.ProcessPaymentIntent,
        EmulatorOperations.CollectPaymentMethod,
        EmulatorOperations.ConfirmPaymentIntent,
        EmulatorOperations.CancelAction,
        EmulatorOperations.SetReaderDisplay,
        EmulatorOperations.ReadersGet,
        EmulatorOperations.RefundsCreate,
    ];

    // Stripe answers terminal_reader_* only to a command sent to a reader: these kinds are scoped to one.
    private static readonly string[] ReaderCommandOperations =
    [
        EmulatorOperations.ProcessPaymentIntent,
        EmulatorOperations.CollectPaymentMethod,
        EmulatorOperations.ConfirmPaymentIntent,
        EmulatorOperations.CancelAction,
        EmulatorOperations.SetReaderDisplay,
    ];

    private static readonly FaultKind[] RequestFaultKinds =
    [
        FaultKind.ResponseLost,
        FaultKind.ReaderTimeoutAfterDelivery,
        FaultKind.ConnectionFailure,
        FaultKind.RateLimited,
        FaultKind.LockTimeout,
        FaultKind.ServerError,
        FaultKind.ServiceUnavailable,
        FaultKind.ReaderBusy,
        FaultKind.ReaderOffline,
        FaultKind.ReaderHardwareFault,
    ];

    public static SeedPlan Create(int seed, SimulationProfile profile)
    {
        var size = profile.Size;
        var rng = new Random(seed);
        var readers = rng.Next(size.MinReaders, size.MaxReaders + 1);
        var checkouts = new List<PlannedCheckout>();
        for (var r = 0; r < readers; r++)
        {
            var count = rng.Next(size.MinCheckoutsPerReader, size.MaxCheckoutsPerReader + 1);
            for (var i = 0; i < count; i++)
            {
                checkouts.Add(new PlannedCheckout(Request(rng, seed, r, i, profile), r, Seconds(rng, i == 0 ? 0 : 1, i == 0 ? 20 : 40), Pos(rng, profile)));
            }
        }

        var window = Seconds(rng, 60, 480);
        var rules = new List<FaultRule>();
        for (int i = 0, n = profile.EmulatorFaults ? rng.Next(0, 5) : 0; i < n; i++)
        {
            var kind = RequestFaultKinds[rng.Next(RequestFaultKinds.Length)];
            var readerKind = kind is FaultKind.ReaderTimeoutAfterDelivery or FaultKind.ReaderBusy or FaultKind.ReaderOffline or FaultKind.ReaderHardwareFault;
            var anyOperation = rng.NextDouble() < 0.4;
            rules.Add(new FaultRule(kind)
            {
                Operation = readerKind ? ReaderCommandOperations[rng.Next(ReaderCommandOperations.Length)]
                    : anyOperation ? null
                    : CheckoutOperations[rng.Next(CheckoutOperations.Length)],
                Probability = 0.02 + (rng.NextDouble() * 0.2),
                ShouldRetry = rng.NextDouble() < 0.5 ? null : rng.NextDouble() < 0.8,
            });
        }

        var readerFaults = new List<ReaderFault>();
        for (int i = 0, n = profile.EmulatorFaults ? rng.Next(0, 3) : 0; i < n; i++)
        {
            var kind = (ReaderFaultKind)rng.Next(3);
            readerFaults.Add(new ReaderFault(rng.Next(readers), Seconds(rng, 0, (int)window.TotalSeconds), kind, Seconds(rng, 5, 120)));
        }

        var webhooks = !profile.EmulatorFaults || rng.NextDouble() < 0.25 ? EmulatorWebhookFaults.None : new EmulatorWebhookFaults
        {
            DropRate = rng.NextDouble() < 0.5 ? rng.NextDouble() * 0.4 : 0,
            DuplicateRate = rng.NextDouble() < 0.5 ? rng.NextDouble() * 0.4 : 0,
            ReorderRate = rng.NextDouble() < 0.5 ? rng.NextDouble() * 0.4 : 0,
            Delay = rng.NextDouble() < 0.4 ? TimeSpan.FromMilliseconds(200) : TimeSpan.Zero,
            MaxDelay = TimeSpan.FromSeconds(rng.Next(1, 90)),
            DelayRate = rng.NextDouble() * 0.5,
        };

        var crashes = new List<TimeSpan>();
        for (int i = 0, n = profile.Crashes ? rng.Next(0, size.MaxCrashes + 1) : 0; i < n; i++)
        {
            crashes.Add(Seconds(rng, 1, (int)window.TotalSeconds));
        }

        crashes.Sort();
        return new SeedPlan
        {
            Seed = seed,
            Readers = readers,
            Checkouts = checkouts,
            FaultWindow = window,
            RequestFaults = rules,
            ReaderFaults = readerFaults,
            WebhookFaults = webhooks,
            Crashes = crashes,
            LoseRecordOnCrash = profile.Crashes && rng.NextDouble() < 0.3 ? 0.5 : 0,
            WebhooksEnabled = rng.NextDouble() < 0.8,
            AuthorizationDelay = rng.NextDouble() < 0.5 ? TimeSpan.Zero : TimeSpan.FromMilliseconds(rng.Next(200, 3000)),
            Profile = profile,
        };
    }

    private static CheckoutRequest Request(Random rng, int seed, int reader, int index, SimulationProfile profile)
    {
        // Small sales start at 50 cents, Stripe's minimum charge in aud (the kit refuses less before any call).
        var amount = rng.NextDouble() < 0.1 ? rng.Next(50, 100) : rng.Next(100, 60_000);
        if (!profile.CustomersMisbehave)
        {
            // Well-behaved customers: no documented decline amount (…01, …05, …55, …).
            amount = (amount / 100 * 100) + 50;
        }

        var skipTipping = rng.NextDouble() < 0.5;
        var cart = rng.NextDouble() < 0.3;
        var lines = cart
            ? new[] { new CheckoutCartLine("Flat white", amount / 2, 1), new CheckoutCartLine("Croissant", amount - (amount / 2), 1) }
            : null;
        return new CheckoutRequest
        {
            CheckoutId = $"s{seed}-r{reader}-c{index}",
            Amount = amount,
            Currency = "aud",
            ReaderId = "",
            CaptureMode = (CheckoutCaptureMode)rng.Next(3),
            Flow = rng.NextDouble() < 0.3 ? CheckoutFlow.CollectThenConfirm : CheckoutFlow.ProcessInOneStep,
            CartLines = lines,
            SkipTipping = skipTipping,
            TipEligibleAmount = !skipTipping && rng.NextDouble() < 0.3 ? rng.Next(0, amount + 1) : null,
            AllowCustomerCancellation = rng.NextDouble() < 0.9,
            WaitForRetryAfterDecline = rng.NextDouble() < 0.7,
            Timeout = Seconds(rng, 60, 300),
            Metadata = rng.NextDouble() < 0.3 ? new Dictionary<string, string> { ["till"] = reader.ToString(System.Globalization.CultureInfo.InvariantCulture) } : null,
            Description = rng.NextDouble() < 0.3 ? "Simulated sale" : null,
            // Drawn from a stream of its own so every seed's other choices stay what they were.
            CollectReceiptEmail = new Random(unchecked((seed * 1_000_003) + (reader * 10_007) + (index * 31) + 15)).NextDouble() < 0.2,
        };
    }

    private static PosBehaviour Pos(Random rng, SimulationProfile profile)
    {
        if (!profile.CashiersCancel)
        {
            return new PosBehaviour { RetryChance = 1, ReactionDelay = Seconds(rng, 1, 30), OnAuthorized = AuthorizedChoice.CaptureAll };
        }

        var refunds = new List<double>();
        if (rng.NextDouble() < 0.3)
        {
            refunds.Add(rng.NextDouble() < 0.5 ? 1 : 0.1 + (rng.NextDouble() * 0.5));
            if (rng.NextDouble() < 0.3)
            {
                refunds.Add(rng.NextDouble() < 0.5 ? 1 : 0.1 + (rng.NextDouble() * 0.5));
            }
        }

        var choice = rng.NextDouble();
        return new PosBehaviour
        {
            CancelAfter = rng.NextDouble() < 0.15 ? Seconds(rng, 1, 90) : null,
            RetryChance = rng.NextDouble(),
            ReactionDelay = Seconds(rng, 1, 30),
            OnAuthorized = choice < 0.6 ? AuthorizedChoice.CaptureAll : choice < 0.8 ? AuthorizedChoice.CapturePart : AuthorizedChoice.Void,
            PartialCaptureShare = 0.1 + (rng.NextDouble() * 0.85),
            Refunds = refunds,
            DoubleStart = rng.NextDouble() < 0.1,
            StartOnBusyReader = rng.NextDouble() < 0.1,
        };
    }

    private static TimeSpan Seconds(Random rng, int min, int max) => TimeSpan.FromMilliseconds(rng.Next(min * 1000, (max * 1000) + 1));
}

/// <summary>What kind of world a seed builds.</summary>
/// <param name="Name">For reports.</param>
/// <param name="Size">How big.</param>
internal sealed record SimulationProfile(string Name, SimulationSize Size)
{
    /// <summary>Request, reader and webhook faults from the emulator.</summary>
    public bool EmulatorFaults { get; init; } = true;

    /// <summary>Kit crashes (and lost store records).</summary>
    public bool Crashes { get; init; } = true;

    /// <summary>Declined cards, customers who cancel or walk away.</summary>
    public bool CustomersMisbehave { get; init; } = true;

    /// <summary>Cashiers who cancel, void and refund.</summary>
    public bool CashiersCancel { get; init; } = true;

    /// <summary>Polly chaos (fault, outcome, latency) on the kit's Stripe HttpClient at this injection rate each; null for none.</summary>
    public double? ChaosInjectionRate { get; init; }

    /// <summary>Everything that can go wrong, in small worlds: the CI simulation.</summary>
    public static SimulationProfile Faults { get; } = new("faults", SimulationSize.Ci);

    /// <summary>Bigger worlds with every fault, for long local runs.</summary>
    public static SimulationProfile LargeFaults { get; } = new("faults-large", SimulationSize.Large);

    /// <summary>
    /// Only Polly's chaos on the HTTP pipeline, with customers who pay and cashiers who capture:
    /// every authorised payment should end captured.
    /// </summary>
    public static SimulationProfile Chaos { get; } = new("chaos", new SimulationSize(4, 4, 6, 6, 0))
    {
        EmulatorFaults = false,
        Crashes = false,
        CustomersMisbehave = false,
        CashiersCancel = false,
        ChaosInjectionRate = 0.2,
    };
}

/// <summary>How big each seed's world is.</summary>
internal sealed record SimulationSize(int MinReaders, int MaxReaders, int MinCheckoutsPerReader, int MaxCheckoutsPerReader, int MaxCrashes)
{
    /// <summary>Small worlds, so that CI runs thousands of seeds.</summary>
    public static SimulationSize Ci { get; } = new(2, 3, 1, 3, 2);

    /// <summary>Bigger worlds for long local runs.</summary>
    public static SimulationSize Large { get; } = new(2, 5, 2, 6, 3);
}
