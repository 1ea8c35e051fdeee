using System.Runtime.CompilerServices;

namespace StripeTerminalKit.Checkout;

/// <summary>
/// The default <see cref="ICheckoutStore"/>: process memory, lost on restart; for tests, demos
/// and the emulator. Bounded: beyond <see cref="MaxCompleted"/> completed checkouts the oldest
/// completed ones leave (unfinished checkouts are bounded by one per reader and never leave, nor
/// do authorised ones waiting for a capture or void).
/// Use a durable store (SQLite) for real payments.
/// </summary>
public sealed class InMemoryCheckoutStore : ICheckoutStore
{
    /// <summary>Completed checkouts kept by default.</summary>
    public const int DefaultMaxCompleted = 10_000;

    // One lock: compare-and-set, claims and eviction stay consistent with each other; every
    // operation is a dictionary update, far below any Stripe call's cost.
    private readonly Lock _lock = new();
    private readonly Dictionary<string, CheckoutRecord> _records = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _readers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, StoreLease> _leases = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;

    // Completed checkouts in the order they completed, for eviction (a checkout saved again
    // after completion — a capture or refund — moves to the back).
    private readonly LinkedList<string> _completedOrder = [];
    private readonly Dictionary<string, LinkedListNode<string>> _completedNodes = new(StringComparer.Ordinal);

    /// <summary>Creates a store keeping at most <see cref="DefaultMaxCompleted"/> completed checkouts.</summary>
    public InMemoryCheckoutStore()
        : this(DefaultMaxCompleted, TimeProvider.System)
    {
    }

    /// <summary>Creates a store keeping at most <paramref name="maxCompleted"/> completed checkouts.</summary>
    /// <param name="maxCompleted">How many completed checkouts to keep (at least 1).</param>
    public InMemoryCheckoutStore(int maxCompleted)
        : this(maxCompleted, TimeProvider.System)
    {
    }

    /// <summary>Creates a store whose leases expire by <paramref name="timeProvider"/>'s clock.</summary>
    /// <param name="timeProvider">The clock leases are measured by.</param>
    public InMemoryCheckoutStore(TimeProvider timeProvider)
        : this(DefaultMaxCompleted, timeProvider)
    {
    }

