using StripeTerminalKit.Errors;

namespace StripeTerminalKit.Validation;

/// <summary>
/// Input checks that run before any Stripe call, so bad input fails fast with a
/// <see cref="TerminalValidationException"/> naming the parameter and nothing is sent.
/// </summary>
internal static class Guard
{
    public const int MetadataMaxKeys = 50;
    public const int MetadataMaxKeyLength = 40;
    public const int MetadataMaxValueLength = 500;
    public const int IdMaxLength = 255;

    /// <summary>Checks a Stripe object id: present, no whitespace or URL characters, and the expected prefix.</summary>
    public static string Id(string? value, string parameter, params string[] prefixes)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw TerminalValidationException.For(parameter, "must not be empty.");
        }

        if (value.Length > IdMaxLength)
        {
            throw TerminalValidationException.For(parameter, $"must be at most {IdMaxLength} characters.");
        }

        foreach (var c in value)
        {
            // Ids go into URL paths: anything outside Stripe's id alphabet could change the path.
            if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
            {
                throw TerminalValidationException.For(parameter, "must contain only letters, digits, '_' and '-'.");
            }
        }

        if (prefixes.Length > 0 && !prefixes.Any(p => value.StartsWith(p, StringComparison.Ordinal)))
        {
            throw TerminalValidationException.For(
                parameter, $"must be a Stripe id starting with {string.Join(" or ", prefixes.Select(p => $"'{p}'"))}.");
        }

        return value;
    }

    /// <summary>Checks an amount in minor units against 1..99,999,999 and, when given, the currency's minimum.</summary>
    public static long Amount(long amount, string parameter, string? currency = null)
    {
        if (amount <= 0)
        {
            throw TerminalValidationException.For(parameter, "must be greater than zero (amounts are in minor units).");
        }

        if (amount > TerminalCurrencies.MaximumAmount)
        {
            throw TerminalValidationException.For(parameter, $"must be at most {TerminalCurrencies.MaximumAmount:N0} minor units.");
        }

        if (currency is not null)
        {
            var minimum = TerminalCurrencies.GetMinimumChargeAmount(currency);
            if (amount < minimum)
            {
                throw TerminalValidationException.For(
                    parameter, $"must be at least {minimum} minor units, Stripe's minimum charge for {TerminalCurrencies.Normalize(currency)}.");
            }
        }

        return amount;
    }

    /// <summary>Checks a non-negative amount (tax, tip-eligible amount) against the upper bound.</summary>
    public static long NonNegativeAmount(long amount, string parameter)
    {
        if (amount < 0)
        {
            throw TerminalValidationException.For(parameter, "must not be negative.");
        }

        if (amount > TerminalCurrencies.MaximumAmount)
        {
            throw TerminalValidationException.For(parameter, $"must be at most {TerminalCurrencies.MaximumAmount:N0} minor units.");
        }

        return amount;
    }

    /// <summary>Checks a currency code: ISO 4217 and chargeable by a Terminal account in <paramref name="country"/>.</summary>
    /// <returns>The code in Stripe's lower-case form.</returns>
    public static string Currency(string? currency, string parameter, string country)
    {
        if (string.IsNullOrWhiteSpace(currency))
        {
            throw TerminalValidationException.For(parameter, "must not be empty.");
        }

        if (!TerminalCurrencies.IsIso4217(currency))
        {
            throw TerminalValidationException.For(parameter, $"'{currency}' is not an ISO 4217 currency code.");
        }

        var normalized = TerminalCurrencies.Normalize(currency);
        if (!TerminalCountries.SupportsCurrency(country, normalized))
        {
            var allowed = string.Join(", ", TerminalCountries.GetCurrencies(country));
            throw TerminalValidationException.For(
                parameter, $"'{normalized}' is not supported for Terminal in {country.ToUpperInvariant()} (supported: {allowed}).");
        }

        return normalized;
    }

    /// <summary>Checks metadata against Stripe's limits: 50 keys, key ≤ 40 characters, value ≤ 500 characters, no brackets in keys.</summary>
    public static void Metadata(IReadOnlyDictionary<string, string>? metadata, string parameter)
    {
        if (metadata is null)
        {
            return;
        }

        if (metadata.Count > MetadataMaxKeys)
        {
            throw TerminalValidationException.For(parameter, $"has {metadata.Count} keys; Stripe allows at most {MetadataMaxKeys}.");
        }

        foreach (var (key, value) in metadata)
        {
            if (string.IsNullOrWhiteSpace(key))
            {
                throw TerminalValidationException.For(parameter, "keys must not be empty.");
            }

            if (key.Length > MetadataMaxKeyLength)
            {
                throw TerminalValidationException.For($"{parameter}[{Truncate(key)}]", $"key is {key.Length} characters; Stripe allows at most {MetadataMaxKeyLength}.");
            }

            if (key.Contains('[', StringComparison.Ordinal) || key.Contains(']', StringComparison.Ordinal))
            {
                throw TerminalValidationException.For($"{parameter}[{Truncate(key)}]", "keys must not contain square brackets.");
            }

            if (value is not null && value.Length > MetadataMaxValueLength)
            {
                throw TerminalValidationException.For($"{parameter}[{key}]", $"value is {value.Length} characters; Stripe allows at most {MetadataMaxValueLength}.");
            }
        }
    }

    /// <summary>Checks a required free-text field and its maximum length.</summary>
    public static string Text(string? value, string parameter, int maxLength)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw TerminalValidationException.For(parameter, "must not be empty.");
        }

        return OptionalText(value, parameter, maxLength)!;
    }

    /// <summary>Checks an optional free-text field's maximum length.</summary>
    public static string? OptionalText(string? value, string parameter, int maxLength)
    {
        if (value is not null && value.Length > maxLength)
        {
            throw TerminalValidationException.For(parameter, $"must be at most {maxLength} characters (got {value.Length}).");
        }

        return value;
    }

    /// <summary>
    /// The one email rule: an address with an <c>@</c>, at most 254 characters (the longest path
    /// SMTP carries, RFC 5321). Stripe checks deliverability itself; this only stops what can never be one.
    /// </summary>
    public static bool IsEmail(string value) =>
        value.Length is > 2 and <= 254 && value.IndexOf('@', StringComparison.Ordinal) is > 0 and var at && at < value.Length - 1;

    /// <summary>Checks an email address by <see cref="IsEmail"/>.</summary>
    public static string Email(string? value, string parameter) =>
        value is not null && IsEmail(value) ? value : throw TerminalValidationException.For(parameter, "must be an email address.");

    private static string Truncate(string key) => key.Length <= 48 ? key : key[..45] + "...";
}
