namespace StripeTerminalKit.Checkout;

/// <summary>
/// A checkout as the store keeps it: written before every Stripe call that changes something,
/// so that a restart resumes the same payment with the same idempotency keys.
/// </summary>
/// <param name="CheckoutId">The caller's checkout id.</param>
/// <param name="ReaderId">The reader it runs on.</param>
/// <param name="State">Where it stands.</param>
/// <param name="Completed">Whether it has its final result.</param>
/// <param name="StateJson">The state machine's state (versioned JSON).</param>
/// <param name="Version">Incremented on every save; a store may use it for optimistic concurrency.</param>
/// <param name="UpdatedAt">When it was saved.</param>
public sealed record CheckoutRecord(string CheckoutId, string ReaderId, CheckoutState State, bool Completed, string StateJson, long Version, DateTimeOffset UpdatedAt);

/// <summary>
/// Where checkouts live between restarts and across server instances. The in-memory store is the
/// default; a durable one (a database) makes resume survive a process crash, and its reader claims
/// serialise checkouts per reader across instances.
/// </summary>
public interface ICheckoutStore
{
    /// <summary>The checkout, or null.</summary>
    ValueTask<CheckoutRecord?> LoadAsync(string checkoutId, CancellationToken cancellationToken = default);

    /// <summary>Saves the checkout (insert or replace).</summary>
    ValueTask SaveAsync(CheckoutRecord record, CancellationToken cancellationToken = default);

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
}