    /// <summary>Creates a store keeping at most <paramref name="maxCompleted"/> completed checkouts, its leases measured by <paramref name="timeProvider"/>.</summary>
    /// <param name="maxCompleted">How many completed checkouts to keep (at least 1).</param>
    /// <param name="timeProvider">The clock leases are measured by.</param>
    public InMemoryCheckoutStore(int maxCompleted, TimeProvider timeProvider)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxCompleted, 1);
        ArgumentNullException.ThrowIfNull(timeProvider);
        MaxCompleted = maxCompleted;
        _time = timeProvider;
    }

    /// <summary>How many completed checkouts are kept at most.</summary>
    public int MaxCompleted { get; }

    /// <summary>How many checkouts the store holds.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _records.Count;
            }
        }
    }

    /// <inheritdoc />
    public ValueTask<CheckoutRecord?> LoadAsync(string checkoutId, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return ValueTask.FromResult(_records.GetValueOrDefault(checkoutId));
        }
    }

    /// <inheritdoc />
    public ValueTask SaveAsync(CheckoutRecord record, long replacesVersion, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        lock (_lock)
        {
            var held = _records.GetValueOrDefault(record.CheckoutId)?.Version ?? 0;
            if (held != replacesVersion)
            {
                throw CheckoutConcurrencyException.For(record.CheckoutId, replacesVersion, held);
            }

            // The lease is the store's to keep: only a take changes it.
            _records[record.CheckoutId] = held == 0 ? record : record with { LeaseHolder = _records[record.CheckoutId].LeaseHolder };
            if (_completedNodes.Remove(record.CheckoutId, out var node))
            {
                _completedOrder.Remove(node);
            }

            if (record.IsRetired)
            {
                _completedNodes[record.CheckoutId] = _completedOrder.AddLast(record.CheckoutId);
                while (_completedOrder.Count > MaxCompleted)
                {
                    RemoveLocked(_completedOrder.First!.Value);
                }
            }
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public IAsyncEnumerable<CheckoutRecord> ListUnfinishedAsync(CancellationToken cancellationToken = default) =>
        ListAsync(static r => !r.Completed, cancellationToken);

    /// <inheritdoc />
    public IAsyncEnumerable<CheckoutRecord> ListByStateAsync(CheckoutState state, CancellationToken cancellationToken = default) =>
        ListAsync(r => r.State == state, cancellationToken);

    /// <inheritdoc />
    public ValueTask<bool> TryClaimReaderAsync(string readerId, string checkoutId, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            if (!_readers.TryGetValue(readerId, out var holder) || holder == checkoutId
                // A holder that finished without releasing (a crash between the two) does not block the reader.
                || (_records.TryGetValue(holder, out var held) && held.Completed))
            {
                _readers[readerId] = checkoutId;
                return ValueTask.FromResult(true);
            }

            return ValueTask.FromResult(false);
        }
    }

    /// <inheritdoc />
    public ValueTask ReleaseReaderAsync(string readerId, string checkoutId, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            if (_readers.TryGetValue(readerId, out var holder) && holder == checkoutId)
            {
                _readers.Remove(readerId);
            }
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<string?> GetReaderHolderAsync(string readerId, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return ValueTask.FromResult(_readers.GetValueOrDefault(readerId));
        }
    }

    /// <inheritdoc />
    public ValueTask<int> PurgeCompletedAsync(DateTimeOffset completedBefore, CancellationToken cancellationToken = default)
    {
        var removed = 0;
        lock (_lock)
        {
            foreach (var id in _completedOrder.ToArray())
            {
                if (_records[id].UpdatedAt < completedBefore)
                {
                    RemoveLocked(id);
                    removed++;
                }
            }
        }

        return ValueTask.FromResult(removed);
    }

    /// <inheritdoc />
    public ValueTask<StoreLease?> TryAcquireLeaseAsync(string name, string holder, TimeSpan duration, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(holder);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(duration, TimeSpan.Zero);
        lock (_lock)
        {
            var now = _time.GetUtcNow();
            StoreLease? granted = null;
            if (!_leases.TryGetValue(name, out var lease))
            {
                granted = new StoreLease(name, holder, now + duration, 1);
            }
            else if (lease.Holder == holder || lease.ExpiresAt <= now)
            {
                granted = new StoreLease(name, holder, now + duration, lease.Version + (lease.Holder == holder ? 0 : 1));
            }

            if (granted is not null)
            {
                _leases[name] = granted;
            }

            return ValueTask.FromResult(granted);
        }
    }

    /// <inheritdoc />
    public ValueTask ReleaseLeaseAsync(string name, string holder, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            if (_leases.TryGetValue(name, out var lease) && lease.Holder == holder)
            {
                _leases[name] = lease with { ExpiresAt = _time.GetUtcNow() };
            }
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<StoreLease> ListLeasesAsync(string namePrefix, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        StoreLease[] live;
        lock (_lock)
        {
            var now = _time.GetUtcNow();
            live = _leases.Values.Where(l => l.ExpiresAt > now && l.Name.StartsWith(namePrefix, StringComparison.Ordinal)).ToArray();
        }

        foreach (var lease in live)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return lease;
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }

    /// <inheritdoc />
    public ValueTask<CheckoutRecord?> TryTakeCheckoutAsync(string checkoutId, string leaseName, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(leaseName);
        lock (_lock)
        {
            if (!_records.TryGetValue(checkoutId, out var record))
            {
                return ValueTask.FromResult<CheckoutRecord?>(null);
            }

            if (record.LeaseHolder == leaseName)
            {
                return ValueTask.FromResult<CheckoutRecord?>(record);
            }

            if (record.LeaseHolder is { } holder && _leases.TryGetValue(holder, out var lease) && lease.ExpiresAt > _time.GetUtcNow())
            {
                return ValueTask.FromResult<CheckoutRecord?>(null);
            }

            var taken = record with { LeaseHolder = leaseName, Version = record.Version + 1 };
            _records[checkoutId] = taken;
            return ValueTask.FromResult<CheckoutRecord?>(taken);
        }
    }

    /// <inheritdoc />
    public ValueTask ReleaseCheckoutAsync(string checkoutId, string leaseName, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            if (_records.TryGetValue(checkoutId, out var record) && record.LeaseHolder == leaseName)
            {
                _records[checkoutId] = record with { LeaseHolder = null };
            }
        }

        return ValueTask.CompletedTask;
    }

    private void RemoveLocked(string checkoutId)
    {
        if (_records.Remove(checkoutId, out var record) && _readers.TryGetValue(record.ReaderId, out var holder) && holder == checkoutId)
        {
            _readers.Remove(record.ReaderId);
        }

        if (_completedNodes.Remove(checkoutId, out var node))
        {
            _completedOrder.Remove(node);
        }
    }

    private async IAsyncEnumerable<CheckoutRecord> ListAsync(Func<CheckoutRecord, bool> match, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        CheckoutRecord[] snapshot;
        lock (_lock)
        {
            snapshot = _records.Values.Where(match).ToArray();
        }

        foreach (var record in snapshot)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return record;
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }
}
