namespace StripeTerminalKit.Polling;

/// <summary>
/// One request budget for all the polling in a process, so a fleet of readers stays inside
/// Stripe's rate limits even when webhooks are down. Turns are handed out first come, first
/// served at a fixed rate (a small burst allowed), so no checkout starves and the total never
/// exceeds the rate, however many checkouts wait.
/// </summary>
internal sealed class PollBudget
{
    private readonly Lock _gate = new();
    private readonly TimeProvider _time;
    private readonly long _spacingTicks;
    private readonly long _burstTicks;
    private long _nextFreeTicks = long.MinValue;

    /// <param name="requestsPerSecond">The most polls per second across the process.</param>
    /// <param name="burst">How many polls may go at once after a quiet spell.</param>
    /// <param name="time">The clock.</param>
    public PollBudget(double requestsPerSecond, int burst, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(requestsPerSecond);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(burst);
        _time = time;
        _spacingTicks = (long)(TimeSpan.TicksPerSecond / requestsPerSecond);
        _burstTicks = _spacingTicks * (burst - 1);
        RequestsPerSecond = requestsPerSecond;
    }

    public double RequestsPerSecond { get; }

    /// <summary>How many turns are reserved but not yet due.</summary>
    public int Queued
    {
        get
        {
            lock (_gate)
            {
                var now = _time.GetUtcNow().UtcTicks;
                return _nextFreeTicks <= now ? 0 : (int)((_nextFreeTicks - now) / _spacingTicks);
            }
        }
    }

    /// <summary>Waits for this caller's turn to send one poll.</summary>
    public ValueTask WaitTurnAsync(CancellationToken cancellationToken)
    {
        long slot;
        long now;
        lock (_gate)
        {
            now = _time.GetUtcNow().UtcTicks;
            slot = Math.Max(now - _burstTicks, _nextFreeTicks);
            _nextFreeTicks = slot + _spacingTicks;
        }

        if (slot <= now)
        {
            return ValueTask.CompletedTask;
        }

        return new ValueTask(Task.Delay(TimeSpan.FromTicks(slot - now), _time, cancellationToken));
    }
}
