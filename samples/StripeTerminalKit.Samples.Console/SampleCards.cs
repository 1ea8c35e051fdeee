using StripeTerminalKit.Emulator;

namespace StripeTerminalKit.Samples.ConsoleApp;

/// <summary>Friendly names for Stripe's card-present test cards.</summary>
public static class SampleCards
{
    /// <summary>The names accepted by <c>--card</c>, with their test card numbers.</summary>
    public static IReadOnlyDictionary<string, string> ByName { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["visa"] = TestCards.Visa,
        ["mastercard"] = TestCards.Mastercard,
        ["amex"] = TestCards.Amex,
        ["eftpos"] = TestCards.EftposAuDebit,
        ["eftpos-visa"] = TestCards.EftposAuVisaDebit,
        ["declined"] = TestCards.Declined,
        ["insufficient-funds"] = TestCards.InsufficientFunds,
        ["expired"] = TestCards.ExpiredCard,
        ["lost"] = TestCards.LostCard,
    };

    /// <summary>The card number for a name or a raw 12–19 digit test number; null when neither.</summary>
    public static string? Resolve(string nameOrNumber)
    {
        ArgumentNullException.ThrowIfNull(nameOrNumber);
        if (ByName.TryGetValue(nameOrNumber, out var number))
        {
            return number;
        }

        return nameOrNumber.Length is >= 12 and <= 19 && nameOrNumber.All(char.IsAsciiDigit) ? nameOrNumber : null;
    }
}
