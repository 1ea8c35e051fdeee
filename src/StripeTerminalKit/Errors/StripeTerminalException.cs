using System.Net;

namespace StripeTerminalKit.Errors;

/// <summary>
/// The base of every error the kit raises. Catch a subclass to branch on what went wrong
/// without parsing messages; keep <see cref="RequestId"/> for Stripe support.
/// </summary>
/// <remarks>
/// Messages never contain an API key, webhook secret or client secret: text that comes from
/// Stripe is scrubbed of anything shaped like a secret first.
/// </remarks>
public class StripeTerminalException : Exception
{
    private string? _requestId;
    private string? _errorCode;
    private string? _errorType;
    private HttpStatusCode? _httpStatusCode;
    private string? _operation;
    private StripeFailure? _failure;

    /// <summary>Initializes a new instance with a generic message.</summary>
    public StripeTerminalException()
        : this("The Stripe Terminal operation failed.")
    {
    }

    /// <summary>Initializes a new instance with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public StripeTerminalException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance with a message and the exception that caused it.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The underlying exception.</param>
    public StripeTerminalException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The Stripe request id (<c>req_…</c>) of the failed call, when Stripe answered.</summary>
    public string? RequestId { get => _requestId; init => _requestId = value; }

    /// <summary>
    /// The Stripe error code (for example <c>terminal_reader_busy</c>) or, for errors raised by the
    /// kit itself, a kit code such as <c>validation_failed</c> or <c>connection_failed</c>.
    /// </summary>
    public string? ErrorCode { get => _errorCode; init => _errorCode = value; }

    /// <summary>The Stripe error type (<c>invalid_request_error</c>, <c>card_error</c>, …) when known.</summary>
    public string? ErrorType { get => _errorType; init => _errorType = value; }

    /// <summary>The HTTP status Stripe answered with, when the call reached Stripe.</summary>
    public HttpStatusCode? HttpStatusCode { get => _httpStatusCode; init => _httpStatusCode = value; }

    /// <summary>The kit operation that failed, such as <c>payment_intents.create</c>.</summary>
    public string? Operation { get => _operation; init => _operation = value; }

    /// <summary>
    /// Whether the same call may succeed if repeated later with the same idempotency key.
    /// Retries the kit already made are not counted here: this is advice for the caller.
    /// </summary>
    public virtual bool IsTransient => false;

    /// <summary>
    /// The failure this exception reports, classified where the call failed; read by the retry table,
    /// the telemetry outcome and the checkout machine. An exception built anywhere else (a module, a
    /// caller, a test) stands for the failure its type describes.
    /// </summary>
    internal StripeFailure Failure
    {
        get => _failure ?? Describe();
        set => _failure = value;
    }

    /// <summary>The failure an exception of this type stands for when it was not built from a failed call.</summary>
    private protected virtual StripeFailure Describe() => Described(StripeFailureKind.Rejected);

    /// <summary>A failure of <paramref name="kind"/> with what this exception says about the call.</summary>
    private protected StripeFailure Described(StripeFailureKind kind) =>
        new(kind, ErrorCode) { HttpStatus = (int?)HttpStatusCode };

    /// <summary>Fills in what the kit learnt about the failed call after the exception was created.</summary>
    internal void AttachCallDetails(string? requestId, string? errorCode, string? errorType, HttpStatusCode? status, string? operation)
    {
        _requestId ??= requestId;
        _errorCode ??= errorCode;
        _errorType ??= errorType;
        _httpStatusCode ??= status;
        _operation ??= operation;
    }
}
