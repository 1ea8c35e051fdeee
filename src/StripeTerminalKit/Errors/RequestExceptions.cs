namespace StripeTerminalKit.Errors;

/// <summary>
/// The request was rejected as invalid, by Stripe (HTTP 400/404) or by the kit before any call
/// (<see cref="TerminalValidationException"/>). Repeating it unchanged will fail again.
/// </summary>
public class InvalidRequestException : StripeTerminalException
{
    /// <summary>Initializes a new instance.</summary>
    public InvalidRequestException()
        : this("The request was invalid.")
    {
    }

    /// <summary>Initializes a new instance with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public InvalidRequestException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance with a message and its cause.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The underlying exception.</param>
    public InvalidRequestException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>
    /// The offending parameter: Stripe's form name (for example <c>amount</c>) for Stripe errors,
    /// the kit's property path (for example <c>Amount</c>) for validation errors.
    /// </summary>
    public string? Parameter { get; init; }
}

/// <summary>
/// The kit rejected the input before sending anything to Stripe (amount out of range, unsupported
/// currency, empty id, metadata over Stripe's limits, idempotency key too long, cart that does not add up…).
/// </summary>
public sealed class TerminalValidationException : InvalidRequestException
{
    /// <summary>Initializes a new instance.</summary>
    public TerminalValidationException()
        : this("The input is not valid.")
    {
    }

    /// <summary>Initializes a new instance with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public TerminalValidationException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance with a message and its cause.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The underlying exception.</param>
    public TerminalValidationException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for one parameter.</summary>
    /// <param name="parameter">The property path, such as <c>Cart.Total</c>.</param>
    /// <param name="message">What is wrong with it.</param>
    /// <returns>The exception.</returns>
    public static TerminalValidationException For(string parameter, string message) =>
        new($"{parameter}: {message}") { Parameter = parameter, ErrorCode = "validation_failed" };
}

/// <summary>The object does not exist (HTTP 404, <c>resource_missing</c>) or was deleted.</summary>
public sealed class ResourceNotFoundException : InvalidRequestException
{
    /// <summary>Initializes a new instance.</summary>
    public ResourceNotFoundException()
        : this("The object does not exist.")
    {
    }

    /// <summary>Initializes a new instance with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public ResourceNotFoundException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance with a message and its cause.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The underlying exception.</param>
    public ResourceNotFoundException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The id that was not found, when known.</summary>
    public string? ResourceId { get; init; }

    /// <inheritdoc />
    private protected override StripeFailure Describe() => Described(StripeFailureKind.NotFound);
}

/// <summary>
/// The PaymentIntent or SetupIntent is not in the state the operation needs
/// (<c>intent_invalid_state</c>, <c>payment_intent_unexpected_state</c>, …).
/// Read the intent and act on its status; never create a duplicate blindly.
/// </summary>
public sealed class IntentStateException : InvalidRequestException
{
    /// <summary>Initializes a new instance.</summary>
    public IntentStateException()
        : this("The intent is not in the state the operation requires.")
    {
    }

    /// <summary>Initializes a new instance with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public IntentStateException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance with a message and its cause.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The underlying exception.</param>
    public IntentStateException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The intent's id, when Stripe included it.</summary>
    public string? IntentId { get; init; }

    /// <summary>The intent's status at the time of the error (for example <c>requires_capture</c>), when known.</summary>
    public string? IntentStatus { get; init; }

    /// <inheritdoc />
    private protected override StripeFailure Describe() => Described(StripeFailureKind.InvalidState);
}

/// <summary>Stripe rejected the API key (HTTP 401) or the key lacks a permission (HTTP 403).</summary>
public sealed class StripeAuthenticationException : StripeTerminalException
{
    /// <summary>Initializes a new instance.</summary>
    public StripeAuthenticationException()
        : this("Stripe rejected the API key.")
    {
    }

    /// <summary>Initializes a new instance with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public StripeAuthenticationException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance with a message and its cause.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The underlying exception.</param>
    public StripeAuthenticationException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary><see langword="true"/> for HTTP 403: the key is valid but not allowed to do this (a restricted key).</summary>
    public bool IsPermissionError { get; init; }
}

/// <summary>
/// The kit or the Stripe account is configured in a way that cannot work: a reader in a location
/// where it cannot take payments, a country where Terminal is unavailable, a parameter the pinned
/// API version no longer accepts, missing settings.
/// </summary>
public sealed class StripeTerminalConfigurationException : StripeTerminalException
{
    /// <summary>Initializes a new instance.</summary>
    public StripeTerminalConfigurationException()
        : this("The Stripe Terminal configuration is not usable.")
    {
    }

    /// <summary>Initializes a new instance with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public StripeTerminalConfigurationException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance with a message and its cause.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The underlying exception.</param>
    public StripeTerminalConfigurationException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
