using System.Globalization;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using StripeTerminalKit.Checkout;
using StripeTerminalKit.Emulator;
using StripeTerminalKit.Errors;
using StripeTerminalKit.Locations;
using StripeTerminalKit.Readers;
using StripeTerminalKit.TestHygiene;
using StripeTerminalKit.Storage.Sqlite;

namespace StripeTerminalKit.Simulation.Tests.Simulation;

/// <summary>
/// One seeded run of the whole system: a fleet of readers with simulated customers on the
/// emulator, the real kit (DI, Polly, checkout runtime, webhook verifier) crashed and restarted
/// from its store, and a fault schedule — all on one fake clock.
/// </summary>
/// <remarks>
/// <para>Determinism: the kit runs on the thread pool, so the world never lets two things
/// happen at once. Every Stripe request parks at the <see cref="NetworkGate"/>; the world waits
/// until the kit is idle (every unit of checkout work is a parked request or a delay on the
/// clock), then releases one request or delivers one webhook, chosen by the seed, or — when
/// nothing is left to release — jumps the clock to the next timer. The emulator therefore sees
/// the same sequence of requests on every replay, and so does everything seeded after it.</para>
/// </remarks>
internal sealed class SimWorld : IAsyncDisposable
{
    private static readonly DateTimeOffset Epoch = new(2026, 11, 24, 9, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan SettleLimit = TimeSpan.FromMinutes(90);

    private static readonly string[] GoodCards =
    [
        TestCards.Visa, TestCards.VisaDebit, TestCards.Mastercard, TestCards.MastercardDebit, TestCards.Amex,
        TestCards.EftposAuDebit, TestCards.EftposAuVisaDebit, TestCards.EftposAuMastercardDebit,
    ];

    private static readonly string[] BadCards =
    [
        TestCards.Declined, TestCards.InsufficientFunds, TestCards.LostCard, TestCards.ExpiredCard, TestCards.ProcessingError,
    ];

    private readonly SeedPlan _plan;
    private readonly Random _world;
    private readonly Random _customer;
    private readonly Random _pos;
    private readonly SimClock _emulatorClock;
    private readonly List<EmulatorWebhookDelivery> _inbox = [];
    private readonly Lock _inboxGate = new();
    private readonly PriorityQueue<Func<Task>, (DateTimeOffset At, long Sequence)> _agenda = new();
    private readonly List<SimCheckout> _checkouts = [];
    private readonly Queue<SimCheckout>[] _queues;
    private readonly HashSet<string> _lost = new(StringComparer.Ordinal);
    private readonly List<(string What, WeakReference Reference)> _watched = [];
    private readonly TraceHash _trace = new() { Entries = Environment.GetEnvironmentVariable("STK_SIM_TRACE_DIR") is null ? null : [] };
    private int _visibleWebhooks;
    private long _sequence;
    private int _generation;
    private bool _faultsOn;
    private string[] _readers = [];

    public SimWorld(SeedPlan plan)
    {
        _plan = plan;
        Seed = plan.Seed;
        Report = new SeedReport(plan.Seed);
        _world = Streams.For(plan.Seed, 1);
        _customer = Streams.For(plan.Seed, 2);
        _pos = Streams.For(plan.Seed, 3);
        Fake = new FakeTimeProvider(Epoch);
        Sync = new SimSync();
        _emulatorClock = new SimClock(Fake, Sync);
        Emulator = new StripeEmulator(new StripeEmulatorOptions
        {
            TimeProvider = _emulatorClock,
            Seed = plan.Seed,
            WebhookSecret = "whsec_sim" + plan.Seed.ToString(CultureInfo.InvariantCulture),
            AuthorizationDelay = plan.AuthorizationDelay,
        });
        // One seed in ten keeps its checkouts in a real SQLite file (WAL, fsync'd saves) instead
        // of memory: the same promises must hold on the store a single-machine POS ships with.
        if (plan.Seed % 10 == 0)
        {
            _sqliteFile = Path.Combine(Path.GetTempPath(), "stk-sim-" + plan.Seed.ToString(CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N") + ".db");
            DurableStore = new SqliteCheckoutStore(new SqliteCheckoutStoreOptions { Path = _sqliteFile });
            Report.Faults["store.sqlite"] = 1;
        }
        else
        {
            DurableStore = new InMemoryCheckoutStore();
        }

        _queues = Enumerable.Range(0, plan.Readers).Select(_ => new Queue<SimCheckout>()).ToArray();
    }

    public int Seed { get; }

    /// <summary>Where the run is, for a hung seed.</summary>
    public string Stage { get; private set; } = "setting up";

    public SeedReport Report { get; }

    public FakeTimeProvider Fake { get; }

    public SimSync Sync { get; }

    public StripeEmulator Emulator { get; }

    /// <summary>The store that outlives the kit's crashes: in memory, or an SQLite file for one seed in ten.</summary>
    public ICheckoutStore DurableStore { get; }

    private readonly string? _sqliteFile;

    public IReadOnlySet<string> LostCheckouts => _lost;

    public KitProcess Kit { get; private set; } = null!;

    public IReadOnlyList<SimCheckout> Checkouts => _checkouts;

    /// <summary>
    /// Every process this world started (the crashed ones and the last) and its meter factory,
    /// held weakly: once the world is dropped, none may outlive it (MemoryTests).
    /// </summary>
    public IReadOnlyList<(string What, WeakReference Reference)> Watched => _watched;

    private DateTimeOffset Now => Fake.GetUtcNow();

    /// <summary>A seed that takes longer than this on the wall clock is reported as hung (a watchdog, not a timing).</summary>
    public static TimeSpan Watchdog { get; set; } = TimeSpan.FromSeconds(60);

    public static Task<SeedReport> RunSeedAsync(int seed, SimulationSize size) =>
        RunSeedAsync(seed, size == SimulationSize.Large ? SimulationProfile.LargeFaults : SimulationProfile.Faults);

    public static async Task<SeedReport> RunSeedAsync(int seed, SimulationProfile profile, Action<SimWorld>? inspect = null)
    {
        var world = new SimWorld(SeedPlan.Create(seed, profile));
        try
        {
            await Task.Run(world.RunAsync).WaitAsync(Watchdog);
            inspect?.Invoke(world);
            await world.DisposeAsync().AsTask().WaitAsync(Watchdog);
        }
        catch (TimeoutException)
        {
            world.Report.Violations.Add($"the run hung: {world.Describe()}");
        }
#pragma warning disable CA1031 // a crash of the world is a finding of the seed, reported with it
        catch (Exception exception)
#pragma warning restore CA1031
        {
            world.Report.Violations.Add("the run threw " + exception);
        }

        return world.Report;
    }

    public async Task RunAsync()
    {
        await SetUpAsync();
        ScheduleFaults();
        foreach (var queue in _queues)
        {
            if (queue.TryPeek(out var first))
            {
                At(Now + first.Plan.GapBefore, () => StartAsync(first));
            }
        }

        // Faults on, sales running.
        Stage = "running";
        var faultsEnd = Now + _plan.FaultWindow;
        await RunUntilAsync(() => Now >= faultsEnd && _agenda.Count == 0 && AllDone(), faultsEnd + SettleLimit);

        // Faults are long over: a crash-free reconciliation settles what is left.
        Stage = "reconciling";
        await ReconcileAsync();
        Stage = "settling";
        await RunUntilAsync(() => AllDone() && _agenda.Count == 0 && !CustomerStillActing(), Now + SettleLimit);
        await QuietAsync();
        Stage = "end of day";
        await EndOfDayAsync();
        Stage = "last reconciliation";
        await ReconcileAsync();
        await QuietAsync();

        Report.SimulatedTime = Now - Epoch;
        Report.Trace = _trace.Value;
        if (Environment.GetEnvironmentVariable("STK_SIM_TRACE_DIR") is { } dir && _trace.Entries is { } entries)
        {
            await File.WriteAllLinesAsync(Path.Combine(dir, $"{Seed}-{_trace.Value:x16}.trace"), entries);
        }

        if (Environment.GetEnvironmentVariable("STK_SIM_DUMP_LOG") is { } logFile)
        {
            await File.WriteAllLinesAsync(logFile, Emulator.RequestLog.Select(r => r.ToString()));
        }

        Stage = "collecting answers";
        await CollectAnswersAsync();
        Stage = "checking";
        CountFaults();
        Invariants.Check(this);
    }

    private async Task SetUpAsync()
    {
        Kit = KitProcess.Start(this, _generation, ConfigureKit);
        _watched.AddRange(Kit.Watch());
        Kit.Gate.Passthrough = true;
        var locations = Kit.Services.GetRequiredService<ITerminalLocations>();
        var readers = Kit.Services.GetRequiredService<ITerminalReaders>();
        var location = await locations.CreateAsync(new CreateLocationRequest("Simulated cafe", new TerminalAddress("AU", Line1: "1 Collins St", City: "Melbourne", State: "VIC", PostalCode: "3000")));
        _readers = new string[_plan.Readers];
        for (var i = 0; i < _plan.Readers; i++)
        {
            _readers[i] = (await readers.RegisterAsync(new RegisterReaderRequest("simulated-s700") { LocationId = location.Id, Label = "Till " + i })).Id;
        }

        Kit.Gate.Passthrough = false;
        foreach (var planned in _plan.Checkouts)
        {
            var c = new SimCheckout(planned, planned.Request with { ReaderId = _readers[planned.Reader] });
            _checkouts.Add(c);
            _queues[planned.Reader].Enqueue(c);
        }

        Report.Checkouts = _checkouts.Count;
        Emulator.Customer.Automate(Customer);
        Emulator.Webhooks.Subscribe((delivery, _) =>
        {
            lock (_inboxGate)
            {
                _inbox.Add(delivery);
            }

            return Task.CompletedTask;
        });
    }

    private void ConfigureKit(IServiceCollection services, StripeTerminalKitBuilder kit, SimClock clock)
    {
        kit.Services.Configure<StripeTerminalCheckoutOptions>(kit.Name, o => o.WebhooksEnabled = _plan.WebhooksEnabled);
        if (_plan.Profile.ChaosInjectionRate is { } rate)
        {
            // Inside the network gate: what chaos lets through reaches the emulator in the world's order.
            var random = Streams.For(Seed, 5, _generation);
            kit.HttpClient.AddHttpMessageHandler(() => new HttpChaos(rate, random, clock, Chaos, () => Volatile.Read(ref _faultsOn)));
        }
    }

    /// <summary>How many faults, bad outcomes and delays Polly's chaos injected.</summary>
    public ChaosCounters Chaos { get; } = new();

    /// <summary>The customer at every reader: taps a card (sometimes a declined one), cancels, or walks away.</summary>
    private CustomerAction Customer(CustomerPrompt prompt)
    {
        var roll = _customer.NextDouble();
        var delay = TimeSpan.FromMilliseconds(_customer.Next(300, 20_000));
        if (!_plan.Profile.CustomersMisbehave)
        {
            return CustomerAction.Tap(GoodCards[_customer.Next(GoodCards.Length)], delay, _customer.NextDouble() < 0.3 ? _customer.Next(50, 800) : null);
        }

        if (roll < 0.04)
        {
            return CustomerAction.WalkAway;
        }

        if (roll < 0.1)
        {
            return CustomerAction.CancelOnReader(delay);
        }

        var card = _customer.NextDouble() < 0.25 ? BadCards[_customer.Next(BadCards.Length)] : GoodCards[_customer.Next(GoodCards.Length)];
        long? tip = _customer.NextDouble() < 0.3 ? _customer.Next(50, 800) : null;
        return CustomerAction.Tap(card, delay, tip);
    }

    private void ScheduleFaults()
    {
        _faultsOn = true;
        foreach (var rule in _plan.RequestFaults)
        {
            Emulator.Faults.Add(rule);
        }

        Emulator.Webhooks.Faults = _plan.WebhookFaults;
        foreach (var f in _plan.ReaderFaults)
        {
            var reader = _readers[f.Reader];
            At(Now + f.At, () =>
            {
                if (!_faultsOn)
                {
                    return Task.CompletedTask;
                }

                Report.Count("reader." + f.Kind);
                switch (f.Kind)
                {
                    case ReaderFaultKind.Offline:
                        Emulator.Faults.SetReaderOffline(reader);
                        At(Now + f.Duration, () =>
                        {
                            Emulator.Faults.SetReaderOffline(reader, false);
                            return Task.CompletedTask;
                        });
                        break;
                    default:
                        Emulator.Faults.DropReader(reader, afterAuthorization: f.Kind == ReaderFaultKind.DropAfterAuthorization);
                        At(Now + f.Duration, () =>
                        {
                            Emulator.Faults.RestoreReader(reader);
                            return Task.CompletedTask;
                        });
                        break;
                }

                return Task.CompletedTask;
            });
        }

        foreach (var at in _plan.Crashes)
        {
            At(Now + at, CrashAsync);
        }

        At(Now + _plan.FaultWindow, () =>
        {
            _faultsOn = false;
            Emulator.Faults.Clear();
            Emulator.Webhooks.Faults = EmulatorWebhookFaults.None;
            foreach (var reader in _readers)
            {
                Emulator.Faults.SetReaderOffline(reader, false);
                Emulator.Faults.RestoreReader(reader);
            }

            return Task.CompletedTask;
        });
    }

    private void At(DateTimeOffset at, Func<Task> action) => _agenda.Enqueue(action, (at, _sequence++));

    private bool AllDone() => _checkouts.All(c => c.Done);

    /// <summary>A customer tap (or a delayed webhook) still due soon: the day is not over yet.</summary>
    private bool CustomerStillActing() => _emulatorClock.NextDue() is { } due && due < Now + TimeSpan.FromMinutes(30);

    // ───────────────────────────── the loop ─────────────────────────────

    /// <summary>Steps the world until <paramref name="done"/> holds at an idle moment, or the clock would pass <paramref name="limit"/>.</summary>
    private async Task RunUntilAsync(Func<bool> done, DateTimeOffset limit)
    {
        for (var steps = 0L; ; steps++)
        {
            if (steps > 2_000_000)
            {
                throw new InvalidOperationException("The world took two million steps without settling: " + Describe());
            }

            // Let the watchdog and other seeds run even when every step completes synchronously.
            if (steps % 256 == 255)
            {
                await Task.Yield();
            }

            await WaitIdleAsync();
            React();
            if (!IsIdle())
            {
                continue;
            }

            // Done only with nothing left in flight: a parked request or a visible webhook is never abandoned.
            if (_visibleWebhooks == 0 && Kit.Gate.Snapshot().Length == 0 && done())
            {
                return;
            }

            if (!await StepAsync(limit))
            {
                return;
            }
        }
    }

    /// <summary>One move: a due agenda action, a release, a webhook, or the clock to the next timer.</summary>
    private async Task<bool> StepAsync(DateTimeOffset limit)
    {
        if (_agenda.TryPeek(out var due, out var when) && when.At <= Now)
        {
            _agenda.Dequeue();
            await due();
            return true;
        }

        var parked = Kit.Gate.Snapshot();
        if (parked.Length == 0 && _visibleWebhooks == 0)
        {
            // Deliveries become visible only here, so what the world may choose never depends on thread timing.
            await Emulator.Webhooks.DrainAsync();
            lock (_inboxGate)
            {
                _visibleWebhooks = _inbox.Count;
            }
        }

        var choices = parked.Length + (_visibleWebhooks > 0 ? 1 : 0);
        if (choices > 0)
        {
            var pick = _world.Next(choices);
            if (pick < parked.Length)
            {
                _trace.Add(parked[pick].SortKey);
                Report.RequestsReleased++;
                Kit.Gate.Release(parked[pick], ReleaseMode.Deliver);
            }
            else
            {
                await DeliverWebhookAsync();
            }

            return true;
        }

        DateTimeOffset? next = Kit.Clock.NextDue();
        if (_emulatorClock.NextDue() is { } e && (next is null || e < next))
        {
            next = e;
        }

        if (_agenda.TryPeek(out _, out var agendaAt) && (next is null || agendaAt.At < next))
        {
            next = agendaAt.At;
        }

        if (next is null || next > limit)
        {
            return false;
        }

        _trace.Add("t" + (next.Value - Epoch).Ticks.ToString(CultureInfo.InvariantCulture));
        Fake.Advance(next.Value > Now ? next.Value - Now : TimeSpan.Zero);
        return true;
    }

    private async Task DeliverWebhookAsync()
    {
        EmulatorWebhookDelivery delivery;
        lock (_inboxGate)
        {
            delivery = _inbox[0];
            _inbox.RemoveAt(0);
            _visibleWebhooks--;
        }

        _trace.Add(delivery.Event.Id);
        Report.WebhooksDelivered++;
        var result = await Kit.Webhooks.ProcessAsync(Encoding.UTF8.GetBytes(delivery.Payload), delivery.SignatureHeader);
        Report.InvariantChecks++;
        if (!result.Accepted)
        {
            Report.Violations.Add($"a genuine webhook {delivery.Event.Type} was refused: {result.Rejection}");
        }
    }

    /// <summary>
    /// Waits until the kit is idle: every unit of checkout work is a request parked at the gate or
    /// a delay armed on the clock, read at one consistent moment (the version did not move).
    /// </summary>
    private async Task WaitIdleAsync()
    {
        for (var spins = 0; ; spins++)
        {
            if (IsIdle())
            {
                return;
            }

            if (spins > 20_000_000)
            {
                var (_, p, d) = Sync.Read();
                throw new TimeoutException($"The kit never went idle: {Kit.PendingWork} units of work, {p} parked, {d} delays.");
            }

            await Task.Yield();
        }
    }

    private bool IsIdle()
    {
        var (v0, _, _) = Sync.Read();
        var work = Kit.PendingWork;
        var (v1, parked, delays) = Sync.Read();
        return v0 == v1 && work == parked + delays;
    }

    // ───────────────────────────── the cashiers ─────────────────────────────

    private async Task StartAsync(SimCheckout c)
    {
        try
        {
            c.Handle = await Kit.Checkout.StartAsync(c.Request);
        }
        catch (ReaderBusyException)
        {
            // The previous sale on this reader has not let go yet (a restart resumed it): try again shortly.
            Report.Count("pos.start_refused_busy");
            At(Now + TimeSpan.FromSeconds(5), () => StartAsync(c));
            return;
        }

        c.Started = true;
        c.StartedAt = Now;
        _trace.Add("start " + c.Id);
        var pos = c.Plan.Pos;
        if (pos.CancelAfter is { } cancelAfter)
        {
            At(Now + cancelAfter, () =>
            {
                if (c.Result is null && !c.Lost && !c.CancelSent)
                {
                    c.CancelSent = true;
                    Operate(c, CheckoutOperation.Cancel, null);
                }

                return Task.CompletedTask;
            });
        }

        if (pos.DoubleStart)
        {
            At(Now + TimeSpan.FromMilliseconds(_pos.Next(100, 5000)), async () =>
            {
                if (c.Lost)
                {
                    return;
                }

                var again = await Kit.Checkout.StartAsync(c.Request);
                Report.InvariantChecks++;
                if (again.CheckoutId != c.Id)
                {
                    Report.Violations.Add($"starting {c.Id} twice gave another checkout");
                }
            });
        }

        if (pos.StartOnBusyReader)
        {
            At(Now + TimeSpan.FromMilliseconds(_pos.Next(100, 3000)), async () =>
            {
                if (c.Result is not null || c.Lost || c.Handle?.HasCompleted != false)
                {
                    return;
                }

                Report.InvariantChecks++;
                try
                {
                    await Kit.Checkout.StartAsync(c.Request with { CheckoutId = c.Id + "-intruder" });
                    Report.Violations.Add($"a second sale started on reader {c.Request.ReaderId} while {c.Id} ran on it");
                }
                catch (ReaderBusyException exception)
                {
                    SuiteSecretScanner.Scan(exception, "ReaderBusyException");
                }
            });
        }
    }

    private void Operate(SimCheckout c, CheckoutOperation kind, long? amount)
    {
        Task<CheckoutOperationResult> task = kind switch
        {
            CheckoutOperation.Cancel => Kit.Checkout.CancelAsync(c.Id),
            CheckoutOperation.Retry => Kit.Checkout.RetryAsync(c.Id),
            CheckoutOperation.Capture => Kit.Checkout.CaptureAsync(c.Id, amount),
            CheckoutOperation.Refund => Kit.Checkout.RefundAsync(c.Id, amount),
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };
        c.Operations.Add(new SimOperation(kind, amount, task, _generation));
        Report.Operations++;
        _trace.Add($"op {c.Id} {kind} {amount}");
    }

    /// <summary>What the cashiers do at this idle moment, from what the kit shows them.</summary>
    private void React()
    {
        foreach (var c in _checkouts)
        {
            if (!c.Started || c.Done || c.Lost)
            {
                continue;
            }

            if (c.Handle is { HasCompleted: true } h && (c.Result is null || !ReferenceEquals(c.Result, h.Result)) && !c.Results.Contains(h.Result!))
            {
                c.Results.Add(h.Result!);
                _trace.Add($"result {c.Id} {h.Result!.Outcome}");
            }

            if (c.Result is null)
            {
                if (c.Handle?.State == CheckoutState.AwaitingRetry && !c.AwaitingRetryHandled)
                {
                    c.AwaitingRetryHandled = true;
                    At(Now + c.Plan.Pos.ReactionDelay, () => DecideAfterDeclineAsync(c));
                }

                continue;
            }

            if (!c.FollowUpScheduled)
            {
                c.FollowUpScheduled = true;
                At(Now + c.Plan.Pos.ReactionDelay, () => FollowUpAsync(c));
            }
        }
    }

    private Task DecideAfterDeclineAsync(SimCheckout c)
    {
        c.AwaitingRetryHandled = false;
        if (c.Result is not null || c.Lost || c.Handle?.State != CheckoutState.AwaitingRetry)
        {
            return Task.CompletedTask;
        }

        if (_pos.NextDouble() < c.Plan.Pos.RetryChance && c.RetriesSent < 3)
        {
            c.RetriesSent++;
            Operate(c, CheckoutOperation.Retry, null);
        }
        else if (!c.CancelSent)
        {
            c.CancelSent = true;
            Operate(c, CheckoutOperation.Cancel, null);
        }

        // The machine leaves AwaitingRetry once it has taken the request; if not, the next idle moment decides again.
        return Task.CompletedTask;
    }

    /// <summary>After the sale: capture or void a manual authorisation, then the refunds the plan asks for.</summary>
    private async Task FollowUpAsync(SimCheckout c)
    {
        if (c.Lost)
        {
            Finish(c);
            return;
        }

        var state = (await Kit.Checkout.GetAsync(c.Id))?.State;
        var pos = c.Plan.Pos;
        if (state == CheckoutState.Authorized && c.Result is CheckoutSucceeded authorised)
        {
            switch (pos.OnAuthorized)
            {
                case AuthorizedChoice.CaptureAll:
                    Operate(c, CheckoutOperation.Capture, null);
                    break;
                case AuthorizedChoice.CapturePart:
                    Operate(c, CheckoutOperation.Capture, Math.Max(1, (long)(authorised.Amount * pos.PartialCaptureShare)));
                    break;
                default:
                    Operate(c, CheckoutOperation.Cancel, null);
                    break;
            }
        }

        var refundable = state is CheckoutState.Succeeded or CheckoutState.PartiallyRefunded
            || (state == CheckoutState.Authorized && pos.OnAuthorized != AuthorizedChoice.Void);
        if (!refundable)
        {
            c.FollowUpStep = pos.Refunds.Count;
        }

        await FollowUpRefundsAsync(c);
    }

    private Task FollowUpRefundsAsync(SimCheckout c)
    {
        var pos = c.Plan.Pos;
        if (c.FollowUpStep < pos.Refunds.Count)
        {
            var share = pos.Refunds[c.FollowUpStep++];
            var captured = c.Result is CheckoutSucceeded s ? Math.Max(s.AmountCaptured, s.Amount) : 0;
            long? amount = share >= 1 ? null : Math.Max(1, (long)(captured * share));
            At(Now + pos.ReactionDelay, () =>
            {
                Operate(c, CheckoutOperation.Refund, amount);
                return FollowUpRefundsAsync(c);
            });
            return Task.CompletedTask;
        }

        Finish(c);
        return Task.CompletedTask;
    }

    /// <summary>The cashier is done with this sale: the next one on the reader may start.</summary>
    private void Finish(SimCheckout c)
    {
        if (c.Done)
        {
            return;
        }

        c.Done = true;
        var queue = _queues[c.Plan.Reader];
        if (queue.TryPeek(out var head) && head == c)
        {
            queue.Dequeue();
        }

        if (queue.TryPeek(out var next) && !next.Started)
        {
            At(Now + next.Plan.GapBefore, () => StartAsync(next));
        }
    }

    /// <summary>
    /// Closing time: whatever the store still shows as authorised (a capture or void that ended
    /// unknown) is voided by the cashier, as a POS would at the end of the day.
    /// </summary>
    private async Task EndOfDayAsync()
    {
        for (var round = 0; round < 3; round++)
        {
            var any = false;
            foreach (var c in _checkouts.Where(c => c.Started && !c.Lost))
            {
                if ((await DurableStore.LoadAsync(c.Id))?.State == CheckoutState.Authorized)
                {
                    any = true;
                    Report.Count("pos.end_of_day_void");
                    Operate(c, CheckoutOperation.Cancel, null);
                }
            }

            if (!any)
            {
                return;
            }

            await QuietAsync();
        }
    }

    // ───────────────────────────── crashes and reconciliation ─────────────────────────────

    /// <summary>
    /// The POS backend dies at this idle moment: parked requests either reached Stripe (their
    /// answers lost) or never left; a store write may be lost. A new process starts on the same
    /// store and emulator and the POS starts every unfinished checkout again by id.
    /// </summary>
    private async Task CrashAsync()
    {
        if (!_faultsOn)
        {
            return;
        }

        var stage = Stage;
        Stage = "crashing";
        Report.Count("kit.crash");
        _trace.Add("crash");
        var old = Kit;
        var parked = old.Kill();
        foreach (var p in parked)
        {
            var mode = _world.NextDouble() < 0.5 ? ReleaseMode.DeliverAndLoseResponse : ReleaseMode.Drop;
            Report.Count(mode == ReleaseMode.Drop ? "kit.crash.request_unsent" : "kit.crash.response_lost");
            _trace.Add(mode + " " + p.SortKey);
            Stage = "crashing: settling a parked request " + mode;
            p.Decide(mode);
            await p.Done;
        }

        foreach (var c in _checkouts)
        {
            foreach (var o in c.Operations.Where(o => o.Generation == _generation && !o.Task.IsCompleted))
            {
                o.LostToCrash = true;
            }
        }

        Stage = "crashing: losing a record";
        await MaybeLoseRecordAsync();
        Stage = "crashing: restarting";
        // A crash is not a shutdown: the dead process is dropped, never disposed.
        _generation++;
        Kit = KitProcess.Start(this, _generation, ConfigureKit);
        _watched.AddRange(Kit.Watch());

        // The POS resumes every sale it had not seen end, by its id.
        foreach (var c in _checkouts.Where(c => c.Started && !c.Lost && c.Result is null).OrderBy(c => c.Id, StringComparer.Ordinal))
        {
            c.Handle = await Kit.Checkout.StartAsync(c.Request);
            c.AwaitingRetryHandled = false;
        }

        foreach (var c in _checkouts.Where(c => c.Started && !c.Lost && c.Result is not null))
        {
            c.Handle = null;
        }

        Stage = stage;
    }

    /// <summary>Sometimes the store loses the record of a sale that has a PaymentIntent: its authorisation is an orphan.</summary>
    private async Task MaybeLoseRecordAsync()
    {
        if (_plan.LoseRecordOnCrash <= 0 || _world.NextDouble() >= _plan.LoseRecordOnCrash)
        {
            return;
        }

        var candidates = new List<SimCheckout>();
        foreach (var c in _checkouts.Where(c => c.Started && !c.Lost && c.Result is null).OrderBy(c => c.Id, StringComparer.Ordinal))
        {
            var record = await DurableStore.LoadAsync(c.Id);
            if (record is { Completed: false } && record.StateJson.Contains("\"pi_", StringComparison.Ordinal))
            {
                candidates.Add(c);
            }
        }

        if (candidates.Count == 0)
        {
            return;
        }

        var lost = candidates[_world.Next(candidates.Count)];
        lost.Lost = true;
        _lost.Add(lost.Id);
        await DurableStore.ReleaseReaderAsync(lost.Request.ReaderId, lost.Id);
        Report.Count("store.record_lost");
        _trace.Add("lost " + lost.Id);
        Finish(lost);
    }

    private async Task ReconcileAsync()
    {
        await WaitIdleAsync();

        // The pass counts as checkout work until its result is published, so the world never moves
        // the clock while it runs between two Stripe calls, and sees it finished at the first idle moment.
        Kit.Runtime.Work.WorkQueued();
        var run = Kit.Reconciler.ReconcileAsync();
        _ = run.ContinueWith(_ => Kit.Runtime.Work.WorkDone(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        await RunUntilAsync(() => run.IsCompleted, Now + SettleLimit);
        var reconciliation = await run;
        Report.Count("reconciler.orphans_voided", reconciliation.OrphansVoided);
        Report.Count("reconciler.resumed", reconciliation.Resumed);
        Report.Count("reconciler.orphans_deferred", reconciliation.Deferred);
        if (reconciliation.Failed > 0)
        {
            Report.Violations.Add($"the reconciler failed {reconciliation.Failed} settlements with faults over");
        }

        foreach (var c in _checkouts.Where(c => c.Started && !c.Lost && c.Result is null))
        {
            if (await Kit.Checkout.FindAsync(c.Id) is { } handle)
            {
                c.Handle = handle;
            }
        }
    }

    /// <summary>Runs until nothing is due in the next ten minutes: every answer, webhook and follow-up has landed.</summary>
    private Task QuietAsync() => RunUntilAsync(() => false, Now + TimeSpan.FromMinutes(10));

    /// <summary>Every request the POS made of a living process was answered.</summary>
    private async Task CollectAnswersAsync()
    {
        foreach (var c in _checkouts)
        {
            foreach (var o in c.Operations.Where(o => !o.LostToCrash))
            {
                Report.InvariantChecks++;
                try
                {
                    // The runner has answered long ago in simulated time; this only lets its continuation land.
                    await o.Task.WaitAsync(TimeSpan.FromSeconds(30));
                }
                catch (TimeoutException)
                {
                    var record = await DurableStore.LoadAsync(c.Id);
                    Report.Violations.Add($"{c.Id}: {o.Kind} {o.Amount} was never answered; {Describe()}; stored: {record?.StateJson}");
                }
#pragma warning disable CA1031 // any other failure of an operation is a finding, reported
                catch (Exception exception)
#pragma warning restore CA1031
                {
                    SuiteSecretScanner.Scan(exception, "operation");
                    if (exception is not Errors.StripeTerminalException)
                    {
                        Report.Violations.Add($"{c.Id}: {o.Kind} {o.Amount} failed with an untyped {exception.GetType().Name}: {exception.Message}");
                    }
                }
            }
        }
    }

    private void CountFaults()
    {
        foreach (var fault in Emulator.Faults.History)
        {
            if (fault.Operation != "reader.drop")
            {
                Report.Count("emulator." + fault.Kind);
            }
        }

        var webhooks = Emulator.Webhooks.Counters;
        Report.Count("webhook.dropped", (int)webhooks.Dropped);
        Report.Count("webhook.duplicated", (int)webhooks.Duplicated);
        Report.Count("webhook.reordered", (int)webhooks.Reordered);
        Report.Count("webhook.delayed", (int)webhooks.Delayed);
    }

    /// <summary>Where the world stands, for a hung seed.</summary>
    public string Describe()
    {
        var (_, parked, delays) = Sync.Read();
        var checkouts = string.Join("; ", _checkouts.Select(c => $"{c.Id} started={c.Started} done={c.Done} lost={c.Lost} state={c.Handle?.State} result={c.Result?.Outcome}"));
        return $"{Stage} at {Now - Epoch}, work {Kit.PendingWork}, parked {parked}, delays {delays}, agenda {_agenda.Count}, inbox {_inbox.Count}; {checkouts}\n{Kit.Clock.DescribeDelays()}\n{_emulatorClock.DescribeDelays()}";
    }

    public async ValueTask DisposeAsync()
    {
        // Polly waits, on the kit's clock, for executions still under way when its registry is
        // disposed: the run is over, so the clock may move on while the kit shuts down.
        Stage = "disposing the kit";
        var disposing = Kit.DisposeAsync().AsTask();
        for (var i = 0; !disposing.IsCompleted && i < 10_000; i++)
        {
            Fake.Advance(TimeSpan.FromSeconds(1));
            await Task.Yield();
        }

        await disposing;
        Stage = "disposing the emulator";
        await Emulator.DisposeAsync();
        if (_sqliteFile is not null)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            foreach (var file in new[] { _sqliteFile, _sqliteFile + "-wal", _sqliteFile + "-shm" })
            {
                File.Delete(file);
            }
        }
    }
}
