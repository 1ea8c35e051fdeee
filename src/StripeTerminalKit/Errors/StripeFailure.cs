using Polly.Timeout;

namespace StripeTerminalKit.Errors;

/// <summary>
/// What kind of failure a Stripe call met, decided once where the call failed (see
/// <see cref="StripeFailure.KindOf"/>). The retry table, the telemetry outcome, the typed exception
/// and the checkout machine all read it. The stored checkout document keeps a kind by its
/// snake_case name: members are never renamed.
/// </summary>
internal enum StripeFailureKind : byte
{
    /// <summary>No answer from Stripe: connection error, timeout, lost or unreadable response. The request may have been applied.</summary>
    Network = 0,

    /// <summary>HTTP 5xx with Stripe's error body. The request may have been applied and Stripe stored this answer under the idempotency key.</summary>
    ServerError,

    /// <summary>HTTP 409, <c>idempotency_key_in_use</c>, <c>lock_timeout</c>: retry later with the same key.</summary>
    Conflict,

    /// <summary>HTTP 429 <c>rate_limit</c>: not applied; retry later with the same key.</summary>
    RateLimited,

    /// <summary><c>terminal_reader_timeout</c>: the reader may have received the command (false negative).</summary>
    ReaderTimeout,

    /// <summary><c>terminal_reader_busy</c>.</summary>
    ReaderBusy,

    /// <summary><c>terminal_reader_offline</c>.</summary>
    ReaderOffline,

    /// <summary><c>terminal_reader_hardware_fault</c>, invalid location, or an unknown reader.</summary>
    ReaderUnavailable,

    /// <summary><c>intent_invalid_state</c>, <c>payment_intent_unexpected_state</c>, <c>setup_intent_unexpected_state</c>.</summary>
    InvalidState,

    /// <summary>A card error (HTTP 402, <c>card_error</c>).</summary>
    CardDeclined,

    /// <summary><c>resource_missing</c>, HTTP 404, or an object Stripe reports deleted.</summary>
    NotFound,

    /// <summary><c>idempotency_error</c>: same key, different parameters.</summary>
    IdempotencyMismatch,

    /// <summary>Any other refusal (invalid request, authentication, permissions, configuration, input the kit rejected, …).</summary>
    Rejected,
}

