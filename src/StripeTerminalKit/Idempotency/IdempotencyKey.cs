using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using StripeTerminalKit.Errors;

namespace StripeTerminalKit.Idempotency;

/// <summary>
/// The <c>Idempotency-Key</c> sent with a mutating Stripe call. The kit sends the same key on every
/// retry of one call, so Stripe executes the call at most once; derive it from something durable
/// (an order id, the step, the attempt) so that a retry after a crash is recognised too.
/// </summary>
/// <example>
/// <code>
/// var key = IdempotencyKey.Derive("order-42", "payment.create", attempt: 1);
/// // "stk:order-42:payment.create:1"
/// </code>
/// </example>
public readonly record struct IdempotencyKey
{
    /// <summary>Stripe's limit on the key length.</summary>
    public const int MaxLength = 255;

    /// <summary>Keeps the kit's keys apart from any other use of the account; the checkout's steps use it too.</summary>
    internal const string Prefix = "stk";

    /// <summary>Wraps a key the caller built. It must be 1 to 255 printable ASCII characters.</summary>
    /// <param name="value">The key.</param>
    /// <exception cref="TerminalValidationException">The key is empty, too long or not printable ASCII.</exception>
    public IdempotencyKey(string value)
    {
        Validate(value);
        Value = value;
    }

    /// <summary>The key as sent in the <c>Idempotency-Key</c> header.</summary>
    public string Value { get; }

    /// <summary>
    /// Derives a key from a caller scope (such as an order or checkout id), a step name and an attempt
    /// number. The same inputs always give the same key; different steps or attempts give different keys.
    /// A scope too long to fit is replaced by its SHA-256 hash, which keeps the key deterministic.
    /// </summary>
    /// <param name="scope">A durable id owned by the caller, such as <c>order-42</c>.</param>
    /// <param name="step">The step, such as <c>payment_intents.create</c>; must not contain ':'.</param>
    /// <param name="attempt">The attempt number, starting at 1. Use a new attempt to deliberately repeat a step.</param>
    /// <returns>The key.</returns>
    /// <exception cref="TerminalValidationException">An input is empty, the step contains ':' or the attempt is below 1.</exception>
    public static IdempotencyKey Derive(string scope, string step, int attempt = 1)
    {
        if (string.IsNullOrWhiteSpace(scope))
        {
            throw TerminalValidationException.For("IdempotencyScope", "must not be empty.");
        }

        if (string.IsNullOrWhiteSpace(step) || step.Contains(':', StringComparison.Ordinal))
        {
            throw TerminalValidationException.For("Step", "must be a non-empty name without ':'.");
        }

        if (attempt < 1)
        {
            throw TerminalValidationException.For("Attempt", "must be 1 or more.");
        }

        var tail = string.Create(CultureInfo.InvariantCulture, $":{step}:{attempt}");
        var candidate = Prefix + ":" + scope + tail;
        if (candidate.Length <= MaxLength && IsPrintableAscii(candidate))
        {
            return new IdempotencyKey(candidate);
        }

        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(scope)));
        return new IdempotencyKey(Prefix + ":sha256-" + hash + tail);
    }

    /// <inheritdoc />
    public override string ToString() => Value ?? string.Empty;

    internal static void Validate(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            throw TerminalValidationException.For("IdempotencyKey", "must not be empty.");
        }

        if (value.Length > MaxLength)
        {
            throw TerminalValidationException.For("IdempotencyKey", $"is {value.Length} characters; Stripe allows at most {MaxLength}.");
        }

        if (!IsPrintableAscii(value))
        {
            throw TerminalValidationException.For("IdempotencyKey", "must contain only printable ASCII characters (it is sent as an HTTP header).");
        }
    }

    private static bool IsPrintableAscii(string value)
    {
        foreach (var c in value)
        {
            if (c is < ' ' or > '~')
            {
                return false;
            }
        }

        return true;
    }
}
