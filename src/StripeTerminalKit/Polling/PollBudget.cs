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
    private int _burst;
    private long _spacingTicks;
    private long _burstTicks;
    private long _nextFreeTicks = long.MinValue;

    // Window mode (PerSecond): the times of the last N turns handed out, oldest at _head.
    private long[]? _recent;
    private int _head;

    /// <param name="requestsPerSecond">The most polls per second across the process.</param>
    /// <param name="burst">How many polls may go at once after a quiet spell.</param>
    /// <param name="time">The clock.</param>
    public PollBudget(double requestsPerSecond, int burst, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(requestsPerSecond);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(burst);
        _time = time;
        SetRate(requestsPerSecond, burst);
    }

    /// <summary>
    /// A budget of at most <paramref name="requests"/> turns in any one second, handed out at once
    /// while there is room: a cluster of requests goes together, and only the one that would make
    /// the second's count exceed the limit waits (until the oldest of the last
    /// <paramref name="requests"/> is a second old). For writes, whose latency is the customer's.
    /// </summary>
    /// <param name="requests">The most turns in any one second.</param>
    /// <param name="time">The clock.</param>
    public static PollBudget PerSecond(int requests, TimeProvider time)
    {
        var budget = new PollBudget(requests, 1, time);
        budget.SetWindow(requests);
        return budget;
    }

    /// <summary>The most polls per second, as last set.</summary>
    public double RequestsPerSecond { get; private set; }

    /// <summary>How many polls may go at once after a quiet spell, as last set.</summary>
    public int Burst
    {
        get
        {
            lock (_gate)
            {
                return _burst;
            }
        }
    }

    /// <summary>
    /// Changes the rate and burst from the next reservation on (turns already reserved keep their
    /// time). A farm sets each instance's share of the account's read budget here as instances come
    /// and go (<see cref="RequestBudgetShare"/>).
    /// </summary>
    public void SetRate(double requestsPerSecond, int burst)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(requestsPerSecond);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(burst);
        if (_recent is not null)
        {
            SetWindow(Math.Max(1, (int)requestsPerSecond));
            return;
        }

        lock (_gate)
        {
            _burst = burst;
            _spacingTicks = Math.Max(1, (long)(TimeSpan.TicksPerSecond / requestsPerSecond));
            _burstTicks = _spacingTicks * (_burst - 1);
            RequestsPerSecond = requestsPerSecond;
        }
    }

    /// <summary>Window mode: at most <paramref name="requests"/> turns in any second, keeping the most recent turns handed out.</summary>
    private void SetWindow(int requests)
    {
        lock (_gate)
        {
            var kept = new long[requests];
            Array.Fill(kept, long.MinValue);
            if (_recent is { } old)
            {
                // The newest turns, oldest first, into the new ring's tail.
                var take = Math.Min(requests, old.Length);
                for (var i = 0; i < take; i++)
                {
                    kept[requests - take + i] = old[(_head + old.Length - take + i) % old.Length];
                }
            }

            _recent = kept;
            _head = 0;
            _burst = requests;
            RequestsPerSecond = requests;
        }
    }

    /// <summary>
    /// No turn before <paramref name="until"/>, and no burst saved up for then: an instance that has
    /// just joined a farm waits until every other instance has seen it and shrunk its own share.
    /// </summary>
    public void HoldUntil(DateTimeOffset until)
    {
        lock (_gate)
        {
            _nextFreeTicks = Math.Max(_nextFreeTicks, until.UtcTicks);
        }
    }

    /// <summary>How many turns are reserved but not yet due.</summary>
    public int Queued
    {
        get
        {
            lock (_gate)
            {
                var now = _time.GetUtcNow().UtcTicks;
                if (_recent is { } recent)
                {
                    return recent.Count(t => t > now);
                }

                return _nextFreeTicks <= now ? 0 : (int)((_nextFreeTicks - now) / _spacingTicks);
            }
        }
    }

    /// <summary>Waits for this caller's turn to send one poll.</summary>
    public ValueTask WaitTurnAsync(CancellationToken cancellationToken) => WaitTurnAsync(null, cancellationToken);

    /// <summary>
    /// Waits for this caller's turn to send one poll. While it waits for the clock, the caller's
    /// work does not count as pending on <paramref name="work"/>: it is taken off before the wait
    /// and put back on the timer's own thread before the caller resumes, so an owner that reports
    /// "idle" (tests advancing a fake clock) never sees a gap.
    /// </summary>
    public ValueTask WaitTurnAsync(IWorkCounter? work, CancellationToken cancellationToken)
    {
        var wait = Reserve();
        if (wait <= TimeSpan.Zero)
        {
            return ValueTask.CompletedTask;
        }

        if (work is null)
        {
            return new ValueTask(Task.Delay(wait, _time, cancellationToken));
        }

        return new ValueTask(WaitCountedAsync(wait, work, cancellationToken));
    }

    /// <summary>Takes the next free turn; returns how long until it comes (zero: now).</summary>
    private TimeSpan Reserve()
    {
        lock (_gate)
        {
            var now = _time.GetUtcNow().UtcTicks;
            if (_recent is { } recent)
            {
                // Turns are handed out in order, each at least a second after the one N turns
                // before it: no second ever holds more than N.
                var oldest = recent[_head];
                var at = Math.Max(Math.Max(now, _nextFreeTicks), oldest == long.MinValue ? long.MinValue : oldest + TimeSpan.TicksPerSecond);
                recent[_head] = at;
                _head = (_head + 1) % recent.Length;
                _nextFreeTicks = at;
                return at <= now ? TimeSpan.Zero : TimeSpan.FromTicks(at - now);
            }

            var slot = Math.Max(now - _burstTicks, _nextFreeTicks);
            _nextFreeTicks = slot + _spacingTicks;
            return slot <= now ? TimeSpan.Zero : TimeSpan.FromTicks(slot - now);
        }
    }

    private async Task WaitCountedAsync(TimeSpan wait, IWorkCounter work, CancellationToken cancellationToken)
    {
        var turn = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var timer = _time.CreateTimer(static s => Resume((State)s!, cancel: false), new State(turn, work), wait, Timeout.InfiniteTimeSpan);
        await using var registration = cancellationToken.Register(static s => Resume((State)s!, cancel: true), new State(turn, work)).ConfigureAwait(false);

        // Handed over only once the timer exists: an owner that sees the work gone moves its clock,
        // and a clock moved before the timer was made would not fire it at its time (the turn would
        // come late, and the next one at once: two polls in one instant on a busy machine).
        work.WorkDone();
        await turn.Task.ConfigureAwait(false);
    }

    private static void Resume(State state, bool cancel)
    {
        // Counted again before the waiter can run, so the count never dips to idle in between.
        state.Work.WorkQueued();
        var resumed = cancel ? state.Turn.TrySetCanceled() : state.Turn.TrySetResult();
        if (!resumed)
        {
            state.Work.WorkDone();
        }
    }

    private sealed record State(TaskCompletionSource Turn, IWorkCounter Work);
}

/// <summary>Counts work in progress, so that an owner can tell when nothing is running.</summary>
internal interface IWorkCounter
{
    /// <summary>One more piece of work is queued or running.</summary>
    void WorkQueued();

    /// <summary>One piece of work finished.</summary>
    void WorkDone();
}
