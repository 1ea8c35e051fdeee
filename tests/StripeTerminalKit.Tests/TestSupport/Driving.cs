namespace StripeTerminalKit.Tests.TestSupport;

/// <summary>Moves a fake clock forward while an operation that polls on it is running.</summary>
public static class Driving
{
    /// <summary>
    /// Each time the operation schedules its next poll delay of <paramref name="interval"/>, advances the
    /// clock by that much, until the operation completes. Never sleeps in real time.
    /// </summary>
    public static async Task<T> AdvanceUntilDoneAsync<T>(this ObservableTimeProvider time, Func<Task<T>> start, TimeSpan interval, int maxPolls = 1000)
    {
        // Counted before the operation starts: it may schedule its first delay synchronously.
        var alreadyScheduled = time.Scheduled.Count(d => d == interval);
        var operation = start();
        for (var poll = 1; poll <= maxPolls; poll++)
        {
            var next = time.WaitForTimerAsync(interval, alreadyScheduled + poll);
            var first = await Task.WhenAny(operation, next);
            if (first == operation)
            {
                return await operation;
            }

            await next;
            time.Advance(interval);
        }

        throw new InvalidOperationException($"The operation did not complete within {maxPolls} polls.");
    }

    /// <summary>
    /// Runs the operation and, each time it schedules a delay on the fake clock (a retry backoff, a
    /// poll), advances the clock by exactly that delay, until it completes. Returns the result and
    /// the delays it waited, in order.
    /// </summary>
    public static async Task<(T Result, IReadOnlyList<TimeSpan> Delays)> RunAdvancingAsync<T>(this ObservableTimeProvider time, Func<Task<T>> start, int maxDelays = 100)
    {
        var first = time.Delays.Count;
        var operation = start();
        var waited = new List<TimeSpan>();
        for (var i = first; i < first + maxDelays; i++)
        {
            using var stop = new CancellationTokenSource();
            var next = time.WaitForDelayAsync(i, stop.Token);
            if (await Task.WhenAny(operation, next) == operation)
            {
                await stop.CancelAsync();
                return (await operation, waited);
            }

            var delay = await next;
            waited.Add(delay);
            time.Advance(delay);
        }

        throw new InvalidOperationException($"The operation did not complete within {maxDelays} delays.");
    }

    /// <summary>Like <see cref="RunAdvancingAsync{T}(ObservableTimeProvider, Func{Task{T}}, int)"/> for an operation expected to fail.</summary>
    public static async Task<(TException Error, IReadOnlyList<TimeSpan> Delays)> RunAdvancingExpectingAsync<TException>(this ObservableTimeProvider time, Func<Task> start)
        where TException : Exception
    {
        var first = time.Delays.Count;
        var error = await TestKit.ThrowsAnyAsync<TException>(() => time.RunAdvancingAsync(async () =>
        {
            await start();
            return true;
        }));
        return (error, time.Delays.Skip(first).ToArray());
    }
}
