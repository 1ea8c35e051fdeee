using StripeTerminalKit.Emulator.Http;

namespace StripeTerminalKit.Emulator.Engine;

/// <summary>Currencies the emulator charges in, with Stripe's minimum charge amounts.</summary>
internal static class Currencies
{
    // Minimums in minor units (Stripe "minimum and maximum charge amounts").
    private static readonly Dictionary<string, long> Minimums = new(StringComparer.Ordinal)
    {
        ["usd"] = 50, ["aud"] = 50, ["cad"] = 50, ["eur"] = 50, ["nzd"] = 50, ["sgd"] = 50, ["chf"] = 50,
        ["gbp"] = 30, ["dkk"] = 250, ["sek"] = 300, ["nok"] = 300, ["czk"] = 1500, ["pln"] = 200,
        ["hkd"] = 400, ["jpy"] = 50, ["mxn"] = 1000, ["myr"] = 200, ["ron"] = 200, ["huf"] = 17500,
    };

    public const long MaxAmount = 99_999_999;

    public static void ValidateAmount(long amount, string currency, string param = "amount")
    {
        if (!Minimums.TryGetValue(currency, out var minimum))
        {
            throw ApiErrorException.InvalidRequest($"Invalid currency: {currency}. Stripe currently supports these currencies: {string.Join(", ", Minimums.Keys)}", "currency");
        }

        if (amount < minimum)
        {
            throw new ApiErrorException(400, "invalid_request_error", "amount_too_small",
                $"Amount must be at least {minimum} {currency} minor units", param);
        }

        if (amount > MaxAmount)
        {
            throw new ApiErrorException(400, "invalid_request_error", "amount_too_large",
                $"Amount must be no more than {MaxAmount} {currency} minor units", param);
        }
    }
}
