using System.Globalization;

namespace StripeTerminalKit.Checkout;

/// <summary>Which mutating Stripe call an idempotency key belongs to.</summary>
internal enum IdempotencyStep : byte
{
    None = 0,
    Create,
    Display,
    Process,
    Collect,
    Confirm,
    CancelAction,
    Cancel,
    Capture,
    Refund,
}

/// <summary>
/// An idempotency key derived from the checkout id, the step and the step's sequence number.
/// A value, formatted only when the driver sends the request, so transitions do not allocate and
/// the same persisted state always yields the same key.
/// </summary>
/// <remarks>
/// The sequence only moves on when resending under the old key would be wrong: Stripe stored a
/// failure under it (5xx, <c>terminal_reader_timeout</c>, …) or the request is a new one (a retry
/// with another card, a second partial refund). A lost response is resent under the same key.
/// </remarks>
internal readonly record struct IdempotencyKey(string? CheckoutId, IdempotencyStep Step, int Sequence)
{
    /// <summary>Prefix that keeps our keys apart from any other use of the account.</summary>
    public const string Prefix = "stk";

    /// <summary>Whether the command carries a key.</summary>
    public bool IsEmpty => Step == IdempotencyStep.None;

    /// <summary>The header value, e.g. <c>stk:order-1001:process:2</c>.</summary>
    public override string ToString() => IsEmpty
        ? string.Empty
        : string.Create(CultureInfo.InvariantCulture, $"{Prefix}:{CheckoutId}:{StepName(Step)}:{Sequence}");

    private static string StepName(IdempotencyStep step) => step switch
    {
        IdempotencyStep.Create => "create",
        IdempotencyStep.Display => "display",
        IdempotencyStep.Process => "process",
        IdempotencyStep.Collect => "collect",
        IdempotencyStep.Confirm => "confirm",
        IdempotencyStep.CancelAction => "cancel_action",
        IdempotencyStep.Cancel => "cancel",
        IdempotencyStep.Capture => "capture",
        IdempotencyStep.Refund => "refund",
        _ => "none",
    };
}
