namespace StripeTerminalKit.Payments;

/// <summary>
/// Stripe's rule for <c>automatic_delayed</c> capture, written once: it exists in Australia only,
/// for AUD payments, always with <c>capture_delay_days</c> from 1 to 30, and the days mean nothing
/// without it (docs: terminal/payments/regional, AU). The payments module and the checkout request
/// both check it before any call; each raises the problem as its own validation error.
/// </summary>
internal static class DelayedCaptureRule
{
    /// <summary>The first problem with these capture settings, or <see langword="null"/> when they hold.</summary>
    /// <param name="delayed">Whether <c>automatic_delayed</c> capture is asked for.</param>
    /// <param name="delayDays">The <c>capture_delay_days</c> given, if any.</param>
    /// <param name="currency">The payment's currency (lower case).</param>
    /// <param name="country">The account's country, when known here.</param>
    public static (string Parameter, string Problem)? Check(bool delayed, long? delayDays, string currency, string? country)
    {
        if (delayed && (currency != "aud" || (country is not null && !string.Equals(country, "AU", StringComparison.OrdinalIgnoreCase))))
        {
            return ("CaptureMethod", $"automatic_delayed capture is only available in Australia, for AUD payments (this payment is {currency}{(country is null ? "" : " for an account in " + country)}).");
        }

        if (delayed && delayDays is null)
        {
            return ("CaptureDelayDays", "is required with automatic_delayed capture: the days after which Stripe captures, 1 to 30.");
        }

        if (delayDays is { } days)
        {
            if (!delayed)
            {
                return ("CaptureDelayDays", "is only used with automatic_delayed capture.");
            }

            if (days is < 1 or > 30)
            {
                return ("CaptureDelayDays", "must be between 1 and 30 days.");
            }
        }

        return null;
    }
}
