using System.Runtime.CompilerServices;
using StripeTerminalKit.Checkout;

namespace StripeTerminalKit.Simulation.Tests.Simulation;

/// <summary>
/// One process's view of the shared durable store (in memory or SQLite: the store that
/// outlives crashes). Once the process is killed nothing it still does reaches the store, as if
/// it had died at once. Checkouts in <paramref name="lost"/> are records the durable store lost
/// (a write that never reached the disk): they read as absent, which makes their PaymentIntents
/// orphans for the reconciler.
/// </summary>
internal sealed class CrashableStore(ICheckoutStore durable, IReadOnlySet<string> lost) : ICheckoutStore
{
    private volatile bool _dead;

    public void Kill() => _dead = true;

    public async ValueTask<CheckoutRecord?> LoadAsync(string checkoutId, CancellationToken cancellationToken = default) =>
        _dead || lost.Contains(checkoutId) ? null : await durable.LoadAsync(checkoutId, cancellationToken);

    public ValueTask SaveAsync(CheckoutRecord record, long replacesVersion, CancellationToken cancellationToken = default) =>
        _dead || lost.Contains(record.CheckoutId) ? ValueTask.CompletedTask : durable.SaveAsync(record, replacesVersion, cancellationToken);

    public async IAsyncEnumerable<CheckoutRecord> ListUnfinishedAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (_dead)
        {
            yield break;
        }

        await foreach (var record in durable.ListUnfinishedAsync(cancellationToken))
        {
            if (!lost.Contains(record.CheckoutId))
            {
                yield return record;
            }
        }
    }

    public async IAsyncEnumerable<CheckoutRecord> ListByStateAsync(CheckoutState state, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (_dead)
        {
            yield break;
        }

        await foreach (var record in durable.ListByStateAsync(state, cancellationToken))
        {
            if (!lost.Contains(record.CheckoutId))
            {
                yield return record;
            }
        }
    }

    public ValueTask<bool> TryClaimReaderAsync(string readerId, string checkoutId, CancellationToken cancellationToken = default) =>
        _dead ? ValueTask.FromResult(false) : durable.TryClaimReaderAsync(readerId, checkoutId, cancellationToken);

    public ValueTask ReleaseReaderAsync(string readerId, string checkoutId, CancellationToken cancellationToken = default) =>
        _dead ? ValueTask.CompletedTask : durable.ReleaseReaderAsync(readerId, checkoutId, cancellationToken);

    public ValueTask<string?> GetReaderHolderAsync(string readerId, CancellationToken cancellationToken = default) =>
        _dead ? ValueTask.FromResult<string?>(null) : durable.GetReaderHolderAsync(readerId, cancellationToken);

    public ValueTask<int> PurgeCompletedAsync(DateTimeOffset completedBefore, CancellationToken cancellationToken = default) =>
        _dead ? ValueTask.FromResult(0) : durable.PurgeCompletedAsync(completedBefore, cancellationToken);
}
