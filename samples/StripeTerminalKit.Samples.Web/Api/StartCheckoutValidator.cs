using StripeTerminalKit.Checkout;

namespace StripeTerminalKit.Samples.Web.Api;

/// <summary>Checks a start request field by field, so the POS gets every problem at once as a ValidationProblem.</summary>
internal static class StartCheckoutValidator
{
    /// <summary>The kit's checkout-id alphabet, as the POS is told it.</summary>
    public static readonly string CheckoutIdRule = $"Must be 1 to {CheckoutRequest.MaxCheckoutIdLength} ASCII letters, digits, '-', '_' or '.', starting with a letter or digit.";

    public static Dictionary<string, string[]> Validate(StartCheckoutRequest? body)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (body is null)
        {
            errors["body"] = ["Send a JSON body: { \"readerId\": \"tmr_…\", \"amount\": 1750 }."];
            return errors;
        }

        // The kit's alphabet: what Stripe's idempotency keys, metadata, log lines and a URL path
        // segment all carry unchanged, so every id accepted here is addressable afterwards.
        if (body.CheckoutId is { } id && !CheckoutRequest.IsValidId(id))
        {
            errors["checkoutId"] = [CheckoutIdRule];
        }

        if (string.IsNullOrWhiteSpace(body.ReaderId))
        {
            errors["readerId"] = ["Required: the reader (tmr_…) from GET /api/readers."];
        }

        if (body.Amount is not { } amount)
        {
            errors["amount"] = ["Required: the amount in minor units (cents), e.g. 1750 for $17.50."];
        }
        else if (amount is <= 0 or > CheckoutRequest.MaxAmount)
        {
            errors["amount"] = [$"Must be between 1 and {CheckoutRequest.MaxAmount} minor units."];
        }

        if (body.Currency is { } currency && (currency.Length != 3 || !currency.All(char.IsAsciiLetter)))
        {
            errors["currency"] = ["Must be a three-letter ISO 4217 code such as \"aud\"."];
        }

        if (body.CaptureMode is not (null or "automatic" or "manual"))
        {
            errors["captureMode"] = ["Must be \"automatic\" or \"manual\"."];
        }

        if (body.Flow is not (null or "one_step" or "two_step"))
        {
            errors["flow"] = ["Must be \"one_step\" or \"two_step\"."];
        }

        if (body.Description is { Length: > 1000 })
        {
            errors["description"] = ["Must be at most 1000 characters."];
        }

        ValidateLines(body, errors);
        return errors;
    }

    private static void ValidateLines(StartCheckoutRequest body, Dictionary<string, string[]> errors)
    {
        if (body.Lines is null)
        {
            return;
        }

        if (body.Lines.Count > 100)
        {
            errors["lines"] = ["At most 100 cart lines."];
            return;
        }

        long total = 0;
        for (var i = 0; i < body.Lines.Count; i++)
        {
            var line = body.Lines[i];
            if (line is null || string.IsNullOrWhiteSpace(line.Description) || line.Description.Length > 100)
            {
                errors[$"lines[{i}].description"] = ["Required, at most 100 characters."];
            }

            if (line is null || line.UnitAmount is < 0 or > CheckoutRequest.MaxAmount)
            {
                errors[$"lines[{i}].unitAmount"] = [$"Must be between 0 and {CheckoutRequest.MaxAmount}."];
            }

            if (line is null || line.Quantity is < 1 or > 999)
            {
                errors[$"lines[{i}].quantity"] = ["Must be between 1 and 999."];
            }

            if (line is not null)
            {
                total += Math.Clamp(line.UnitAmount, 0, CheckoutRequest.MaxAmount) * Math.Clamp(line.Quantity, 0, 999);
            }
        }

        if (body.Lines.Count > 0 && body.Amount is { } amount && total != amount && !errors.ContainsKey("amount"))
        {
            // The reader shows the cart next to the amount charged: they must agree.
            errors["lines"] = [$"The lines add up to {total}, not the amount {amount}."];
        }
    }
}
