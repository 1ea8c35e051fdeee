namespace StripeTerminalKit.Checkout;

/// <summary>
/// A checkout as the store keeps it: written before every Stripe call that changes something,
/// so that a restart resumes the same payment with the same idempotency keys.
/// </summary>
/// <param name="CheckoutId">The caller's checkout id.</param>
/// <param name="ReaderId">The reader it runs on.</param>
/// <param name="State">Where it stands.</param>
/// <param name="Completed">Whether it has its final result and nothing is in flight on it: a capture, void or refund asked later makes it unfinished again until Stripe's answer is saved.</param>
/// <param name="StateJson">The stored checkout document (versioned JSON; see the Checkout README's "Stored checkout").</param>
/// <param name="Version">1 for the first save, one more at every save: the compare-and-set token.</param>
/// <param name="UpdatedAt">When it was saved.</param>
public sealed record CheckoutRecord(string CheckoutId, string ReaderId, CheckoutState State, bool Completed, string StateJson, long Version, DateTimeOffset UpdatedAt)
{
    private StoredDocument _document = StoredDocument.Of(StateJson);

    /// <summary>A record of the kit's own save: its document is written when a store first reads <see cref="StateJson"/>.</summary>
    internal CheckoutRecord(string checkoutId, string readerId, CheckoutState state, bool completed, StoredDocument document, long version, DateTimeOffset updatedAt)
        : this(checkoutId, readerId, state, completed, string.Empty, version, updatedAt) => _document = document;

    /// <summary>The stored checkout document (versioned JSON; see the Checkout README's "Stored checkout").</summary>
    public string StateJson
    {
        get => _document.Json;
        init => _document = StoredDocument.Of(value);
    }

    /// <summary>Whether <see cref="StateJson"/> has been written yet (tests of when stores read it).</summary>
    internal bool IsDocumentWritten => _document.IsWritten;

    /// <summary>The checkout's owner (<see cref="CheckoutRequest.Owner"/>), kept beside the document so a store can filter by it.</summary>
    public string? Owner { get; init; }

    /// <summary>
    /// The lease under which an instance drives the checkout (<see cref="ICheckoutStore.TryTakeCheckoutAsync"/>):
    /// the name of that instance's lease, e.g. <c>instance:web-1</c>; null when nobody holds it.
    /// Kept by the store across saves; only a take changes it.
    /// </summary>
    public string? LeaseHolder { get; init; }

    /// <summary>
    /// Completed and holding no authorisation someone must still capture or void: retention
    /// (<see cref="ICheckoutStore.PurgeCompletedAsync"/>) and a bounded store may remove it.
    /// </summary>
    public bool IsRetired => Completed && State != CheckoutState.Authorized;

    /// <summary>Leaves the document out: it holds card and payment details that have no place in a log line.</summary>
    public override string ToString() =>
        $"CheckoutRecord {{ CheckoutId = {CheckoutId}, ReaderId = {ReaderId}, State = {State}, Completed = {Completed}, Version = {Version}, UpdatedAt = {UpdatedAt:O}, LeaseHolder = {LeaseHolder} }}";
}

