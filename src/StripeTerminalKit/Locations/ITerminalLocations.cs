namespace StripeTerminalKit.Locations;

/// <summary>
/// Terminal locations: create, read, change, delete and list them, and find-or-create one by a
/// stable key of your own (a store number, say). Resolve it from DI; for a named configuration use
/// <c>GetRequiredKeyedService&lt;ITerminalLocations&gt;(name)</c>.
/// </summary>
public interface ITerminalLocations
{
    /// <summary>Creates a location.</summary>
    /// <param name="request">The name, address and optional settings.</param>
    /// <param name="callOptions">Idempotency key or scope, connected account.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The new location.</returns>
    /// <exception cref="Errors.TerminalValidationException">The input is invalid; nothing was sent.</exception>
    /// <exception cref="Errors.StripeTerminalException">Stripe refused or could not be reached.</exception>
    Task<TerminalLocation> CreateAsync(CreateLocationRequest request, TerminalCallOptions? callOptions = null, CancellationToken cancellationToken = default);

    /// <summary>Reads a location.</summary>
    /// <param name="locationId">The location id (<c>tml_…</c>).</param>
    /// <param name="callOptions">Connected account.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The location.</returns>
    /// <exception cref="Errors.ResourceNotFoundException">No such location, or it was deleted.</exception>
    Task<TerminalLocation> GetAsync(string locationId, TerminalCallOptions? callOptions = null, CancellationToken cancellationToken = default);

    /// <summary>Changes a location.</summary>
    /// <param name="locationId">The location id (<c>tml_…</c>).</param>
    /// <param name="request">The fields to change.</param>
    /// <param name="callOptions">Idempotency key or scope, connected account.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The updated location.</returns>
    Task<TerminalLocation> UpdateAsync(string locationId, UpdateLocationRequest request, TerminalCallOptions? callOptions = null, CancellationToken cancellationToken = default);

    /// <summary>Deletes a location.</summary>
    /// <param name="locationId">The location id (<c>tml_…</c>).</param>
    /// <param name="callOptions">Connected account.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when Stripe has deleted it.</returns>
    Task DeleteAsync(string locationId, TerminalCallOptions? callOptions = null, CancellationToken cancellationToken = default);

    /// <summary>Lists all locations, fetching pages as the enumeration proceeds.</summary>
    /// <param name="pageSize">Locations per request, 1–100.</param>
    /// <param name="callOptions">Connected account.</param>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    /// <returns>The locations, newest first.</returns>
    IAsyncEnumerable<TerminalLocation> ListAsync(int pageSize = 100, TerminalCallOptions? callOptions = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Finds the location carrying <paramref name="stableKey"/> in its metadata, or creates it with
    /// that key. Safe to call on every start-up and from several servers at once: the create uses an
    /// idempotency key derived from the stable key, so concurrent calls create one location.
    /// An existing location is returned as it is, not updated.
    /// </summary>
    /// <param name="stableKey">Your own durable id for the place, such as <c>store-0042</c> (≤ 500 characters).</param>
    /// <param name="request">What to create the location with if it does not exist yet.</param>
    /// <param name="callOptions">Connected account; an explicit idempotency key overrides the derived one.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The location and whether it was created.</returns>
    Task<EnsureLocationResult> EnsureAsync(string stableKey, CreateLocationRequest request, TerminalCallOptions? callOptions = null, CancellationToken cancellationToken = default);
}
