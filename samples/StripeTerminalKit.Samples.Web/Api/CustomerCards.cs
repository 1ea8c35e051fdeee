using StripeTerminalKit.Emulator;

namespace StripeTerminalKit.Samples.Web.Api;

/// <summary>The test cards the cashier page's customer buttons tap (emulator mode).</summary>
internal static class CustomerCards
{
    public static IReadOnlyDictionary<string, string> ByName { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["visa"] = TestCards.Visa,
        ["mastercard"] = TestCards.Mastercard,
        ["amex"] = TestCards.Amex,
        ["eftpos"] = TestCards.EftposAuDebit,
        ["declined"] = TestCards.Declined,
        ["insufficient_funds"] = TestCards.InsufficientFunds,
        ["expired"] = TestCards.ExpiredCard,
    };

    public static string? Resolve(string? nameOrNumber) =>
        nameOrNumber is null ? TestCards.Visa
        : ByName.TryGetValue(nameOrNumber, out var number) ? number
        : nameOrNumber.Length is >= 12 and <= 19 && nameOrNumber.All(char.IsAsciiDigit) ? nameOrNumber
        : null;
}
