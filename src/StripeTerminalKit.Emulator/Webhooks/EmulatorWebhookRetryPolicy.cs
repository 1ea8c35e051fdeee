namespace StripeTerminalKit.Emulator;

/// <summary>
/// How the emulator retries a failed webhook delivery, as Stripe does: an attempt fails when an
/// HTTP endpoint answers with a status outside 2xx, the request throws or times out, or an
/// in-process handler throws or times out. Retries wait on the emulator's
/// <see cref="TimeProvider"/>, doubling each time, so a test moves them forward with
/// <c>FakeTimeProvider.Advance</c>.
/// </summary>
/// <remarks>
/// Stripe retries live-mode deliveries for up to three days and test-mode ones a few times over a
/// few hours; the defaults here are shorter so that a test or a sample sees a retry within
/// seconds. Attempt <c>n</c> (from 2) is made <c>FirstRetryDelay × 2^(n−2)</c> after attempt
/// <c>n − 1</c> failed, capped at one day.
/// </remarks>
public sealed record EmulatorWebhookRetryPolicy
{
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromDays(1);

    private readonly int _maxAttempts = 4;
    private readonly TimeSpan _firstRetryDelay = TimeSpan.FromSeconds(5);
    private readonly TimeSpan _attemptTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Four attempts (one plus three retries after 5 s, 10 s and 20 s), 30 s per attempt.</summary>
    public static EmulatorWebhookRetryPolicy Default { get; } = new();

    /// <summary>
    /// How many attempts a delivery gets in all, the first included, before it is abandoned
    /// (counted as <see cref="EmulatorWebhookCounters.Abandoned"/>). From 1 to 100; default 4.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not between 1 and 100.</exception>
    public int MaxAttempts
    {
        get => _maxAttempts;
        init => _maxAttempts = value is >= 1 and <= 100
            ? value
            : throw new ArgumentOutOfRangeException(nameof(MaxAttempts), value, "A webhook delivery gets from 1 to 100 attempts.");
    }

    /// <summary>
    /// The wait before the first retry; each later retry waits twice as long as the one before.
    /// Zero retries at once (behind what is already queued). Default 5 seconds.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative or longer than a day.</exception>
    public TimeSpan FirstRetryDelay
    {
        get => _firstRetryDelay;
        init => _firstRetryDelay = value >= TimeSpan.Zero && value <= MaxRetryDelay
            ? value
            : throw new ArgumentOutOfRangeException(nameof(FirstRetryDelay), value, "The first webhook retry delay is between zero and one day.");
    }

    /// <summary>
    /// How long one attempt may take, on the emulator's <see cref="TimeProvider"/>, before it is
    /// cancelled and counted as failed. <see cref="Timeout.InfiniteTimeSpan"/> waits for ever.
    /// Default 30 seconds.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is zero or negative (other than infinite).</exception>
    public TimeSpan AttemptTimeout
    {
        get => _attemptTimeout;
        init => _attemptTimeout = value > TimeSpan.Zero || value == Timeout.InfiniteTimeSpan
            ? value
            : throw new ArgumentOutOfRangeException(nameof(AttemptTimeout), value, "The webhook attempt timeout must be positive or infinite.");
    }

    /// <summary>The wait before attempt <paramref name="attempt"/> + 1, after attempt <paramref name="attempt"/> failed.</summary>
    internal TimeSpan RetryDelayAfter(int attempt)
    {
        double ticks = _firstRetryDelay.Ticks * Math.Pow(2, attempt - 1);
        return ticks >= MaxRetryDelay.Ticks ? MaxRetryDelay : TimeSpan.FromTicks((long)ticks);
    }
}
