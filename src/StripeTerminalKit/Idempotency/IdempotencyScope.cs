using StripeTerminalKit.Errors;

namespace StripeTerminalKit.Idempotency;

/// <summary>
/// A caller-owned scope from which the kit derives one idempotency key per operation:
/// <c>IdempotencyKey.Derive(Scope, operation, Attempt)</c>. Pass the same scope after a crash and
/// every step that already reached Stripe is replayed, not repeated.
/// </summary>
/// <example>
/// <code>
/// var call = new TerminalCallOptions { IdempotencyScope = new IdempotencyScope("order-42") };
/// await payments.CreatePaymentIntentAsync(request, call);   // key stk:order-42:payment_intents.create:1
/// await payments.ProcessOnReaderAsync(readerId, pi.Id, callOptions: call);
/// </code>
/// </example>
public sealed record IdempotencyScope
{
    /// <summary>Creates a scope.</summary>
    /// <param name="scope">A durable id such as an order or checkout id.</param>
    /// <param name="attempt">The attempt number, starting at 1.</param>
    /// <exception cref="TerminalValidationException">The scope is empty or the attempt is below 1.</exception>
    public IdempotencyScope(string scope, int attempt = 1)
    {
        if (string.IsNullOrWhiteSpace(scope))
        {
            throw TerminalValidationException.For("IdempotencyScope", "must not be empty.");
        }

        if (attempt < 1)
        {
            throw TerminalValidationException.For("IdempotencyScope.Attempt", "must be 1 or more.");
        }

        Scope = scope;
        Attempt = attempt;
    }

    /// <summary>The durable id the keys are derived from.</summary>
    public string Scope { get; }

    /// <summary>The attempt number; increase it to deliberately repeat steps (for example after a decline).</summary>
    public int Attempt { get; }

    /// <summary>The key for one step of this scope.</summary>
    /// <param name="step">The step name, such as <c>payment_intents.create</c>.</param>
    /// <returns>The derived key.</returns>
    public IdempotencyKey KeyFor(string step) => IdempotencyKey.Derive(Scope, step, Attempt);

    /// <summary>The same scope with the next attempt number.</summary>
    /// <returns>A new scope.</returns>
    public IdempotencyScope NextAttempt() => new(Scope, Attempt + 1);
}