/// <summary>
/// One failed Stripe call, classified once where it failed: by <see cref="StripeErrorMapper"/> for
/// Stripe's answers, by the call executor for calls that got no answer, and (for exceptions built
/// anywhere else) by the typed exception itself. Every reader of a failure (the retry table, the
/// telemetry outcome, the checkout machine) reads this value; none re-derives it from codes or statuses.
/// </summary>
/// <param name="Kind">The classification.</param>
/// <param name="Code">Stripe's error code, or the kit's own (<c>connection_failed</c>, <c>timeout</c>, <c>invalid_response</c>, <c>validation_failed</c>).</param>
internal readonly record struct StripeFailure(StripeFailureKind Kind, string? Code = null)
{
    /// <summary>The kit's codes for a call that got no usable answer from Stripe.</summary>
    public const string ConnectionFailed = "connection_failed";

    /// <inheritdoc cref="ConnectionFailed"/>
    public const string Timeout = "timeout";

    /// <inheritdoc cref="ConnectionFailed"/>
    public const string InvalidResponse = "invalid_response";

    /// <summary>The issuer's <c>decline_code</c>, when Stripe gave one.</summary>
    public string? DeclineCode { get; init; }

    /// <summary>The HTTP status Stripe answered with; <see langword="null"/> when no answer arrived.</summary>
    public int? HttpStatus { get; init; }

    /// <summary>
    /// Stripe answered a request that carried an idempotency key with a server error, which it stores
    /// under the key and replays to every resend (docs: api/idempotent_requests).
    /// </summary>
    public bool StoredUnderKey { get; init; }

    /// <summary>Stripe's <c>Stripe-Should-Retry</c> header, when it sent one.</summary>
    public bool? ShouldRetry { get; init; }

    /// <summary>Stripe's <c>Retry-After</c>, when it sent one.</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>The request may have been applied: re-read before acting.</summary>
    public bool IsAmbiguous => Kind is StripeFailureKind.Network or StripeFailureKind.ServerError or StripeFailureKind.ReaderTimeout;

    /// <summary>
    /// The checkout machine's rule: after this kind of answer to a keyed mutation, a resend goes under a
    /// new key (Stripe may have stored the answer). Broader than <see cref="StoredUnderKey"/>, which
    /// the retry table reads: the machine re-reads Stripe before any resend, the table does not.
    /// </summary>
    public bool IsStoredUnderKey => Kind is StripeFailureKind.ServerError or StripeFailureKind.ReaderTimeout
        or StripeFailureKind.ReaderBusy or StripeFailureKind.ReaderOffline or StripeFailureKind.InvalidState
        or StripeFailureKind.CardDeclined or StripeFailureKind.Rejected or StripeFailureKind.ReaderUnavailable;

    /// <summary>Not applied; try again later with the same key.</summary>
    public bool IsRetryLater => Kind is StripeFailureKind.Conflict or StripeFailureKind.RateLimited;

    /// <summary>
    /// The failure is one the retry table may resend: no answer, a conflict, a rate limit, a server error.
    /// Of these, only <see cref="StripeFailureKind.Network"/> is a transport failure (no answer arrived).
    /// </summary>
    public bool IsTransient => Kind is StripeFailureKind.Network or StripeFailureKind.Conflict
        or StripeFailureKind.RateLimited or StripeFailureKind.ServerError;

    /// <summary>A call that got no usable answer (connection failure, timeout, unreadable response).</summary>
    /// <param name="code">One of <see cref="ConnectionFailed"/>, <see cref="Timeout"/>, <see cref="InvalidResponse"/>.</param>
    public static StripeFailure NoAnswer(string code) => new(StripeFailureKind.Network, code);

    /// <summary>
    /// The failure an exception stands for: the value its typed exception carries, or, for anything
    /// else (a Polly attempt timeout, an I/O error), a call that got no answer.
    /// </summary>
    /// <param name="exception">The failure raised by a call.</param>
    public static StripeFailure Of(Exception exception) => exception switch
    {
        StripeTerminalException typed => typed.Failure,
        TimeoutRejectedException => NoAnswer(Timeout),
        _ => new StripeFailure(StripeFailureKind.Network),
    };

    /// <summary>
    /// The one rule: Stripe's error code first (Terminal errors come back as HTTP 400 with a specific
    /// code), then the error type, then the HTTP status. Unknown codes fall through to the type and
    /// status: Stripe adds codes without notice.
    /// </summary>
    /// <param name="httpStatus">HTTP status, or <see langword="null"/> when no answer arrived.</param>
    /// <param name="type">Stripe error <c>type</c>.</param>
    /// <param name="code">Stripe error <c>code</c>, or one of the kit's no-answer codes.</param>
    public static StripeFailureKind KindOf(int? httpStatus, string? type, string? code) => code switch
    {
        ConnectionFailed or Timeout or InvalidResponse => StripeFailureKind.Network,
        "terminal_reader_timeout" => StripeFailureKind.ReaderTimeout,
        "terminal_reader_busy" => StripeFailureKind.ReaderBusy,
        "terminal_reader_offline" => StripeFailureKind.ReaderOffline,
        "terminal_reader_hardware_fault" or "terminal_reader_invalid_location_for_activation"
            or "terminal_reader_invalid_location_for_payment" or "terminal_location_country_unsupported" => StripeFailureKind.ReaderUnavailable,
        "intent_invalid_state" or "payment_intent_unexpected_state" or "setup_intent_unexpected_state" => StripeFailureKind.InvalidState,
        "idempotency_key_in_use" or "lock_timeout" => StripeFailureKind.Conflict,
        "rate_limit" => StripeFailureKind.RateLimited,
        "resource_missing" => StripeFailureKind.NotFound,
        _ when httpStatus is null => StripeFailureKind.Network,
        _ when type == "idempotency_error" => StripeFailureKind.IdempotencyMismatch,
        _ when httpStatus == 429 => StripeFailureKind.RateLimited,
        _ when httpStatus == 409 => StripeFailureKind.Conflict,
        _ when httpStatus >= 500 => StripeFailureKind.ServerError,
        _ when httpStatus == 402 || type == "card_error" => StripeFailureKind.CardDeclined,
        _ when httpStatus == 404 => StripeFailureKind.NotFound,
        _ => StripeFailureKind.Rejected,
    };
}
