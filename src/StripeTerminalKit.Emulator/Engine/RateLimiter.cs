namespace StripeTerminalKit.Emulator.Engine;

/// <summary>Counts requests per second of the emulator's clock, overall and per endpoint.</summary>
internal sealed class RateLimiter(EmulatorRateLimits limits)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, int> _perEndpoint = new(StringComparer.Ordinal);
    private long _second = long.MinValue;
    private int _global;

    /// <summary>The <c>Stripe-Rate-Limited-Reason</c> Stripe sends when the account's overall rate is exceeded (docs: rate-limits).</summary>
    public const string GlobalRate = "global-rate";

    /// <summary>The <c>Stripe-Rate-Limited-Reason</c> when one endpoint's rate is exceeded (docs: rate-limits).</summary>
    public const string EndpointRate = "endpoint-rate";

    /// <summary>Counts the request, or returns the limit it exceeds (a <c>Stripe-Rate-Limited-Reason</c> value).</summary>
    public string? TryAcquire(string operation, DateTimeOffset now)
    {
        var second = now.ToUnixTimeSeconds();
        lock (_gate)
        {
            if (second != _second)
            {
                _second = second;
                _global = 0;
                _perEndpoint.Clear();
            }

            _perEndpoint.TryGetValue(operation, out var count);
            if (_global >= limits.GlobalPerSecond)
            {
                return GlobalRate;
            }

            if (count >= limits.PerEndpointPerSecond)
            {
                return EndpointRate;
            }

            _global++;
            _perEndpoint[operation] = count + 1;
            return null;
        }
    }
}
