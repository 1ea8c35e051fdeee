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
    CollectInputs,
    ReceiptEmail,
}

/// <summary>
/// A checkout step's idempotency key as the machine holds it: the checkout id, the step and the
/// step's sequence number. A value, formatted only when the driver sends the request, so transitions
/// do not allocate and the same persisted state always yields the same key; the format is the one
/// <see cref="Idempotency.IdempotencyKey.Derive"/> gives every key the kit sends.
/// </summary>
/// <remarks>
/// The sequence only moves on when resending under the old key would be wrong: Stripe stored a
/// failure under it (5xx, <c>terminal_reader_timeout</c>, …) or the request is a new one (a retry
/// with another card, a second partial refund). A lost response is resent under the same key.
/// </remarks>
internal readonly record struct StepKey(string? CheckoutId, IdempotencyStep Step, int Sequence)
{
    /// <summary>Whether the command carries a key.</summary>
    public bool IsEmpty => Step == IdempotencyStep.None;

    /// <summary>The header value, e.g. <c>stk:order-1001:process:2</c>.</summary>
    public override string ToString() => IsEmpty ? string.Empty : ToKey().Value;

    /// <summary>The key to send.</summary>
    public Idempotency.IdempotencyKey ToKey() => Idempotency.IdempotencyKey.Derive(CheckoutId!, IdempotencySteps.Name(Step), Sequence);
}

/// <summary>
/// The steps' names, the one table: as they appear in idempotency keys (<c>stk:order-1:process:2</c>)
/// and in the stored checkout document (the key sequences are stored by step name).
/// </summary>
internal static class IdempotencySteps
{
    public static readonly (IdempotencyStep Step, string Name)[] Names =
    [
        (IdempotencyStep.None, "none"),
        (IdempotencyStep.Create, "create"),
        (IdempotencyStep.Display, "display"),
        (IdempotencyStep.Process, "process"),
        (IdempotencyStep.Collect, "collect"),
        (IdempotencyStep.Confirm, "confirm"),
        (IdempotencyStep.CancelAction, "cancel_action"),
        (IdempotencyStep.Cancel, "cancel"),
        (IdempotencyStep.Capture, "capture"),
        (IdempotencyStep.Refund, "refund"),
        (IdempotencyStep.CollectInputs, "collect_inputs"),
        (IdempotencyStep.ReceiptEmail, "receipt_email"),
    ];

    public static string Name(IdempotencyStep step)
    {
        foreach (var (candidate, name) in Names)
        {
            if (candidate == step)
            {
                return name;
            }
        }

        throw new ArgumentOutOfRangeException(nameof(step), step, "No name for this idempotency step.");
    }

    public static IdempotencyStep Parse(string name)
    {
        foreach (var (step, candidate) in Names)
        {
            if (string.Equals(candidate, name, StringComparison.Ordinal))
            {
                return step;
            }
        }

        throw new FormatException($"'{name}' is not an idempotency step this library knows.");
    }
}
