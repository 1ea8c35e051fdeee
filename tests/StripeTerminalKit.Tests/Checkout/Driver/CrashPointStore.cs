using StripeTerminalKit.Checkout;

namespace StripeTerminalKit.Tests.Checkout.Driver;

/// <summary>
/// A checkout store on which the process "dies" at one chosen save: the first save matching
/// <paramref name="crashAt"/> never completes and never writes, so the runner stops right there
/// (before the commands that save guards) and the store keeps the state from before it, exactly
/// as after a crash at that instant. Every later save (the restarted process) goes through.
/// </summary>
internal sealed class CrashPointStore(Func<CheckoutRecord, bool> crashAt) : ForwardingCheckoutStore
{
    private int _crashed;

    /// <summary>Whether the crash point was reached.</summary>
    public bool Crashed => Volatile.Read(ref _crashed) == 1;

    public override ValueTask SaveAsync(CheckoutRecord record, long replacesVersion, CancellationToken cancellationToken = default)
    {
        if (!Crashed && crashAt(record) && Interlocked.CompareExchange(ref _crashed, 1, 0) == 0)
        {
            // The process froze mid-save: nothing written, nothing after it runs.
            return new ValueTask(new TaskCompletionSource().Task);
        }

        return base.SaveAsync(record, replacesVersion, cancellationToken);
    }
}
