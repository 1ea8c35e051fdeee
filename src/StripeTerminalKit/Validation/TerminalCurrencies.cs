using System.Collections.Frozen;

namespace StripeTerminalKit.Validation;

/// <summary>
/// Currency facts the kit checks before calling Stripe: ISO 4217 codes, Stripe's zero-decimal
/// currencies and Stripe's minimum charge amounts. Amounts are always in minor units
/// (cents for <c>aud</c>, yen for <c>jpy</c>).
/// </summary>
public static class TerminalCurrencies
{
    /// <summary>The largest amount Stripe accepts for a charge, in minor units (99,999,999).</summary>
    public const long MaximumAmount = 99_999_999;

    // Active ISO 4217 currency codes, without funds codes, precious metals and testing codes,
    // which no card network charges in.
    private static readonly FrozenSet<string> Iso4217 = FrozenSet.Create(
        StringComparer.Ordinal,
        "aed", "afn", "all", "amd", "ang", "aoa", "ars", "aud", "awg", "azn", "bam", "bbd", "bdt", "bgn", "bhd",
        "bif", "bmd", "bnd", "bob", "brl", "bsd", "btn", "bwp", "byn", "bzd", "cad", "cdf", "chf", "clp", "cny",
        "cop", "crc", "cup", "cve", "czk", "djf", "dkk", "dop", "dzd", "egp", "ern", "etb", "eur", "fjd", "fkp",
        "gbp", "gel", "ghs", "gip", "gmd", "gnf", "gtq", "gyd", "hkd", "hnl", "htg", "huf", "idr", "ils", "inr",
        "iqd", "irr", "isk", "jmd", "jod", "jpy", "kes", "kgs", "khr", "kmf", "kpw", "krw", "kwd", "kyd", "kzt",
        "lak", "lbp", "lkr", "lrd", "lsl", "lyd", "mad", "mdl", "mga", "mkd", "mmk", "mnt", "mop", "mru", "mur",
        "mvr", "mwk", "mxn", "myr", "mzn", "nad", "ngn", "nio", "nok", "npr", "nzd", "omr", "pab", "pen", "pgk",
        "php", "pkr", "pln", "pyg", "qar", "ron", "rsd", "rub", "rwf", "sar", "sbd", "scr", "sdg", "sek", "sgd",
        "shp", "sle", "sos", "srd", "ssp", "stn", "svc", "syp", "szl", "thb", "tjs", "tmt", "tnd", "top", "try",
        "ttd", "twd", "tzs", "uah", "ugx", "usd", "uyu", "uzs", "ved", "ves", "vnd", "vuv", "wst", "xaf", "xcd",
        "xcg", "xof", "xpf", "yer", "zar", "zmw", "zwg");

    // Stripe's zero-decimal currencies: the amount is in whole units.
    private static readonly FrozenSet<string> ZeroDecimal = FrozenSet.Create(
        StringComparer.Ordinal,
        "bif", "clp", "djf", "gnf", "jpy", "kmf", "krw", "mga", "pyg", "rwf", "ugx", "vnd", "vuv", "xaf", "xof", "xpf");

    // Stripe's minimum charge amounts, in minor units (docs.stripe.com/currencies#minimum-and-maximum-charge-amounts).
    private static readonly FrozenDictionary<string, long> Minimums = new Dictionary<string, long>(StringComparer.Ordinal)
    {
        ["usd"] = 50, ["aed"] = 200, ["aud"] = 50, ["bgn"] = 100, ["brl"] = 50, ["cad"] = 50, ["chf"] = 50,
        ["czk"] = 1500, ["dkk"] = 250, ["eur"] = 50, ["gbp"] = 30, ["hkd"] = 400, ["huf"] = 17500, ["inr"] = 50,
        ["jpy"] = 50, ["mxn"] = 1000, ["myr"] = 200, ["nok"] = 300, ["nzd"] = 50, ["pln"] = 200, ["ron"] = 200,
        ["sek"] = 300, ["sgd"] = 50, ["thb"] = 1000,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>Whether <paramref name="currency"/> is an active ISO 4217 code (case-insensitive).</summary>
    /// <param name="currency">A three-letter code such as <c>aud</c>.</param>
    /// <returns><see langword="true"/> for a known code.</returns>
    public static bool IsIso4217(string? currency) =>
        currency is { Length: 3 } && Iso4217.Contains(Normalize(currency));

    /// <summary>Whether Stripe treats <paramref name="currency"/> as zero-decimal (amounts in whole units).</summary>
    /// <param name="currency">A three-letter code.</param>
    /// <returns><see langword="true"/> for zero-decimal currencies such as <c>jpy</c>.</returns>
    public static bool IsZeroDecimal(string currency)
    {
        ArgumentNullException.ThrowIfNull(currency);
        return ZeroDecimal.Contains(Normalize(currency));
    }

    /// <summary>
    /// Stripe's minimum charge amount in minor units for <paramref name="currency"/>
    /// (50 for <c>aud</c> and <c>usd</c>, 30 for <c>gbp</c>, …); 1 where Stripe publishes none.
    /// </summary>
    /// <param name="currency">A three-letter code.</param>
    /// <returns>The minimum, in minor units.</returns>
    public static long GetMinimumChargeAmount(string currency)
    {
        ArgumentNullException.ThrowIfNull(currency);
        return Minimums.TryGetValue(Normalize(currency), out var minimum) ? minimum : 1;
    }

    internal static string Normalize(string currency) => currency.Trim().ToLowerInvariant();
}
