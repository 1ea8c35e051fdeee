namespace StripeTerminalKit.Emulator.Server.Security;

/// <summary>The server's limits, documented in its README.</summary>
internal static class ServerLimits
{
    /// <summary>Webhook endpoints at once: Stripe's own limit per account.</summary>
    public const int MaxWebhookEndpoints = 16;

    /// <summary>
    /// Largest request body. Stripe's Terminal requests are a few kilobytes; the largest legitimate
    /// one (metadata at Stripe's limits of 50 keys × 500 characters, or a long cart) stays far below.
    /// </summary>
    public const int MaxRequestBodyBytes = 64 * 1024;

    /// <summary>
    /// Accepted writes per run: every POST or DELETE the emulator answered with 2xx (not an
    /// idempotent replay). Each stores at most a few objects and events, so this bounds what the
    /// emulator keeps in memory; a test suite or a day at a till stays well below.
    /// </summary>
    public const int MaxAcceptedWrites = 20_000;

    /// <summary>
    /// The most <c>--max-writes</c> may raise it to: a long soak run (a million writes keep a few
    /// gigabytes of ledger), not an unbounded server.
    /// </summary>
    public const int MaxAcceptedWritesCeiling = 1_000_000;
}
