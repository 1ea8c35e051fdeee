using System.Globalization;
using System.Text;

namespace StripeTerminalKit.Samples.Web.Hosting;

/// <summary>
/// Makes an untrusted string (an id, a label, a header) safe as a log value: control characters,
/// line and paragraph separators (U+2028, U+2029), bidirectional overrides and isolates, and
/// zero-width characters are written as <c>\uXXXX</c>, so a value can neither start a forged log
/// line nor reorder what a reader of the log sees; long values are cut.
/// </summary>
public static class LogValue
{
    /// <summary>Longest value kept, in characters (the rest is replaced by an ellipsis).</summary>
    public const int MaxLength = 200;

    /// <summary>The value, escaped for a log line; <c>(null)</c> for null.</summary>
    /// <param name="value">The untrusted value.</param>
    /// <returns>The escaped value.</returns>
    public static string Escape(string? value)
    {
        if (value is null)
        {
            return "(null)";
        }

        var cut = value.Length > MaxLength;
        var text = cut ? value[..MaxLength] : value;
        if (!cut && !text.Any(NeedsEscape))
        {
            return text;
        }

        var builder = new StringBuilder(text.Length + 16);
        foreach (var c in text)
        {
            if (NeedsEscape(c))
            {
                builder.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
            }
            else
            {
                builder.Append(c);
            }
        }

        return cut ? builder.Append('…').ToString() : builder.ToString();
    }

    private static bool NeedsEscape(char c) =>
        char.IsControl(c)
        || c is '\u2028' or '\u2029'
        || c is >= '\u202A' and <= '\u202E'
        || c is >= '\u2066' and <= '\u2069'
        || c is '\u200B' or '\u200C' or '\u200D' or '\u200E' or '\u200F' or '\u061C' or '\uFEFF'
        || char.GetUnicodeCategory(c) is UnicodeCategory.Format;
}

/// <summary>
/// An untrusted string as a log parameter: written escaped (<see cref="LogValue.Escape"/>) when —
/// and only when — the entry is written.
/// </summary>
/// <param name="Value">The untrusted value.</param>
public readonly record struct Untrusted(string? Value)
{
    /// <inheritdoc />
    public override string ToString() => LogValue.Escape(Value);
}
