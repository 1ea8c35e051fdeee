using StripeTerminalKit.Idempotency;

namespace StripeTerminalKit;

/// <summary>
/// Per-call settings: the idempotency key (or the scope to derive it from) and the connected
/// account to act for. Every module method takes one as its next-to-last parameter.
/// </summary>
/// <remarks>
/// When neither <see cref="IdempotencyKey"/> nor <see cref="IdempotencyScope"/> is given, the kit
/// makes one random key per call and reuses it on every retry of that call; a caller that must
/// survive its own restarts should pass a scope.
/// </remarks>
public sealed record TerminalCallOptions
{
    /// <summary>An explicit key for this call. Takes precedence over <see cref="IdempotencyScope"/>.</summary>
    public IdempotencyKey? IdempotencyKey { get; init; }

    /// <summary>A scope from which the key is derived together with the operation name.</summary>
    public IdempotencyScope? IdempotencyScope { get; init; }

    /// <summary>
    /// The connected account (<c>acct_…</c>) to act for, sent as <c>Stripe-Account</c>.
    /// Overrides <see cref="StripeTerminalOptions.ConnectedAccount"/>.
    /// </summary>
    public string? ConnectedAccount { get; init; }

    /// <summary>
    /// The caller retries this call itself (the checkout machine, which re-reads Stripe and picks
    /// the key): the pipeline's timeouts still apply, and it resends only when no answer arrived
    /// (under the same key: Stripe replays the real answer); every answer is the caller's to handle.
    /// </summary>
    internal bool RetriedByCaller { get; init; }

    /// <summary>Options of a read whose caller retries it itself (a checkout's read, or a batch serving waiting checkouts).</summary>
    internal static TerminalCallOptions CallerRetries { get; } = new() { RetriedByCaller = true };

    /// <summary>Shorthand for options that derive keys from <paramref name="scope"/>.</summary>
    /// <param name="scope">A durable id such as an order or checkout id.</param>
    /// <param name="attempt">The attempt number, starting at 1.</param>
    /// <returns>The options.</returns>
    public static TerminalCallOptions ForScope(string scope, int attempt = 1) =>
        new() { IdempotencyScope = new IdempotencyScope(scope, attempt) };
}
