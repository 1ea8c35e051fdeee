namespace StripeTerminalKit.Errors;

/// <summary>The customer pressed cancel on the reader (requires customer cancellation to be enabled).</summary>
public sealed class CustomerCanceledException : StripeTerminalException
{
    /// <summary>Initializes a new instance.</summary>
    public CustomerCanceledException()
        : this("The customer canceled on the reader.")
    {
    }

    /// <summary>Initializes a new instance with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public CustomerCanceledException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance with a message and its cause.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The underlying exception.</param>
    public CustomerCanceledException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The reader the customer canceled on.</summary>
    public string? ReaderId { get; init; }

    /// <summary>The PaymentIntent or SetupIntent the canceled action was working on, when known.</summary>
    public string? IntentId { get; init; }
}
