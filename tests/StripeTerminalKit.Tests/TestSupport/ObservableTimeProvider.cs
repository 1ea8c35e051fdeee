using System.Collections.Concurrent;
using Microsoft.Extensions.Time.Testing;

namespace StripeTerminalKit.Tests.TestSupport;

/// <summary>
/// A <see cref="FakeTimeProvider"/> that also records every timer's due time, so a test can wait
/// until a delay of an exact length is scheduled and only then advance the clock past it.
/// </summary>
public sealed class ObservableTimeProvider : TimeProvider
{
    private readonly ConcurrentQueue<TimeSpan> _scheduled = new();
    private readonly List<TimeSpan> _delays = [];
    private readonly Lock _delaysLock = new();
    private readonly SemaphoreSlim _signal = new(0);

    public ObservableTimeProvider(DateTimeOffset? start = null)
    {
        Fake = new FakeTimeProvider(start ?? new DateTimeOffset(2026, 11, 24, 9, 0, 0, TimeSpan.Zero));
    }

    public FakeTimeProvider Fake { get; }

    public IReadOnlyCollection<TimeSpan> Scheduled => _scheduled.ToArray();

    public override DateTimeOffset GetUtcNow() => Fake.GetUtcNow();

    public override long GetTimestamp() => Fake.GetTimestamp();

    public override long TimestampFrequency => Fake.TimestampFrequency;

    public override TimeZoneInfo LocalTimeZone => Fake.LocalTimeZone;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = Fake.CreateTimer(callback, state, dueTime, period);
        _scheduled.Enqueue(dueTime);
        if (dueTime > TimeSpan.Zero && period == Timeout.InfiniteTimeSpan)
        {
            lock (_delaysLock)
            {
                _delays.Add(dueTime);
            }
        }

        _signal.Release();
        return timer;
    }

    public void Advance(TimeSpan by) => Fake.Advance(by);

    /// <summary>Every one-shot delay scheduled so far (timers created with a positive due time), in order.</summary>
    public IReadOnlyList<TimeSpan> Delays
    {
        get
        {
            lock (_delaysLock)
            {
                return _delays.ToArray();
            }
        }
    }

    /// <summary>Waits (in real time, bounded) until the delay number <paramref name="index"/> (0-based) is scheduled and returns it.</summary>
    public async Task<TimeSpan> WaitForDelayAsync(int index, CancellationToken cancellationToken = default)
    {
        using var guard = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        guard.CancelAfter(TimeSpan.FromSeconds(10));
        while (true)
        {
            lock (_delaysLock)
            {
                if (_delays.Count > index)
                {
                    return _delays[index];
                }
            }

            try
            {
                await _signal.WaitAsync(guard.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"Delay #{index} was never scheduled; delays so far: {string.Join(", ", Delays)}");
            }
        }
    }

    /// <summary>Waits (in real time, bounded) until a timer due after exactly <paramref name="dueTime"/> has been scheduled <paramref name="occurrences"/> times.</summary>
    public async Task WaitForTimerAsync(TimeSpan dueTime, int occurrences = 1)
    {
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (_scheduled.Count(d => d == dueTime) < occurrences)
        {
            try
            {
                await _signal.WaitAsync(guard.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException(
                    $"No timer of {dueTime} was scheduled; scheduled so far: {string.Join(", ", _scheduled)}");
            }
        }
    }
}
