namespace StripeTerminalKit.Readers;

/// <summary>
/// Terminal smart readers: register, read, change, delete and list them; show a cart, collect
/// on-screen inputs, read and cancel the current action and wait for it to finish.
/// Payment actions live in <see cref="Payments.ITerminalPayments"/>.
/// </summary>
public interface ITerminalReaders
{
    /// <summary>Registers a reader by the code it shows (in test mode: <c>simulated-s700</c>, <c>simulated-wpe</c>, …).</summary>
    /// <param name="request">The registration code, location, label and metadata.</param>
    /// <param name="callOptions">Idempotency key or scope, connected account.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The registered reader.</returns>
    Task<TerminalReader> RegisterAsync(RegisterReaderRequest request, TerminalCallOptions? callOptions = null, CancellationToken cancellationToken = default);

    /// <summary>Reads a reader, including its current action.</summary>
    /// <param name="readerId">The reader id (<c>tmr_…</c>).</param>
    /// <param name="callOptions">Connected account.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The reader.</returns>
    /// <exception cref="Errors.ResourceNotFoundException">No such reader, or it was deleted.</exception>
    Task<TerminalReader> GetAsync(string readerId, TerminalCallOptions? callOptions = null, CancellationToken cancellationToken = default);

    /// <summary>Lists readers matching the filter, fetching pages as the enumeration proceeds.</summary>
    /// <param name="filter">Location, network status, device type, serial number; all optional.</param>
    /// <param name="callOptions">Connected account.</param>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    /// <returns>The readers.</returns>
    IAsyncEnumerable<TerminalReader> ListAsync(ReaderListFilter? filter = null, TerminalCallOptions? callOptions = null, CancellationToken cancellationToken = default);

    /// <summary>Changes a reader's label or metadata.</summary>
    /// <param name="readerId">The reader id.</param>
    /// <param name="request">The fields to change.</param>
    /// <param name="callOptions">Idempotency key or scope, connected account.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The updated reader.</returns>
    Task<TerminalReader> UpdateAsync(string readerId, UpdateReaderRequest request, TerminalCallOptions? callOptions = null, CancellationToken cancellationToken = default);

    /// <summary>Deletes (unregisters) a reader.</summary>
    /// <param name="readerId">The reader id.</param>
    /// <param name="callOptions">Connected account.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when Stripe has deleted it.</returns>
    Task DeleteAsync(string readerId, TerminalCallOptions? callOptions = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Shows a cart on the reader (<c>set_reader_display</c>). The cart must add up; the amounts are
    /// display-only. The cart stays until replaced by another action or cleared with <see cref="ClearDisplayAsync"/>.
    /// </summary>
    /// <param name="readerId">The reader id.</param>
    /// <param name="cart">The cart.</param>
    /// <param name="callOptions">Idempotency key or scope, connected account.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The reader with its new action.</returns>
    /// <exception cref="Errors.TerminalValidationException">The cart does not add up or the currency is not allowed; nothing was sent.</exception>
    Task<TerminalReader> ShowCartAsync(string readerId, ReaderCart cart, TerminalCallOptions? callOptions = null, CancellationToken cancellationToken = default);

    /// <summary>Clears whatever the reader displays (server-driven readers clear only through <c>cancel_action</c>).</summary>
    /// <param name="readerId">The reader id.</param>
    /// <param name="callOptions">Idempotency key or scope, connected account.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The reader.</returns>
    Task<TerminalReader> ClearDisplayAsync(string readerId, TerminalCallOptions? callOptions = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Cancels the reader's current action. An authorisation already under way cannot be cancelled:
    /// Stripe answers <c>terminal_reader_busy</c>, raised as <see cref="Errors.ReaderBusyException"/>.
    /// </summary>
    /// <param name="readerId">The reader id.</param>
    /// <param name="callOptions">Idempotency key or scope, connected account.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The reader, normally with no action.</returns>
    Task<TerminalReader> CancelActionAsync(string readerId, TerminalCallOptions? callOptions = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Starts collecting inputs on the reader's screen (signature, email, phone, text, number,
    /// selection, toggles; S700/S710 and WisePOS E). Wait for the result with
    /// <see cref="WaitForActionAsync"/> and read <see cref="TerminalReaderAction.Inputs"/>.
    /// </summary>
    /// <param name="readerId">The reader id.</param>
    /// <param name="request">The inputs (1–5) and metadata.</param>
    /// <param name="callOptions">Idempotency key or scope, connected account.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The reader with its new action.</returns>
    Task<TerminalReader> CollectInputsAsync(string readerId, CollectInputsRequest request, TerminalCallOptions? callOptions = null, CancellationToken cancellationToken = default);

    /// <summary>Reads the reader's current (or most recent) action.</summary>
    /// <param name="readerId">The reader id.</param>
    /// <param name="callOptions">Connected account.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The action, or <see langword="null"/> when the reader has none.</returns>
    Task<TerminalReaderAction?> GetCurrentActionAsync(string readerId, TerminalCallOptions? callOptions = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Polls the reader on the injected <see cref="TimeProvider"/> until its action finishes
    /// (succeeded or failed). A failed action is returned, not thrown; call
    /// <see cref="TerminalReaderAction.ThrowIfFailed"/> to raise its typed exception.
    /// Do not wait on <c>set_reader_display</c>: it stays in progress until cleared. With
    /// <c>AddCheckout</c>, each read also takes a turn from the checkouts' reader-read budget
    /// (<see cref="Checkout.StripeTerminalCheckoutOptions.PollRequestsPerSecond"/>), so waits and
    /// checkouts together stay within it.
    /// </summary>
    /// <param name="readerId">The reader id.</param>
    /// <param name="waitOptions">Poll interval, timeout and the action expected.</param>
    /// <param name="callOptions">Connected account.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>
    /// The finished action, or <see langword="null"/> when the reader no longer has the action that
    /// was awaited (cleared by <c>cancel_action</c> or replaced by another).
    /// </returns>
    /// <exception cref="TimeoutException">The action did not finish within the timeout.</exception>
    Task<TerminalReaderAction?> WaitForActionAsync(
        string readerId, ReaderActionWaitOptions? waitOptions = null, TerminalCallOptions? callOptions = null, CancellationToken cancellationToken = default);
}
