using System.Runtime.CompilerServices;

namespace StripeTerminalKit.Checkout.Runtime;

/// <summary>
/// <c>await ThreadPoolHop.Instance</c> continues on the thread pool's shared queue: never inline, never on
/// the caller's synchronization context (which <c>Task.Yield</c> would post to), and without flowing the
/// execution context (the runner's loop carries none of the deliverer's).
/// </summary>
internal readonly struct ThreadPoolHop : ICriticalNotifyCompletion
{
    public static ThreadPoolHop Instance => default;

    public bool IsCompleted => false;

    public ThreadPoolHop GetAwaiter() => this;

    public void GetResult()
    {
    }

    public void OnCompleted(Action continuation) => ThreadPool.QueueUserWorkItem(static c => c(), continuation, preferLocal: false);

    public void UnsafeOnCompleted(Action continuation) => ThreadPool.UnsafeQueueUserWorkItem(static c => c(), continuation, preferLocal: false);
}
