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
    /// <summary>The checkout's owner (<see cref="CheckoutRequest.Owner"/>), kept beside the document so a store can filter by it.</summary>
    public string? Owner { get; init; }

    /// <summary>
    /// Completed and holding no authorisation someone must still capture or void: retention
    /// (<see cref="ICheckoutStore.PurgeCompletedAsync"/>) and a bounded store may remove it.
    /// </summary>
    public bool IsRetired => Completed && State != CheckoutState.Authorized;

    /// <summary>Leaves the document out: it holds card and payment details that have no place in a log line.</summary>
    public override string ToString() =>
        $"CheckoutRecord {{ CheckoutId = {CheckoutId}, ReaderId = {ReaderId}, State = {State}, Completed = {Completed}, Version = {Version}, UpdatedAt = {UpdatedAt:O} }}";
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
}
