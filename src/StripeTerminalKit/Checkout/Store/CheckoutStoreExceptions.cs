namespace StripeTerminalKit.Checkout;

/// <summary>A checkout store could not do what was asked (the base of the store's typed errors).</summary>
public class CheckoutStoreException : Exception
{
    /// <summary>Initializes a new instance.</summary>
    public CheckoutStoreException()
        : this("The checkout store failed.")
    {
    }

    /// <summary>Initializes a new instance with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public CheckoutStoreException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance with a message and its cause.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The underlying exception.</param>
    public CheckoutStoreException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The checkout concerned, when there is one.</summary>
    public string? CheckoutId { get; init; }
}

/// <summary>
/// A save named a version the store no longer holds: another writer (another runner, another
/// process) saved the checkout first. The loser must stop acting on it and reload it.
/// </summary>
public sealed class CheckoutConcurrencyException : CheckoutStoreException
{
    /// <summary>Initializes a new instance.</summary>
    public CheckoutConcurrencyException()
        : this("The checkout was saved by another writer first.")
    {
    }

    /// <summary>Initializes a new instance with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public CheckoutConcurrencyException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance with a message and its cause.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The underlying exception.</param>
    public CheckoutConcurrencyException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for a save that expected <paramref name="expected"/> and found <paramref name="actual"/>.</summary>
    /// <param name="checkoutId">The checkout.</param>
    /// <param name="expected">The version the save replaces (0: a new checkout).</param>
    /// <param name="actual">The version the store holds (0: none).</param>
    /// <returns>The exception.</returns>
    public static CheckoutConcurrencyException For(string checkoutId, long expected, long actual) =>
        new($"Checkout '{checkoutId}' was saved by another writer: the save replaces version {expected}, the store holds version {actual}.")
        {
            CheckoutId = checkoutId,
            ExpectedVersion = expected,
            ActualVersion = actual,
        };

    /// <summary>The version the save meant to replace (0: none, a new checkout).</summary>
    public long ExpectedVersion { get; init; }

    /// <summary>The version the store holds (0: none).</summary>
    public long ActualVersion { get; init; }
}

/// <summary>
/// A stored checkout this version of the library cannot read: not a checkout document, damaged,
/// or written by a later version (<see cref="DocumentVersion"/>). It is refused, never misread.
/// </summary>
public sealed class CheckoutDocumentException : CheckoutStoreException
{
    /// <summary>Initializes a new instance.</summary>
    public CheckoutDocumentException()
        : this("The stored checkout cannot be read.")
    {
    }

    /// <summary>Initializes a new instance with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public CheckoutDocumentException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance with a message and its cause.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The underlying exception.</param>
    public CheckoutDocumentException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The document's version, when it has one.</summary>
    public int? DocumentVersion { get; init; }
}
