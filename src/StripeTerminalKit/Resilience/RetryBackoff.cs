namespace StripeTerminalKit.Resilience;

/// <summary>
/// Jittered exponential backoff: <c>min(MaxDelay, BaseDelay × 2^retry) × (1 − JitterFactor × r)</c>
/// rounded down to whole milliseconds, with <c>r</c> in [0, 1) from the configured randomizer, and never shorter than Stripe's
/// <c>Retry-After</c> when one is present. Its absence changes nothing: Stripe does not document
/// <c>Retry-After</c> on a 429 (docs: rate-limits), so the backoff stands on its own. Pure apart from the randomizer, so tests can predict every delay from a seed.
/// </summary>
internal sealed class RetryBackoff
{
    private readonly StripeTerminalRetryOptions _options;
    private readonly Func<double> _random;
    private readonly Lock _lock = new();

    public RetryBackoff(StripeTerminalRetryOptions options)
    {
        _options = options;
        if (options.Randomizer is { } randomizer)
        {
            _random = randomizer;
        }
        else
        {
#pragma warning disable CA5394 // Jitter spreads retries apart; it is not security-sensitive.
            var random = options.JitterSeed is { } seed ? new Random(seed) : new Random();
            _random = random.NextDouble;
#pragma warning restore CA5394
        }
    }

    /// <summary>The delay before retry number <paramref name="retryIndex"/> (0 for the first retry).</summary>
    public TimeSpan NextDelay(int retryIndex, TimeSpan? retryAfter)
    {
        var exponential = Exponential(_options, retryIndex);
        double r;
        lock (_lock)
        {
            r = _random();
        }

        var jittered = Jitter(exponential, _options.JitterFactor, r);
        return retryAfter is { } wait && wait > jittered ? wait : jittered;
    }

    internal static TimeSpan Exponential(StripeTerminalRetryOptions options, int retryIndex)
    {
        var factor = Math.Pow(2, Math.Min(retryIndex, 30));
        var ticks = options.BaseDelay.Ticks * factor;
        return ticks >= options.MaxDelay.Ticks ? options.MaxDelay : TimeSpan.FromTicks((long)ticks);
    }

    internal static TimeSpan Jitter(TimeSpan delay, double jitterFactor, double random)
    {
        // Whole milliseconds: timers have millisecond resolution, and a logged delay is then exactly the one waited.
        var clamped = Math.Clamp(random, 0, 1);
        return TimeSpan.FromMilliseconds(Math.Floor(delay.TotalMilliseconds * (1 - (jitterFactor * clamped))));
    }
}
