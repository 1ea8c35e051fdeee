using StripeTerminalKit.Checkout;

namespace StripeTerminalKit.Tests.Checkout.Driver;

/// <summary>
/// A checkout store on which the process "dies" at one chosen save: the first save matching
/// <paramref name="crashAt"/> never completes and never writes, so the runner stops right there
/// (before the commands that save guards) and the store keeps the state from before it, exactly
/// as after a crash at that instant. Every later save (the restarted process) goes through.
/// </summary>
internal sealed class CrashPointStore(Func<CheckoutRecord, bool> crashAt) : ICheckoutStore
{
    private readonly InMemoryCheckoutStore _inner = new();
    private int _crashed;

    /// <summary>Whether the crash point was reached.</summary>
    public bool Crashed => Volatile.Read(ref _crashed) == 1;

    public ValueTask SaveAsync(CheckoutRecord record, long replacesVersion, CancellationToken cancellationToken = default)
    {
        if (!Crashed && crashAt(record) && Interlocked.CompareExchange(ref _crashed, 1, 0) == 0)
        {
            // The process froze mid-save: nothing written, nothing after it runs.
            return new ValueTask(new TaskCompletionSource().Task);
        }

        return _inner.SaveAsync(record, replacesVersion, cancellationToken);
    }

    public ValueTask<CheckoutRecord?> LoadAsync(string checkoutId, CancellationToken cancellationToken = default) =>
        _inner.LoadAsync(checkoutId, cancellationToken);

    public IAsyncEnumerable<CheckoutRecord> ListUnfinishedAsync(CancellationToken cancellationToken = default) =>
        _inner.ListUnfinishedAsync(cancellationToken);

    public IAsyncEnumerable<CheckoutRecord> ListByStateAsync(CheckoutState state, CancellationToken cancellationToken = default) =>
        _inner.ListByStateAsync(state, cancellationToken);

    public ValueTask<bool> TryClaimReaderAsync(string readerId, string checkoutId, CancellationToken cancellationToken = default) =>
        _inner.TryClaimReaderAsync(readerId, checkoutId, cancellationToken);

    public ValueTask ReleaseReaderAsync(string readerId, string checkoutId, CancellationToken cancellationToken = default) =>
        _inner.ReleaseReaderAsync(readerId, checkoutId, cancellationToken);

    public ValueTask<string?> GetReaderHolderAsync(string readerId, CancellationToken cancellationToken = default) =>
        _inner.GetReaderHolderAsync(readerId, cancellationToken);

    public ValueTask<int> PurgeCompletedAsync(DateTimeOffset completedBefore, CancellationToken cancellationToken = default) =>
        _inner.PurgeCompletedAsync(completedBefore, cancellationToken);
}
