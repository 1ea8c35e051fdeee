namespace StripeTerminalKit.Checkout;

/// <summary>
/// Takes card-present payments on Stripe Terminal readers: one call starts a checkout, which
/// always ends with a clear outcome for the money — never a double charge, never an
/// authorisation left hanging. Composes the location, reader and payment modules.
/// </summary>
/// <example>
/// <code>
/// var checkout = await terminal.StartAsync(new CheckoutRequest { CheckoutId = "order-1001", Amount = 1750, Currency = "aud", ReaderId = readerId });
/// await foreach (var update in checkout.WatchAsync(ct)) Console.WriteLine(update.State);
/// var result = await checkout.WaitForCompletionAsync(ct);
/// </code>
/// </example>
public interface ITerminalCheckout
{
    /// <summary>
    /// Starts a checkout, or resumes the one with the same <see cref="CheckoutRequest.CheckoutId"/>
    /// (after a crash: from the checkout store). Bad input is refused with a typed error before
    /// any Stripe call; a reader busy with another checkout is refused with <see cref="Errors.ReaderBusyException"/>.
    /// </summary>
    Task<CheckoutHandle> StartAsync(CheckoutRequest request, CancellationToken cancellationToken = default);

    /// <summary>
    /// Runs a checkout to its end. Cancelling <paramref name="cancellationToken"/> cancels the
    /// checkout (the reader action, then the PaymentIntent) and returns how it ended.
    /// </summary>
    Task<CheckoutResult> RunAsync(CheckoutRequest request, CancellationToken cancellationToken = default);

    /// <summary>The checkout with this id, running or finished, or null.</summary>
    Task<CheckoutSnapshot?> GetAsync(string checkoutId, CancellationToken cancellationToken = default);

    /// <summary>A running checkout's handle, to watch or wait on it; null when unknown.</summary>
    Task<CheckoutHandle?> FindAsync(string checkoutId, CancellationToken cancellationToken = default);

    /// <summary>The checkouts not yet finished, from the store.</summary>
    IAsyncEnumerable<CheckoutSnapshot> ListUnfinishedAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// After a restart, resumes every unfinished checkout in the store: each one re-reads Stripe
    /// (the reader and the PaymentIntent) before acting, so none is charged twice or left authorised.
    /// Call it once at start-up (a hosted service is a good place).
    /// </summary>
    Task<IReadOnlyList<CheckoutHandle>> ResumeUnfinishedAsync(CancellationToken cancellationToken = default);

    /// <summary>Cancels a running checkout. If the card was authorised meanwhile it is voided (or refunded where the network captured in one step).</summary>
    Task<CheckoutOperationResult> CancelAsync(string checkoutId, CancellationToken cancellationToken = default);

    /// <summary>After a decline, asks the reader for another card on the same PaymentIntent.</summary>
    Task<CheckoutOperationResult> RetryAsync(string checkoutId, CancellationToken cancellationToken = default);

    /// <summary>Captures an authorised checkout (manual capture), in full or in part.</summary>
    Task<CheckoutOperationResult> CaptureAsync(string checkoutId, long? amount = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Refunds a captured checkout, in full (the rest) or in part: online (<c>POST /v1/refunds</c>),
    /// except an Interac payment, which Stripe refunds in person only — it goes to the checkout's
    /// reader (<c>refund_payment</c>) and the customer presents the card again; a prompt nobody
    /// answers within 90 seconds is called off and the refund reported failed.
    /// </summary>
    Task<CheckoutOperationResult> RefundAsync(string checkoutId, long? amount = null, CancellationToken cancellationToken = default);
}

/// <summary>One moment of a checkout, for a UI.</summary>
/// <param name="CheckoutId">The caller's checkout id.</param>
/// <param name="State">Where the checkout stands.</param>
/// <param name="At">When it got there.</param>
/// <param name="PaymentIntentId">The PaymentIntent, once created.</param>
/// <param name="Result">The final result, once completed.</param>
public sealed record CheckoutUpdate(string CheckoutId, CheckoutState State, DateTimeOffset At, string? PaymentIntentId, CheckoutResult? Result);

/// <summary>A checkout as stored.</summary>
/// <param name="CheckoutId">The caller's checkout id.</param>
/// <param name="ReaderId">The reader.</param>
/// <param name="Amount">The amount asked for, in minor units.</param>
/// <param name="Currency">The currency.</param>
/// <param name="State">Where it stands.</param>
/// <param name="PaymentIntentId">The PaymentIntent, once created.</param>
/// <param name="Result">The final result, once completed.</param>
/// <param name="UpdatedAt">When it last changed.</param>
public sealed record CheckoutSnapshot(string CheckoutId, string ReaderId, long Amount, string Currency, CheckoutState State, string? PaymentIntentId, CheckoutResult? Result, DateTimeOffset UpdatedAt)
{
    /// <summary>The checkout's <see cref="CheckoutRequest.Owner"/>, as stored with it; check it before acting for a caller.</summary>
    public string? Owner { get; init; }
}
