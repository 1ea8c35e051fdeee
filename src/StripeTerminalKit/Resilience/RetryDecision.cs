namespace StripeTerminalKit.Resilience;

/// <summary>What the retry table says about one failure.</summary>
/// <param name="ShouldRetry">Whether the call may be repeated with the same idempotency key.</param>
/// <param name="Reason">A low-cardinality reason, such as <c>rate_limited</c> or <c>card_declined</c>.</param>
/// <param name="RetryAfter">How long Stripe asked to wait, when it said.</param>
public readonly record struct RetryDecision(bool ShouldRetry, string Reason, TimeSpan? RetryAfter = null);
