namespace StripeTerminalKit.Errors;

/// <summary>
/// The card was declined, synchronously (a <c>card_error</c>) or by a failed reader action.
/// The same PaymentIntent can be presented again with another card.
/// </summary>
public sealed class CardDeclinedException : StripeTerminalException
{
    /// <summary>Initializes a new instance.</summary>
    public CardDeclinedException()
        : this("The card was declined.")
    {
    }

    /// <summary>Initializes a new instance with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public CardDeclinedException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance with a message and its cause.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The underlying exception.</param>
    public CardDeclinedException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The issuer's decline code (for example <c>insufficient_funds</c>), when known.</summary>
    public string? DeclineCode { get; init; }

    /// <summary>The card brand (for example <c>visa</c>, <c>eftpos_au</c>), when known.</summary>
    public string? CardBrand { get; init; }

    /// <summary>The last four digits of the card, when known.</summary>
    public string? CardLast4 { get; init; }

    /// <summary>The PaymentIntent that the decline belongs to, when known.</summary>
    public string? PaymentIntentId { get; init; }

    /// <summary>The reader that read the card, when the decline came from a reader action.</summary>
    public string? ReaderId { get; init; }

    /// <inheritdoc />
    private protected override StripeFailure Describe() => Described(StripeFailureKind.CardDeclined) with { DeclineCode = DeclineCode };
}
