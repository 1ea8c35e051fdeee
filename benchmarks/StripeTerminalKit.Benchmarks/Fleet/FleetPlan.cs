namespace StripeTerminalKit.Benchmarks.Fleet;

/// <summary>What the fleet simulation runs: the same readers and customers for every condition and layout.</summary>
internal sealed record FleetSettings
{
    /// <summary>Readers in the fleet.</summary>
    public int Readers { get; init; } = 500;

    /// <summary>Locations the readers are spread over (reader i is in location i mod this).</summary>
    public int Locations { get; init; } = 50;

    /// <summary>Stripe calls, webhooks and authorisations take time (null: every call is answered at once).</summary>
    public bool Latency { get; init; }

    /// <summary>How often the kit lists the readers of waiting checkouts (its default).</summary>
    public TimeSpan BatchInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Simulated time during which customers arrive; checkouts still running then are finished.</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromHours(1);

    /// <summary>A customer arrives this long after the previous one at the same reader (uniform).</summary>
    public TimeSpan ArrivalMin { get; init; } = TimeSpan.FromSeconds(30);

    /// <inheritdoc cref="ArrivalMin"/>
    public TimeSpan ArrivalMax { get; init; } = TimeSpan.FromSeconds(90);

    /// <summary>The customer taps this long after the reader asks for the card (uniform).</summary>
    public TimeSpan TapMin { get; init; } = TimeSpan.FromSeconds(2);

    /// <inheritdoc cref="TapMin"/>
    public TimeSpan TapMax { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>How far the fake clock moves per step; the resolution of every latency reported.</summary>
    public TimeSpan Step { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Seed for every random draw (arrivals, taps, the emulator's ids).</summary>
    public int Seed { get; init; } = 2026;

    /// <summary>How late webhooks arrive in the delayed condition.</summary>
    public TimeSpan WebhookDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The sale amount of a reader's n-th customer: $10 to $49.50 in whole or half dollars, never
    /// one of the test amounts whose cents make the emulator decline (…01, …05, …55 and so on).
    /// </summary>
    public static long AmountOf(int customer) => (10 + (customer % 40)) * 100 + (customer % 2 == 0 ? 0 : 50);

    /// <summary>Stripe's live limits, enforced by the emulator (requests over them get a 429).</summary>
    public int GlobalLimit { get; init; } = 100;

    /// <inheritdoc cref="GlobalLimit"/>
    public int EndpointLimit { get; init; } = 25;
}

/// <summary>How webhooks behave during a run.</summary>
internal enum WebhookCondition
{
    /// <summary>Every event is delivered at once.</summary>
    Healthy,

    /// <summary>No event arrives (the endpoint is down): the kit can only poll.</summary>
    Down,

    /// <summary>Every event arrives <see cref="FleetSettings.WebhookDelay"/> late.</summary>
    Delayed,
}

/// <summary>
/// One reader's customers, drawn from its own seeded generator so the schedule does not depend
/// on the order in which readers happen to be served.
/// </summary>
internal sealed class ReaderPlan
{
    private readonly Random _arrivals;
    private readonly Random _taps;
    private readonly Random _authorizations;
    private readonly FleetSettings _settings;

    public ReaderPlan(int index, FleetSettings settings, DateTimeOffset start)
    {
        _settings = settings;
        _arrivals = new Random(HashCode.Combine(settings.Seed, index, 1));
        _taps = new Random(HashCode.Combine(settings.Seed, index, 2));
        _authorizations = new Random(HashCode.Combine(settings.Seed, index, 3));
        Index = index;

        // Readers open staggered over the first arrival window, not all in the same second.
        NextArrival = start + TimeSpan.FromTicks((long)(_arrivals.NextDouble() * settings.ArrivalMax.Ticks));
    }

    public int Index { get; }

    public string ReaderId { get; set; } = "";

    /// <summary>When the next customer reaches the till.</summary>
    public DateTimeOffset NextArrival { get; private set; }

    /// <summary>How many customers this reader has served (the next checkout id).</summary>
    public int Served { get; set; }

    /// <summary>When the current customer taps (set when the reader asks for the card).</summary>
    public DateTimeOffset? TapAt { get; set; }

    /// <summary>The customer after this one arrives 30–90 s after this one did.</summary>
    public void CustomerArrived() =>
        NextArrival += _settings.ArrivalMin + TimeSpan.FromTicks((long)(_arrivals.NextDouble() * (_settings.ArrivalMax - _settings.ArrivalMin).Ticks));

    /// <summary>How long the reader takes to authorise the current card (zero without the latency model).</summary>
    public TimeSpan NextAuthorization() => _settings.Latency ? LatencyModel.Authorization(_authorizations) : TimeSpan.Zero;

    /// <summary>How long the current customer takes to tap once asked.</summary>
    public TimeSpan NextTapDelay() =>
        _settings.TapMin + TimeSpan.FromTicks((long)(_taps.NextDouble() * (_settings.TapMax - _settings.TapMin).Ticks));
}
