using Microsoft.Extensions.Logging;

namespace StripeTerminalKit.Diagnostics;

/// <summary>
/// The kit's source-generated log messages. Event ids are stable. Holes carry operation names,
/// object ids, codes and durations — never an API key, webhook secret or client secret.
/// </summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1000, EventName = "StripeCallSucceeded", Level = LogLevel.Debug,
        Message = "Stripe call {Operation} succeeded after {Attempts} attempt(s) in {ElapsedMs} ms (configuration '{Configuration}')")]
    public static partial void CallSucceeded(ILogger logger, string operation, int attempts, double elapsedMs, string configuration);

    [LoggerMessage(EventId = 1001, EventName = "StripeCallFailed", Level = LogLevel.Warning,
        Message = "Stripe call {Operation} failed with {Outcome} (code {ErrorCode}, HTTP {StatusCode}, request {RequestId}) after {Attempts} attempt(s) in {ElapsedMs} ms")]
    public static partial void CallFailed(
        ILogger logger, string operation, string outcome, string? errorCode, int? statusCode, string? requestId, int attempts, double elapsedMs);

    [LoggerMessage(EventId = 1002, EventName = "StripeCallRetrying", Level = LogLevel.Information,
        Message = "Retrying Stripe call {Operation} (retry {Retry}) in {DelayMs} ms because of {Reason}")]
    public static partial void Retrying(ILogger logger, string operation, int retry, double delayMs, string reason);

    [LoggerMessage(EventId = 1004, EventName = "StripeCallRateLimited", Level = LogLevel.Information,
        Message = "Stripe rate-limited {Operation} (Stripe-Rate-Limited-Reason {RateLimitedReason}, Retry-After {RetryAfterMs} ms)")]
    public static partial void RateLimited(ILogger logger, string operation, string rateLimitedReason, double? retryAfterMs);

    [LoggerMessage(EventId = 1003, EventName = "StripeCallRejectedLocally", Level = LogLevel.Debug,
        Message = "Stripe call {Operation} was rejected before sending: parameter {Parameter} is invalid")]
    public static partial void RejectedLocally(ILogger logger, string operation, string? parameter);

    [LoggerMessage(EventId = 1010, EventName = "ReaderTimeoutCommandDelivered", Level = LogLevel.Information,
        Message = "Reader {ReaderId} reported terminal_reader_timeout for {Operation}, but reading it shows the command arrived; not resending")]
    public static partial void ReaderTimeoutDelivered(ILogger logger, string readerId, string operation);

    [LoggerMessage(EventId = 1011, EventName = "ReaderTimeoutCommandMissing", Level = LogLevel.Warning,
        Message = "Reader {ReaderId} reported terminal_reader_timeout for {Operation} and the command did not arrive; it may be resent with the same idempotency key")]
    public static partial void ReaderTimeoutMissing(ILogger logger, string readerId, string operation);

    [LoggerMessage(EventId = 1012, EventName = "ReaderTimeoutCheckFailed", Level = LogLevel.Warning,
        Message = "Reader {ReaderId} reported terminal_reader_timeout for {Operation} and reading it failed ({ErrorCode}); not resending")]
    public static partial void ReaderTimeoutCheckFailed(ILogger logger, string readerId, string operation, string? errorCode);

    [LoggerMessage(EventId = 1020, EventName = "ReaderActionWaitPolled", Level = LogLevel.Trace,
        Message = "Reader {ReaderId} action {ActionType} is {ActionStatus}")]
    public static partial void ReaderActionPolled(ILogger logger, string readerId, string? actionType, Readers.ReaderActionStatus? actionStatus);

    [LoggerMessage(EventId = 1021, EventName = "ReaderActionFinished", Level = LogLevel.Debug,
        Message = "Reader {ReaderId} action {ActionType} finished as {ActionStatus} (failure code {FailureCode})")]
    public static partial void ReaderActionFinished(ILogger logger, string readerId, string? actionType, Readers.ReaderActionStatus actionStatus, string? failureCode);

    [LoggerMessage(EventId = 1030, EventName = "ManualCaptureDeclinesEftpos", Level = LogLevel.Warning,
        Message = "A PaymentIntent in {Country} was created with capture_method=manual: every eftpos card will decline. Use CaptureMethod.ManualPreferred unless eftpos is excluded on purpose")]
    public static partial void ManualCaptureDeclinesEftpos(ILogger logger, string country);

    [LoggerMessage(EventId = 1040, EventName = "LocationEnsured", Level = LogLevel.Debug,
        Message = "Location for key {StableKey} {Result}: {LocationId}")]
    public static partial void LocationEnsured(ILogger logger, string stableKey, string result, string locationId);
}