/// <summary>
/// Where checkouts live between restarts and across server instances. The in-memory store is the
/// default for tests and demos; a durable one (SQLite on one machine, a database for a farm)
/// makes resume survive a process crash, and its reader claims serialise checkouts per reader.
/// Every store passes the same contract tests: compare-and-set under concurrent writers, reader
/// claims, listing unfinished checkouts, retention.
/// </summary>
public interface ICheckoutStore
{
    /// <summary>The checkout, or null.</summary>
    ValueTask<CheckoutRecord?> LoadAsync(string checkoutId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Saves the checkout if the store still holds <paramref name="replacesVersion"/> of it (0: the
    /// checkout must not exist yet). When this returns, the record is durable (a durable store has
    /// flushed it): the caller may then send the Stripe call it guards.
    /// </summary>
    /// <exception cref="CheckoutConcurrencyException">Another writer saved the checkout first.</exception>
    ValueTask SaveAsync(CheckoutRecord record, long replacesVersion, CancellationToken cancellationToken = default);

    /// <summary>Every checkout not completed.</summary>
    IAsyncEnumerable<CheckoutRecord> ListUnfinishedAsync(CancellationToken cancellationToken = default);

    /// <summary>Every checkout in <paramref name="state"/> (the reconciler looks for <see cref="CheckoutState.Authorized"/> ones).</summary>
    IAsyncEnumerable<CheckoutRecord> ListByStateAsync(CheckoutState state, CancellationToken cancellationToken = default);

    /// <summary>
    /// Claims the reader for the checkout: true when it was free or already held by the same
    /// checkout, false when another unfinished checkout holds it.
    /// </summary>
    ValueTask<bool> TryClaimReaderAsync(string readerId, string checkoutId, CancellationToken cancellationToken = default);

    /// <summary>Releases the reader if the checkout holds it.</summary>
    ValueTask ReleaseReaderAsync(string readerId, string checkoutId, CancellationToken cancellationToken = default);

    /// <summary>The checkout holding the reader, or null.</summary>
    ValueTask<string?> GetReaderHolderAsync(string readerId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Removes completed checkouts last saved before <paramref name="completedBefore"/> (retention:
    /// <see cref="StripeTerminalCheckoutOptions.CompletedRetention"/>). Unfinished checkouts and
    /// authorised ones (<see cref="CheckoutState.Authorized"/>: money held, to be captured or
    /// voided) are never removed. Returns how many were removed.
    /// </summary>
    ValueTask<int> PurgeCompletedAsync(DateTimeOffset completedBefore, CancellationToken cancellationToken = default);

    /// <summary>
    /// Takes or renews the lease <paramref name="name"/> for <paramref name="holder"/> until the
    /// store's clock passes now + <paramref name="duration"/>: granted when nobody holds it, the
    /// holder already does, or the last holder's lease has expired. A change of holder adds one to
    /// <see cref="StoreLease.Version"/> (the fencing token). Returns null when another holder's lease is live.
    /// </summary>
    /// <remarks>
    /// Instances keep one lease each (<c>instance:{id}</c>) renewed while they live; the reconciler
    /// runs under a leader lease. A checkout is held under its instance's lease name
    /// (<see cref="CheckoutRecord.LeaseHolder"/>) and is free once that lease expires.
    /// The default implementations (for a store written before leases) grant every lease and every
    /// take: right for one instance, wrong for a farm. The kit's stores (in memory, SQLite,
    /// PostgreSQL) implement them for real.
    /// </remarks>
    ValueTask<StoreLease?> TryAcquireLeaseAsync(string name, string holder, TimeSpan duration, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult<StoreLease?>(new StoreLease(name, holder, DateTimeOffset.MaxValue, 1));

    /// <summary>Ends the lease now if <paramref name="holder"/> holds it (a clean shutdown frees its checkouts at once).</summary>
    ValueTask ReleaseLeaseAsync(string name, string holder, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

    /// <summary>The live (unexpired) leases whose names start with <paramref name="namePrefix"/>.</summary>
    IAsyncEnumerable<StoreLease> ListLeasesAsync(string namePrefix, CancellationToken cancellationToken = default) => AsyncEnumerable.Empty<StoreLease>();

    /// <summary>
    /// Takes the checkout for the lease <paramref name="leaseName"/>: granted when the checkout is
    /// held by nobody, already by that lease, or by a lease that is no longer live (its instance
    /// died). A change of holder adds one to the checkout's <see cref="CheckoutRecord.Version"/>, so
    /// the previous holder's next compare-and-set save fails and its runner stops: the version is
    /// the fencing token. Returns the checkout as stored after the take, or null when it does not
    /// exist or a live lease holds it.
    /// </summary>
    ValueTask<CheckoutRecord?> TryTakeCheckoutAsync(string checkoutId, string leaseName, CancellationToken cancellationToken = default) =>
        LoadAsync(checkoutId, cancellationToken);

    /// <summary>Lets the checkout go (its holder finished with it), if <paramref name="leaseName"/> holds it; its version is unchanged.</summary>
    ValueTask ReleaseCheckoutAsync(string checkoutId, string leaseName, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;
}

/// <summary>A lease as the store holds it.</summary>
/// <param name="Name">What is leased, e.g. <c>instance:web-1</c> or <c>reconciler</c>.</param>
/// <param name="Holder">Who holds it.</param>
/// <param name="ExpiresAt">When it ends unless renewed (the store's clock).</param>
/// <param name="Version">1 for the first holder, one more at every change of holder: the fencing token.</param>
public sealed record StoreLease(string Name, string Holder, DateTimeOffset ExpiresAt, long Version);
