using System.Collections.Frozen;

namespace StripeTerminalKit.Validation;

/// <summary>
/// Where Stripe Terminal's server-driven integration is available and which currencies a
/// Terminal account in each country charges in.
/// </summary>
public static class TerminalCountries
{
    private static readonly FrozenDictionary<string, string[]> Currencies = new Dictionary<string, string[]>(StringComparer.Ordinal)
    {
        ["AU"] = ["aud"],
        ["CA"] = ["cad"],
        ["US"] = ["usd"],
        ["NZ"] = ["nzd"],
        ["SG"] = ["sgd"],
        ["MY"] = ["myr"],
        ["GB"] = ["gbp"],
        ["CH"] = ["chf"],
        ["CZ"] = ["czk"],
        ["DK"] = ["dkk"],
        ["NO"] = ["nok"],
        ["PL"] = ["pln"],
        ["SE"] = ["sek"],
        ["AT"] = ["eur"],
        ["BE"] = ["eur"],
        ["DE"] = ["eur"],
        ["ES"] = ["eur"],
        ["FI"] = ["eur"],
        ["FR"] = ["eur"],
        ["IE"] = ["eur"],
        ["IT"] = ["eur"],
        ["LU"] = ["eur"],
        ["NL"] = ["eur"],
        ["PT"] = ["eur"],
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>The countries (ISO 3166-1 alpha-2) the kit knows Terminal in.</summary>
    public static IReadOnlyCollection<string> Supported => Currencies.Keys;

    /// <summary>Whether Terminal is available in <paramref name="country"/> (case-insensitive).</summary>
    /// <param name="country">An ISO 3166-1 alpha-2 code such as <c>AU</c>.</param>
    /// <returns><see langword="true"/> when supported.</returns>
    public static bool IsSupported(string? country) =>
        country is { Length: 2 } && Currencies.ContainsKey(country.ToUpperInvariant());

    /// <summary>The currencies a Terminal account in <paramref name="country"/> can charge in.</summary>
    /// <param name="country">An ISO 3166-1 alpha-2 code.</param>
    /// <returns>Lower-case currency codes; empty for an unsupported country.</returns>
    public static IReadOnlyList<string> GetCurrencies(string country)
    {
        ArgumentNullException.ThrowIfNull(country);
        return Currencies.TryGetValue(country.ToUpperInvariant(), out var list) ? list : [];
    }

    /// <summary>The local currency of <paramref name="country"/> (<c>aud</c> for <c>AU</c>), or <see langword="null"/>.</summary>
    /// <param name="country">An ISO 3166-1 alpha-2 code.</param>
    /// <returns>The currency, or <see langword="null"/> for an unsupported country.</returns>
    public static string? GetDefaultCurrency(string country)
    {
        ArgumentNullException.ThrowIfNull(country);
        return Currencies.TryGetValue(country.ToUpperInvariant(), out var list) ? list[0] : null;
    }

    /// <summary>Whether a Terminal account in <paramref name="country"/> can charge in <paramref name="currency"/>.</summary>
    /// <param name="country">An ISO 3166-1 alpha-2 code.</param>
    /// <param name="currency">A three-letter currency code.</param>
    /// <returns><see langword="true"/> when allowed.</returns>
    public static bool SupportsCurrency(string country, string currency)
    {
        ArgumentNullException.ThrowIfNull(country);
        ArgumentNullException.ThrowIfNull(currency);
        return GetCurrencies(country).Contains(TerminalCurrencies.Normalize(currency), StringComparer.Ordinal);
    }
}
