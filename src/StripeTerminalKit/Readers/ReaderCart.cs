using StripeTerminalKit.Errors;

namespace StripeTerminalKit.Readers;

/// <summary>One line of a cart shown on the reader.</summary>
/// <param name="Description">What is sold (1–5000 characters).</param>
/// <param name="UnitAmount">The price of one unit in minor units (cents), zero or more.</param>
/// <param name="Quantity">How many, 1 or more.</param>
public sealed record CartLineItem(string Description, long UnitAmount, int Quantity = 1)
{
    /// <summary><see cref="UnitAmount"/> × <see cref="Quantity"/>.</summary>
    /// <exception cref="OverflowException">The product does not fit in 64 bits.</exception>
    public long LineTotal => checked(UnitAmount * Quantity);
}

/// <summary>
/// A cart to show on the reader's screen while the customer waits. Amounts are display-only
/// (the PaymentIntent decides what is charged) but they must add up:
/// Σ(unit amount × quantity) + <see cref="Tax"/> = <see cref="Total"/>, all in minor units.
/// </summary>
/// <param name="Currency">The currency, such as <c>aud</c>.</param>
/// <param name="LineItems">The lines, at least one.</param>
/// <param name="Tax">The tax shown on its own line, zero or more.</param>
/// <param name="Total">The total shown.</param>
public sealed record ReaderCart(string Currency, IReadOnlyList<CartLineItem> LineItems, long Tax, long Total)
{
    /// <summary>Builds a cart whose total is computed from the lines and the tax.</summary>
    /// <param name="currency">The currency.</param>
    /// <param name="lineItems">The lines.</param>
    /// <param name="tax">The tax, in minor units.</param>
    /// <returns>The cart.</returns>
    /// <exception cref="TerminalValidationException">The lines or tax are invalid.</exception>
    public static ReaderCart Create(string currency, IEnumerable<CartLineItem> lineItems, long tax = 0)
    {
        ArgumentNullException.ThrowIfNull(lineItems);
        var lines = lineItems.ToArray();
        var cart = new ReaderCart(currency, lines, tax, 0);
        return cart with { Total = cart.ComputeTotal() };
    }

    /// <summary>Σ(line totals) + tax, checked for overflow.</summary>
    internal long ComputeTotal()
    {
        if (LineItems is null || LineItems.Count == 0)
        {
            throw TerminalValidationException.For("Cart.LineItems", "must contain at least one line.");
        }

        long sum = 0;
        for (var i = 0; i < LineItems.Count; i++)
        {
            var line = LineItems[i] ?? throw TerminalValidationException.For($"Cart.LineItems[{i}]", "must not be null.");
            if (string.IsNullOrWhiteSpace(line.Description))
            {
                throw TerminalValidationException.For($"Cart.LineItems[{i}].Description", "must not be empty.");
            }

            if (line.Description.Length > 5000)
            {
                throw TerminalValidationException.For($"Cart.LineItems[{i}].Description", "must be at most 5000 characters.");
            }

            if (line.Quantity < 1)
            {
                throw TerminalValidationException.For($"Cart.LineItems[{i}].Quantity", "must be 1 or more.");
            }

            if (line.UnitAmount < 0)
            {
                throw TerminalValidationException.For($"Cart.LineItems[{i}].UnitAmount", "must not be negative (show discounts in the line amount).");
            }

            try
            {
                sum = checked(sum + line.LineTotal);
            }
            catch (OverflowException)
            {
                throw TerminalValidationException.For($"Cart.LineItems[{i}]", "the cart total is too large.");
            }
        }

        if (Tax < 0)
        {
            throw TerminalValidationException.For("Cart.Tax", "must not be negative.");
        }

        try
        {
            return checked(sum + Tax);
        }
        catch (OverflowException)
        {
            throw TerminalValidationException.For("Cart.Tax", "the cart total is too large.");
        }
    }
}
