namespace StripeTerminalKit.Emulator.Engine;

/// <summary>Counts requests per second of the emulator's clock, overall and per endpoint.</summary>
internal sealed class RateLimiter(EmulatorRateLimits limits)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, int> _perEndpoint = new(StringComparer.Ordinal);
    private long _second = long.MinValue;
    private int _global;

    public bool TryAcquire(string operation, DateTimeOffset now)
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
            if (_global >= limits.GlobalPerSecond || count >= limits.PerEndpointPerSecond)
            {
                return false;
            }

            _global++;
            _perEndpoint[operation] = count + 1;
            return true;
        }
    }
}
