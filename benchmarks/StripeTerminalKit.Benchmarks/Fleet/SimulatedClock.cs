namespace StripeTerminalKit.Benchmarks.Fleet;

/// <summary>
/// A fake clock for simulations with tens of thousands of timers: the same contract as
/// <c>FakeTimeProvider</c> (time moves only when <see cref="Advance"/> is called; timers due on
/// the way fire in due order, each seeing the clock at its due time), but timers wait in a
/// priority queue and reading the time takes no lock. <c>FakeTimeProvider</c> scans every timer
/// on each step and on each firing, and a simulated hour leaves ~30,000 of them waiting (the
/// emulator's two-day authorisation expiries), which made the run quadratic.
/// </summary>
internal sealed class SimulatedClock(DateTimeOffset start) : TimeProvider
{
    private readonly Lock _gate = new();
    private readonly PriorityQueue<(SimulatedTimer Timer, long Version), (long Due, long Sequence)> _queue = new();
    private long _now = start.UtcTicks;
    private long _sequence;

    public override DateTimeOffset GetUtcNow() => new(Volatile.Read(ref _now), TimeSpan.Zero);

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => Volatile.Read(ref _now);

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new SimulatedTimer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    /// <summary>Moves the clock forward, firing every timer that comes due on the way, in order.</summary>
    public void Advance(TimeSpan delta)
    {
        var target = Volatile.Read(ref _now) + delta.Ticks;
        while (true)
        {
            SimulatedTimer timer;
            lock (_gate)
            {
                if (!_queue.TryPeek(out var next, out var due) || due.Due > target)
                {
                    break;
                }

                _queue.Dequeue();
                if (next.Version != next.Timer.Version)
                {
                    continue; // changed or disposed since it was queued
                }

                timer = next.Timer;
                if (due.Due > _now)
                {
                    Volatile.Write(ref _now, due.Due);
                }

                timer.Fired();
            }

            timer.Invoke();
        }

        lock (_gate)
        {
            Volatile.Write(ref _now, Math.Max(_now, target));
        }
    }

    private void Schedule(SimulatedTimer timer, long due, long version)
    {
        lock (_gate)
        {
            _queue.Enqueue((timer, version), (due, _sequence++));
        }
    }

    private sealed class SimulatedTimer(SimulatedClock clock, TimerCallback callback, object? state) : ITimer
    {
        private long _period = -1;
        private long _version;

        public long Version => Volatile.Read(ref _version);

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            var version = Interlocked.Increment(ref _version);
            _period = period == Timeout.InfiniteTimeSpan || period <= TimeSpan.Zero ? -1 : period.Ticks;
            if (dueTime != Timeout.InfiniteTimeSpan)
            {
                clock.Schedule(this, Volatile.Read(ref clock._now) + Math.Max(0, dueTime.Ticks), version);
            }

            return true;
        }

        /// <summary>Under the clock's lock: a periodic timer queues its next firing.</summary>
        public void Fired()
        {
            if (_period > 0)
            {
                clock._queue.Enqueue((this, _version), (clock._now + _period, clock._sequence++));
            }
        }

        public void Invoke() => callback(state);

        public void Dispose() => Interlocked.Increment(ref _version);

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
