using StripeTerminalKit.Polling;

namespace StripeTerminalKit.Checkout.Runtime;

/// <summary>
/// Counts the checkout runtime's work in progress: events queued for runners, Stripe calls
/// running, budget and batch waits that will resume. Production code only counts; the readers
/// (<see cref="IsIdle"/>, <see cref="PendingWork"/>, <see cref="WhenIdleAsync"/>) are for drivers
/// on a fake clock (tests, the simulation, the fleet benchmark), which advance time only when
/// nothing is running. Kept out of <see cref="TerminalCheckout"/> so the façade holds no hooks
/// that exist for them.
/// </summary>
internal sealed class WorkCounter : IWorkCounter
{
    private long _work;
    private TaskCompletionSource? _idle;

    /// <summary>True when no event is queued and no Stripe call is running: lets tests on a fake clock know when to advance it.</summary>
    public bool IsIdle => Interlocked.Read(ref _work) == 0;

    /// <summary>How many events are queued and Stripe calls running.</summary>
    public long PendingWork => Interlocked.Read(ref _work);

    /// <inheritdoc />
    public void WorkQueued() => Interlocked.Increment(ref _work);

    /// <inheritdoc />
    public void WorkDone()
    {
        if (Interlocked.Decrement(ref _work) == 0)
        {
            Volatile.Read(ref _idle)?.TrySetResult();
        }
    }

    /// <summary>Completes when no event is queued and no Stripe call is running (for drivers on a fake clock).</summary>
    public Task WhenIdleAsync()
    {
        var idle = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _idle, idle);
        if (IsIdle)
        {
            idle.TrySetResult();
        }

        return idle.Task;
    }
}
