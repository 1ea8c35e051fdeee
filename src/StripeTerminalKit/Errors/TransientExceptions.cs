namespace StripeTerminalKit.Errors;

/// <summary>
/// Stripe could not be reached or could not answer properly: connection failure, timeout,
/// HTTP 5xx, 409 conflict, <c>lock_timeout</c>, an unreadable response. The kit has already
/// retried as its resilience pipeline allows; repeating the call later with the same
/// idempotency key is safe.
/// </summary>
public class StripeUnavailableException : StripeTerminalException
{
    /// <summary>Initializes a new instance.</summary>
    public StripeUnavailableException()
        : this("Stripe is unavailable.")
    {
    }

    /// <summary>Initializes a new instance with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public StripeUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance with a message and its cause.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The underlying exception.</param>
    public StripeUnavailableException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>How long Stripe asked to wait (<c>Retry-After</c>), when it said.</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>The <c>Stripe-Should-Retry</c> header, when Stripe sent one.</summary>
    public bool? StripeShouldRetry { get; init; }

    /// <summary>
    /// <see langword="true"/> when Stripe may have carried out the request even though the kit saw
    /// no answer (timeout, lost or unreadable response); read the object before acting on the failure.
    /// </summary>
    public bool OutcomeUnknown { get; init; }

    /// <summary>
    /// <see langword="true"/> when Stripe answered a request that carried an idempotency key with a
    /// server error: Stripe stores that answer under the key and replays it to every resend with the
    /// same key (docs: api/idempotent_requests), so resending it is pointless. Read the object and,
    /// if the request must still be made, make it under a new key.
    /// </summary>
    public bool StoredUnderKey { get; init; }

    /// <inheritdoc />
    public override bool IsTransient => StripeShouldRetry != false;

    /// <summary>
    /// Built by a caller rather than from a failed call: the kind its status and code say, within
    /// the failures this type reports (no answer, a conflict, a rate limit, a server error).
    /// </summary>
    private protected override StripeFailure Describe()
    {
        var kind = StripeFailure.KindOf((int?)HttpStatusCode, ErrorType, ErrorCode);
        return Described(new StripeFailure(kind).IsTransient ? kind : StripeFailureKind.Network) with { RetryAfter = RetryAfter, StoredUnderKey = StoredUnderKey };
    }
}

/// <summary>HTTP 429 <c>rate_limit</c>: too many requests. Slow down and retry later.</summary>
public sealed class RateLimitedException : StripeUnavailableException
{
    /// <summary>Initializes a new instance.</summary>
    public RateLimitedException()
        : this("Stripe rate-limited the request.")
    {
    }

    /// <summary>Initializes a new instance with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public RateLimitedException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance with a message and its cause.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The underlying exception.</param>
    public RateLimitedException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>
    /// Which limit Stripe applied, from its <c>Stripe-Rate-Limited-Reason</c> header
    /// (<c>global-rate</c>, <c>global-concurrency</c>, <c>endpoint-rate</c>,
    /// <c>endpoint-concurrency</c>, <c>resource-specific</c>), when Stripe sent it.
    /// </summary>
    public string? RateLimitedReason { get; init; }

    /// <inheritdoc />
    private protected override StripeFailure Describe() => Described(StripeFailureKind.RateLimited) with { RetryAfter = RetryAfter, StoredUnderKey = StoredUnderKey };
}
