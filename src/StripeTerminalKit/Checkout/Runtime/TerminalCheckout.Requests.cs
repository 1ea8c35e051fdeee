using StripeTerminalKit.Errors;
using StripeTerminalKit.Validation;

namespace StripeTerminalKit.Checkout.Runtime;

// What a checkout request must satisfy before anything is stored or sent to Stripe: its own
// rules, the account's country, and (for an id already used) being the same sale.
internal sealed partial class TerminalCheckout
{
    private void Validate(CheckoutRequest request)
    {
        try
        {
            request.Validate();
        }
        catch (ArgumentException exception)
        {
            throw TerminalValidationException.For(exception.ParamName ?? "request", exception.Message);
        }

        // What the request alone cannot know: the reader id's shape, and the currencies and
        // minimum charge of the account's country. Refused here, before any Stripe call, rather
        // than as a failed checkout after the handle was given out.
        Guard.Id(request.ReaderId, nameof(CheckoutRequest.ReaderId), "tmr_");
        if (_country is not null)
        {
            Guard.Currency(request.Currency, nameof(CheckoutRequest.Currency), _country);
        }
        else if (!TerminalCurrencies.IsIso4217(request.Currency))
        {
            throw TerminalValidationException.For(nameof(CheckoutRequest.Currency), $"'{request.Currency}' is not an ISO 4217 currency code.");
        }

        Guard.Amount(request.Amount, nameof(CheckoutRequest.Amount), request.Currency);
    }

    /// <summary>The same checkout id must mean the same sale: anything else is a caller bug, not a resume.</summary>
    private static void EnsureSameRequest(CheckoutRequest existing, CheckoutRequest request)
    {
        if (!string.Equals(existing.Owner, request.Owner, StringComparison.Ordinal))
        {
            // Another owner's sale: say nothing about it (not its amount, reader, state or even whose it is).
            throw new TerminalValidationException($"{nameof(CheckoutRequest.CheckoutId)}: '{request.CheckoutId}' cannot be used for this sale; use a new checkout id.")
            {
                Parameter = nameof(CheckoutRequest.CheckoutId),
                ErrorCode = "checkout_id_unavailable",
            };
        }

        if (existing.Amount != request.Amount || !string.Equals(existing.Currency, request.Currency, StringComparison.OrdinalIgnoreCase) || existing.ReaderId != request.ReaderId)
        {
            throw TerminalValidationException.For(nameof(CheckoutRequest.CheckoutId),
                $"checkout '{request.CheckoutId}' already exists with another amount, currency or reader; use a new checkout id for a new sale.");
        }
    }
}
