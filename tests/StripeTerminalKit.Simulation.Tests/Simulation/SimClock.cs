using Microsoft.Extensions.Time.Testing;

namespace StripeTerminalKit.Simulation.Tests.Simulation;

/// <summary>
/// What the world counts to know that the kit is idle: requests parked at the network gate and
/// delays armed on the clock, with a version bumped on every change so that a reader of the
/// counters can tell whether it saw one consistent moment.
/// </summary>
internal sealed class SimSync
{
    public Lock Gate { get; } = new();

    /// <summary>Bumped (under <see cref="Gate"/>) whenever <see cref="Parked"/> or <see cref="BlockingDelays"/> changes.</summary>
    public long Version { get; private set; }

    public int Parked { get; private set; }

    public int BlockingDelays { get; private set; }

    public void AddParked(int delta)
    {
        lock (Gate)
        {
            Parked += delta;
            Version++;
        }
    }

    public void AddBlocking(int delta)
    {
        lock (Gate)
        {
            BlockingDelays += delta;
            Version++;
        }
    }

    public (long Version, int Parked, int Blocking) Read()
    {
        lock (Gate)
        {
            return (Version, Parked, BlockingDelays);
        }
    }
}

/// <summary>
/// A <see cref="TimeProvider"/> over the shared <see cref="FakeTimeProvider"/> that knows every
/// timer it armed: when the next one is due (so the world jumps straight to it) and how many are
/// delays a Stripe call is waiting on (<c>Task.Delay</c>: Polly backoff, the poll budget), which
/// count as idle work. Killing it (the process crashed) disarms its timers for good.
/// </summary>
internal sealed class SimClock : TimeProvider
{
    private readonly FakeTimeProvider _fake;
    private readonly SimSync _sync;
    private readonly HashSet<Tracked> _armed = [];
    private bool _killed;

    public SimClock(FakeTimeProvider inner, SimSync sync)
    {
        _fake = inner;
        _sync = sync;
    }

    public FakeTimeProvider Inner => _fake;

    public override DateTimeOffset GetUtcNow() => _fake.GetUtcNow();

    public override long GetTimestamp() => _fake.GetTimestamp();

    public override long TimestampFrequency => _fake.TimestampFrequency;

    public override TimeZoneInfo LocalTimeZone => _fake.LocalTimeZone;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        // Task.Delay passes its own promise as the state: a delay some call is blocked on.
        var timer = new Tracked(this, callback, state, blocking: state is Task);
        if (TraceCreation && timer.Blocking)
        {
            timer.CreatedAt = Environment.StackTrace;
        }

        timer.Change(dueTime, period);
        return timer;
    }

    /// <summary>Records where each delay was created (diagnosing a hung seed).</summary>
    public static bool TraceCreation { get; set; } = Environment.GetEnvironmentVariable("STK_SIM_TRACE_TIMERS") == "1";

    /// <summary>Where the armed delays were created, when <see cref="TraceCreation"/> is on.</summary>
    public string DescribeDelays()
    {
        lock (_sync.Gate)
        {
            return string.Join("\n---\n", _armed.Where(t => t.Blocking).Select(t => $"due {t.DueAt:O}: {t.CreatedAt}"));
        }
    }

    /// <summary>The earliest due time among armed timers, or null.</summary>
    public DateTimeOffset? NextDue()
    {
        lock (_sync.Gate)
        {
            DateTimeOffset? next = null;
            foreach (var t in _armed)
            {
                if (next is null || t.DueAt < next)
                {
                    next = t.DueAt;
                }
            }

            return next;
        }
    }

    /// <summary>The process died: no timer of this clock fires again.</summary>
    public void Kill()
    {
        Tracked[] armed;
        lock (_sync.Gate)
        {
            _killed = true;
            armed = [.. _armed];
        }

        foreach (var t in armed)
        {
            t.Dispose();
        }
    }

    private sealed class Tracked : ITimer
    {
        private readonly SimClock _clock;
        private readonly TimerCallback _callback;
        private readonly object? _state;
        private readonly bool _blocking;
        private ITimer? _inner;
        private TimeSpan _period = Timeout.InfiniteTimeSpan;
        private long _version;
        private long _fired;
        private bool _disposed;

        public Tracked(SimClock clock, TimerCallback callback, object? state, bool blocking)
        {
            _clock = clock;
            _callback = callback;
            _state = state;
            _blocking = blocking;
        }

        public DateTimeOffset DueAt { get; private set; }

        public bool Blocking => _blocking;

        public string? CreatedAt { get; set; }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            var sync = _clock._sync;
            long version;
            lock (sync.Gate)
            {
                if (_disposed || _clock._killed)
                {
                    return false;
                }

                Disarm();
                _period = period;
                version = ++_version;
                if (dueTime != Timeout.InfiniteTimeSpan)
                {
                    DueAt = _clock.GetUtcNow() + dueTime;
                }

                _inner ??= _clock.Inner.CreateTimer(static s => ((Tracked)s!).Fire(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            }

            // The fake timer is armed first (a due time of zero fires at once, on this thread), and
            // only then counted: the world must never see a timer as armed that the fake clock
            // would not fire, nor a delay as idle before its timer exists.
            var result = _inner.Change(dueTime, period);
            lock (sync.Gate)
            {
                if (dueTime != Timeout.InfiniteTimeSpan && version == _version && _fired != version && !_disposed && !_clock._killed)
                {
                    _clock._armed.Add(this);
                    if (_blocking)
                    {
                        sync.AddBlocking(1);
                    }
                }
            }

            return result;
        }

        private void Fire()
        {
            var sync = _clock._sync;
            lock (sync.Gate)
            {
                if (_disposed || _clock._killed)
                {
                    return;
                }

                if (_period == Timeout.InfiniteTimeSpan || _period == TimeSpan.Zero)
                {
                    _fired = _version;
                    Disarm();
                }
                else
                {
                    DueAt += _period;
                }
            }

            _callback(_state);
        }

        /// <summary>Caller holds the lock.</summary>
        private void Disarm()
        {
            if (_clock._armed.Remove(this) && _blocking)
            {
                _clock._sync.AddBlocking(-1);
            }
        }

        public void Dispose()
        {
            lock (_clock._sync.Gate)
            {
                if (_disposed)
                {
                    return;
                }

                _disposed = true;
                Disarm();
            }

            _inner?.Dispose();
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
