using System.Globalization;

namespace StripeTerminalKit.Resilience;

/// <summary>
/// How the kit retries a failed Stripe call: exponential backoff with jitter on the injected
/// <see cref="TimeProvider"/>. Which failures are retried is fixed by the kit's classification
/// table (see <see cref="StripeTerminalResilience.Classify(Exception)"/>).
/// </summary>
public sealed class StripeTerminalRetryOptions
{
    /// <summary>The number of retries after the first attempt (0 disables retries). Default 3.</summary>
    public int MaxRetries { get; set; } = 3;

    /// <summary>The delay before the first retry; doubled for every further retry. Default 500 ms.</summary>
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The cap on the backoff delay. Default 8 seconds.</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(8);

    /// <summary>
    /// The longest <c>Retry-After</c> the kit waits for. When Stripe asks for longer, the call fails
    /// at once with the advice in <see cref="Errors.StripeUnavailableException.RetryAfter"/>. Default 30 seconds.
    /// </summary>
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The fraction of each backoff delay that is randomised, 0 to 1. Default 0.5: each delay is
    /// between 50 % and 100 % of the exponential value, which spreads a fleet of POS servers apart.
    /// </summary>
    public double JitterFactor { get; set; } = 0.5;

    /// <summary>Seeds the jitter so that delays are reproducible (tests, simulations). Unset: unseeded.</summary>
    public int? JitterSeed { get; set; }

    /// <summary>
    /// Supplies the jitter: a function returning values in [0, 1). Takes precedence over
    /// <see cref="JitterSeed"/>; called under a lock, so it need not be thread-safe.
    /// </summary>
    public Func<double>? Randomizer { get; set; }

    /// <inheritdoc />
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"{{ MaxRetries = {MaxRetries}, BaseDelay = {BaseDelay}, MaxDelay = {MaxDelay}, MaxRetryAfter = {MaxRetryAfter}, JitterFactor = {JitterFactor} }}");
}
