namespace StripeTerminalKit.Errors;

/// <summary>
/// The reader cannot take the command right now. The kit never retries these blindly:
/// look at the reader (its current action, its network status) before trying again.
/// </summary>
public class ReaderUnavailableException : StripeTerminalException
{
    /// <summary>Initializes a new instance.</summary>
    public ReaderUnavailableException()
        : this("The reader cannot take the command right now.")
    {
    }

    /// <summary>Initializes a new instance with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public ReaderUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance with a message and its cause.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The underlying exception.</param>
    public ReaderUnavailableException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The reader the command was sent to.</summary>
    public string? ReaderId { get; init; }

    /// <inheritdoc />
    private protected override StripeFailure Describe() => Described(StripeFailureKind.ReaderUnavailable);
}

/// <summary>
/// <c>terminal_reader_busy</c>: the reader is processing another action, updating, or has a card
/// inserted from a previous transaction. Read the reader's current action, wait for it or cancel it.
/// </summary>
public sealed class ReaderBusyException : ReaderUnavailableException
{
    /// <summary>Initializes a new instance.</summary>
    public ReaderBusyException()
        : this("The reader is busy with another action.")
    {
    }

    /// <summary>Initializes a new instance with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public ReaderBusyException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance with a message and its cause.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The underlying exception.</param>
    public ReaderBusyException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <inheritdoc />
    private protected override StripeFailure Describe() => Described(StripeFailureKind.ReaderBusy);
}

/// <summary>
/// <c>terminal_reader_offline</c>: Stripe has not heard from the reader for two minutes.
/// Someone has to power it on or reconnect it; nothing is queued.
/// </summary>
public sealed class ReaderOfflineException : ReaderUnavailableException
{
    /// <summary>Initializes a new instance.</summary>
    public ReaderOfflineException()
        : this("The reader is offline.")
    {
    }

    /// <summary>Initializes a new instance with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public ReaderOfflineException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance with a message and its cause.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The underlying exception.</param>
    public ReaderOfflineException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <inheritdoc />
    private protected override StripeFailure Describe() => Described(StripeFailureKind.ReaderOffline);
}

/// <summary><c>terminal_reader_hardware_fault</c>: the reader can no longer take payments and must be replaced.</summary>
public sealed class ReaderHardwareFaultException : ReaderUnavailableException
{
    /// <summary>Initializes a new instance.</summary>
    public ReaderHardwareFaultException()
        : this("The reader reported an unrecoverable hardware fault.")
    {
    }

    /// <summary>Initializes a new instance with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public ReaderHardwareFaultException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance with a message and its cause.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The underlying exception.</param>
    public ReaderHardwareFaultException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// <c>terminal_reader_timeout</c>: Stripe could not confirm that the reader received the command.
/// This can be a false negative. The kit reads the reader before resending (with the same
/// idempotency key); this exception means the command still did not arrive after the retries
/// allowed, or that the kit could not find out.
/// </summary>
public sealed class ReaderTimeoutException : StripeTerminalException
{
    private bool? _commandDelivered;

    /// <summary>Initializes a new instance.</summary>
    public ReaderTimeoutException()
        : this("The reader did not acknowledge the command in time.")
    {
    }

    /// <summary>Initializes a new instance with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public ReaderTimeoutException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance with a message and its cause.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The underlying exception.</param>
    public ReaderTimeoutException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The reader the command was sent to.</summary>
    public string? ReaderId { get; init; }

    /// <summary>
    /// What reading the reader afterwards showed: <see langword="false"/> when the command did not
    /// arrive, <see langword="null"/> when the kit could not find out.
    /// </summary>
    public bool? CommandDelivered { get => _commandDelivered; init => _commandDelivered = value; }

    /// <inheritdoc />
    public override bool IsTransient => CommandDelivered == false;

    internal void SetCommandDelivered(bool? delivered) => _commandDelivered = delivered;

    /// <inheritdoc />
    private protected override StripeFailure Describe() => Described(StripeFailureKind.ReaderTimeout);
}

/// <summary>
/// A reader action ended in a failure that is neither a decline nor a customer cancel
/// (for example <c>connection_error</c>: the reader lost its connection during authorisation,
/// so read the PaymentIntent to learn whether money moved).
/// </summary>
public sealed class ReaderActionFailedException : StripeTerminalException
{
    /// <summary>Initializes a new instance.</summary>
    public ReaderActionFailedException()
        : this("The reader action failed.")
    {
    }

    /// <summary>Initializes a new instance with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public ReaderActionFailedException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance with a message and its cause.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The underlying exception.</param>
    public ReaderActionFailedException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The reader whose action failed.</summary>
    public string? ReaderId { get; init; }

    /// <summary>The Stripe action type, such as <c>process_payment_intent</c>.</summary>
    public string? ActionType { get; init; }
}
