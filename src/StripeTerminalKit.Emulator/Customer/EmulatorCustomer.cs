namespace StripeTerminalKit.Emulator;

/// <summary>
/// What the simulated customer does when a reader asks for a card, or shows a form (<c>collect_inputs</c>):
/// a customer who would tap fills the form in with test values, one who would cancel skips its
/// optional inputs, one who walks away lets it time out.
/// </summary>
public sealed record CustomerAction
{
    /// <summary>Taps <paramref name="cardNumber"/> after <paramref name="delay"/>, optionally adding a tip on the reader.</summary>
    public static CustomerAction Tap(string cardNumber = TestCards.Visa, TimeSpan delay = default, long? tip = null) =>
        new() { CardNumber = EmulatorCustomer.CheckCardNumber(cardNumber), Delay = delay, Tip = tip };

    /// <summary>Presses cancel on the reader after <paramref name="delay"/> (needs <c>enable_customer_cancellation</c>).</summary>
    public static CustomerAction CancelOnReader(TimeSpan delay = default) => new() { Cancel = true, Delay = delay };

    /// <summary>Walks away: nothing happens until someone cancels.</summary>
    public static CustomerAction WalkAway { get; } = new() { Ignore = true };

    /// <summary>The card presented.</summary>
    public string CardNumber { get; init; } = TestCards.Visa;

    /// <summary>How long after the reader asks the customer acts.</summary>
    public TimeSpan Delay { get; init; }

    /// <summary>The tip chosen on the reader, in minor units.</summary>
    public long? Tip { get; init; }

    /// <summary>Whether the customer cancels instead of paying.</summary>
    public bool Cancel { get; init; }

    /// <summary>Whether the customer does nothing at all.</summary>
    public bool Ignore { get; init; }
}

/// <summary>What a reader asks of the customer: passed to a customer script.</summary>
/// <param name="ReaderId">The reader.</param>
/// <param name="ActionType">The action, such as <c>process_payment_intent</c> or <c>collect_inputs</c>.</param>
/// <param name="PaymentIntentId">The PaymentIntent being paid, if any.</param>
/// <param name="Amount">The amount asked for, if any.</param>
public sealed record CustomerPrompt(string ReaderId, string ActionType, string? PaymentIntentId, long? Amount);

/// <summary>
/// The simulated customer at the readers. By default nobody is there: cards are presented only
/// through the <c>present_payment_method</c> test helper. <see cref="Automate(Func{CustomerPrompt, CustomerAction})"/>
/// puts a customer at every reader (or one reader) who acts on each prompt on the emulator's clock.
/// </summary>
public sealed class EmulatorCustomer
{
    private readonly StripeEmulator _emulator;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Func<CustomerPrompt, CustomerAction>> _perReader = new(StringComparer.Ordinal);
    private Func<CustomerPrompt, CustomerAction>? _everyReader;

    internal EmulatorCustomer(StripeEmulator emulator) => _emulator = emulator;

    /// <summary>Every reader gets a customer who does <paramref name="action"/> each time.</summary>
    public void Automate(CustomerAction action)
    {
        ArgumentNullException.ThrowIfNull(action);
        Automate(_ => action);
    }

    /// <summary>Every reader gets a customer scripted by <paramref name="script"/>.</summary>
    public void Automate(Func<CustomerPrompt, CustomerAction> script)
    {
        ArgumentNullException.ThrowIfNull(script);
        lock (_gate)
        {
            _everyReader = script;
        }
    }

    /// <summary>One reader gets a customer scripted by <paramref name="script"/> (wins over the fleet-wide one).</summary>
    public void Automate(string readerId, Func<CustomerPrompt, CustomerAction> script)
    {
        ArgumentException.ThrowIfNullOrEmpty(readerId);
        ArgumentNullException.ThrowIfNull(script);
        lock (_gate)
        {
            _perReader[readerId] = script;
        }
    }

    /// <summary>Removes the automated customers (all, or one reader's).</summary>
    public void Stop(string? readerId = null)
    {
        lock (_gate)
        {
            if (readerId is null)
            {
                _everyReader = null;
                _perReader.Clear();
            }
            else
            {
                _perReader.Remove(readerId);
            }
        }
    }

    /// <summary>The customer taps a card on the reader now (the same as the <c>present_payment_method</c> test helper).</summary>
    /// <returns>False when the reader was not waiting for a card.</returns>
    public bool Tap(string readerId, string cardNumber = TestCards.Visa, long? tip = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(readerId);
        return _emulator.Engine.CustomerTap(readerId, CheckCardNumber(cardNumber), tip);
    }

    /// <summary>The customer presses cancel on the reader now.</summary>
    /// <returns>False when the action does not allow customer cancellation or nothing was waiting.</returns>
    public bool CancelOnReader(string readerId)
    {
        ArgumentException.ThrowIfNullOrEmpty(readerId);
        return _emulator.Engine.CustomerCancel(readerId);
    }

    /// <summary>A card number is 12 to 19 digits; anything else is refused before it reaches a reader.</summary>
    internal static string CheckCardNumber(string cardNumber)
    {
        ArgumentNullException.ThrowIfNull(cardNumber);
        if (cardNumber.Length is < 12 or > 19 || !cardNumber.All(char.IsAsciiDigit))
        {
            throw new ArgumentException("A card number is 12 to 19 digits, such as TestCards.Visa.", nameof(cardNumber));
        }

        return cardNumber;
    }

    internal CustomerAction? Decide(CustomerPrompt prompt)
    {
        Func<CustomerPrompt, CustomerAction>? script;
        lock (_gate)
        {
            script = _perReader.TryGetValue(prompt.ReaderId, out var s) ? s : _everyReader;
        }

        return script?.Invoke(prompt);
    }
}
