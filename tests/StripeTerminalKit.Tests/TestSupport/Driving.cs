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
}
