namespace StripeTerminalKit.Emulator;

/// <summary>
/// Delivery faults the emulator injects into webhook deliveries, so that a backend can be tested
/// against what Stripe really does: events that never arrive, arrive twice, arrive out of order or
/// arrive late. Every decision is drawn from the emulator's seeded <see cref="Random"/>, so a
/// seed reproduces the same schedule.
/// </summary>
/// <remarks>
/// <para>
/// Faults are decided once per delivery (one event to one subscription) when the event is
/// published, in subscription order, and in this order: drop, duplicate, delay, reorder. A rate of
/// <c>0</c> or <c>1</c> never consumes a random number; a rate in between consumes exactly one.
/// </para>
/// <para>
/// A retry after a failed attempt is never dropped, duplicated, delayed or reordered again: the
/// retry policy alone decides when it happens (see <see cref="EmulatorWebhookRetryPolicy"/>).
/// </para>
/// </remarks>
/// <example>
/// <code>
/// emulator.Webhooks.Faults = new EmulatorWebhookFaults
/// {
///     DropRate = 0.1,                       // one delivery in ten never arrives
///     DuplicateRate = 0.05,                 // one in twenty arrives twice
///     Delay = TimeSpan.FromSeconds(1),      // every delivery is 1 to 30 s late
///     MaxDelay = TimeSpan.FromSeconds(30),
/// };
/// </code>
/// </example>
public sealed record EmulatorWebhookFaults
{
    private static readonly TimeSpan MaxDelayLimit = TimeSpan.FromDays(1);

    private readonly double _dropRate;
    private readonly double _duplicateRate;
    private readonly double _reorderRate;
    private readonly double _delayRate = 1.0;
    private readonly TimeSpan _delay;
    private readonly TimeSpan? _maxDelay;

    /// <summary>No faults: every delivery is made once, in publish order, with no delay.</summary>
    public static EmulatorWebhookFaults None { get; } = new();

    /// <summary>
    /// The share of deliveries, from 0 to 1, that are silently lost (counted as
    /// <see cref="EmulatorWebhookCounters.Dropped"/>). Default 0.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not between 0 and 1.</exception>
    public double DropRate
    {
        get => _dropRate;
        init => _dropRate = CheckRate(value);
    }

    /// <summary>
    /// The share of deliveries, from 0 to 1, that are made twice in a row (same event id, each
    /// copy signed when it is sent). Default 0.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not between 0 and 1.</exception>
    public double DuplicateRate
    {
        get => _duplicateRate;
        init => _duplicateRate = CheckRate(value);
    }

    /// <summary>
    /// The share of undelayed deliveries, from 0 to 1, that are held back and released right after
    /// the next delivery to the same subscription, so the two arrive swapped. At most one delivery
    /// per subscription is held at a time (no random number is drawn while one is held). A held
    /// delivery with no successor is released by <see cref="EmulatorWebhooks.DrainAsync"/>.
    /// Default 0.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not between 0 and 1.</exception>
    public double ReorderRate
    {
        get => _reorderRate;
        init => _reorderRate = CheckRate(value);
    }

    /// <summary>
    /// How late a delayed delivery is sent, measured on the emulator's <see cref="TimeProvider"/>;
    /// with <see cref="MaxDelay"/> set, the lower bound of a uniformly drawn delay. Default zero
    /// (no delay). At most one day.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative or longer than a day.</exception>
    public TimeSpan Delay
    {
        get => _delay;
        init => _delay = value >= TimeSpan.Zero && value <= MaxDelayLimit
            ? value
            : throw new ArgumentOutOfRangeException(nameof(Delay), value, "The webhook delay is between zero and one day.");
    }

    /// <summary>
    /// The upper bound of the delay: when set, each delayed delivery waits a uniformly drawn time
    /// between <see cref="Delay"/> and this value. <see langword="null"/> (the default) makes the
    /// delay fixed. Must not be less than <see cref="Delay"/>; this is checked when the faults are
    /// assigned to <see cref="EmulatorWebhooks.Faults"/>. At most one day.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative or longer than a day.</exception>
    public TimeSpan? MaxDelay
    {
        get => _maxDelay;
        init => _maxDelay = value is null || (value.Value >= TimeSpan.Zero && value.Value <= MaxDelayLimit)
            ? value
            : throw new ArgumentOutOfRangeException(nameof(MaxDelay), value, "The maximum webhook delay is between zero and one day.");
    }

    /// <summary>
    /// The share of deliveries, from 0 to 1, that get the delay when one is configured. Default 1
    /// (every delivery is delayed).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not between 0 and 1.</exception>
    public double DelayRate
    {
        get => _delayRate;
        init => _delayRate = CheckRate(value);
    }

    internal bool HasDelay => _delay > TimeSpan.Zero || _maxDelay > TimeSpan.Zero;

    internal void Validate()
    {
        if (_maxDelay is { } max && max < _delay)
        {
            throw new ArgumentException(
                $"{nameof(MaxDelay)} ({max}) must not be less than {nameof(Delay)} ({_delay}).", "value");
        }
    }

    private static double CheckRate(double value, [System.Runtime.CompilerServices.CallerMemberName] string name = "")
    {
        if (double.IsNaN(value) || value < 0 || value > 1)
        {
            throw new ArgumentOutOfRangeException(name, value, "A webhook fault rate is a share between 0 and 1.");
        }

        return value;
    }
}
