using StripeTerminalKit.Checkout;

namespace StripeTerminalKit.Tests.Checkout.Driver;

/// <summary>An in-memory store whose save a test can step into (another writer saving first, say).</summary>
internal abstract class ForwardingCheckoutStore : ICheckoutStore
{
    protected InMemoryCheckoutStore Inner { get; } = new();

    public virtual ValueTask SaveAsync(CheckoutRecord record, long replacesVersion, CancellationToken cancellationToken = default) => Inner.SaveAsync(record, replacesVersion, cancellationToken);

    public ValueTask<CheckoutRecord?> LoadAsync(string checkoutId, CancellationToken cancellationToken = default) => Inner.LoadAsync(checkoutId, cancellationToken);

    public IAsyncEnumerable<CheckoutRecord> ListUnfinishedAsync(CancellationToken cancellationToken = default) => Inner.ListUnfinishedAsync(cancellationToken);

    public IAsyncEnumerable<CheckoutRecord> ListByStateAsync(CheckoutState state, CancellationToken cancellationToken = default) => Inner.ListByStateAsync(state, cancellationToken);

    public ValueTask<bool> TryClaimReaderAsync(string readerId, string checkoutId, CancellationToken cancellationToken = default) => Inner.TryClaimReaderAsync(readerId, checkoutId, cancellationToken);

    public ValueTask ReleaseReaderAsync(string readerId, string checkoutId, CancellationToken cancellationToken = default) => Inner.ReleaseReaderAsync(readerId, checkoutId, cancellationToken);

    public ValueTask<string?> GetReaderHolderAsync(string readerId, CancellationToken cancellationToken = default) => Inner.GetReaderHolderAsync(readerId, cancellationToken);

    public ValueTask<int> PurgeCompletedAsync(DateTimeOffset completedBefore, CancellationToken cancellationToken = default) => Inner.PurgeCompletedAsync(completedBefore, cancellationToken);
}
