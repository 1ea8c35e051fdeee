using StripeTerminalKit.Checkout;

namespace StripeTerminalKit.Tests.Checkout.Driver;

/// <summary>An in-memory store a test can step into at any call (another writer saving first, a crash mid-save, the order of two calls).</summary>
internal abstract class ForwardingCheckoutStore : ICheckoutStore
{
    protected InMemoryCheckoutStore Inner { get; } = new();

    public virtual ValueTask SaveAsync(CheckoutRecord record, long replacesVersion, CancellationToken cancellationToken = default) => Inner.SaveAsync(record, replacesVersion, cancellationToken);

    public virtual ValueTask<CheckoutRecord?> LoadAsync(string checkoutId, CancellationToken cancellationToken = default) => Inner.LoadAsync(checkoutId, cancellationToken);

    public virtual IAsyncEnumerable<CheckoutRecord> ListUnfinishedAsync(CancellationToken cancellationToken = default) => Inner.ListUnfinishedAsync(cancellationToken);

    public virtual IAsyncEnumerable<CheckoutRecord> ListByStateAsync(CheckoutState state, CancellationToken cancellationToken = default) => Inner.ListByStateAsync(state, cancellationToken);

    public virtual ValueTask<bool> TryClaimReaderAsync(string readerId, string checkoutId, CancellationToken cancellationToken = default) => Inner.TryClaimReaderAsync(readerId, checkoutId, cancellationToken);

    public virtual ValueTask ReleaseReaderAsync(string readerId, string checkoutId, CancellationToken cancellationToken = default) => Inner.ReleaseReaderAsync(readerId, checkoutId, cancellationToken);

    public virtual ValueTask<string?> GetReaderHolderAsync(string readerId, CancellationToken cancellationToken = default) => Inner.GetReaderHolderAsync(readerId, cancellationToken);

    public virtual ValueTask<int> PurgeCompletedAsync(DateTimeOffset completedBefore, CancellationToken cancellationToken = default) => Inner.PurgeCompletedAsync(completedBefore, cancellationToken);
}
