using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace StripeTerminalKit.Checkout;

/// <summary>The default <see cref="ICheckoutStore"/>: process memory, lost on restart.</summary>
public sealed class InMemoryCheckoutStore : ICheckoutStore
{
    private readonly ConcurrentDictionary<string, CheckoutRecord> _records = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _readers = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public ValueTask<CheckoutRecord?> LoadAsync(string checkoutId, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(_records.TryGetValue(checkoutId, out var r) ? r : null);

    /// <inheritdoc />
    public ValueTask SaveAsync(CheckoutRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        _records[record.CheckoutId] = record;
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<CheckoutRecord> ListUnfinishedAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var record in _records.Values)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!record.Completed)
            {
                yield return record;
            }
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<CheckoutRecord> ListByStateAsync(CheckoutState state, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var record in _records.Values)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (record.State == state)
            {
                yield return record;
            }
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }

    /// <inheritdoc />
    public ValueTask<bool> TryClaimReaderAsync(string readerId, string checkoutId, CancellationToken cancellationToken = default)
    {
        var holder = _readers.GetOrAdd(readerId, checkoutId);
        if (holder == checkoutId)
        {
            return ValueTask.FromResult(true);
        }

        // A holder that finished without releasing (a crash between the two) does not block the reader.
        if (_records.TryGetValue(holder, out var held) && held.Completed && _readers.TryUpdate(readerId, checkoutId, holder))
        {
            return ValueTask.FromResult(true);
        }

        return ValueTask.FromResult(false);
    }

    /// <inheritdoc />
    public ValueTask ReleaseReaderAsync(string readerId, string checkoutId, CancellationToken cancellationToken = default)
    {
        _readers.TryRemove(new KeyValuePair<string, string>(readerId, checkoutId));
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<string?> GetReaderHolderAsync(string readerId, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(_readers.TryGetValue(readerId, out var holder) ? holder : null);
}
