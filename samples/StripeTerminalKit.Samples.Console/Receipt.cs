using StripeTerminalKit.Checkout;

namespace StripeTerminalKit.Samples.ConsoleApp;

/// <summary>The customer's receipt, as a till would print it.</summary>
internal static class Receipt
{
    private const int Width = 44;

    public static void Write(TextWriter output, CheckoutSucceeded paid, IReadOnlyList<CheckoutCartLine> lines)
    {
        var rule = new string('-', Width);
        output.WriteLine(rule);
        output.WriteLine(Center("RECEIPT"));
        output.WriteLine(Center("Flinders Lane Cafe"));
        output.WriteLine(Center("12 Flinders Lane, Melbourne VIC 3000"));
        output.WriteLine(rule);
        foreach (var line in lines)
        {
            Row($"{line.Quantity} x {line.Description}", line.Amount * line.Quantity);
        }

        if (paid.TipAmount > 0)
        {
            Row("Tip", paid.TipAmount);
        }

        output.WriteLine(rule);
        Row("TOTAL AUD", paid.Amount);

        // Australian prices include 10% GST: the GST part is one eleventh of the goods (tips carry none).
        Row("  includes GST", (long)Math.Round((paid.Amount - paid.TipAmount) / 11m, MidpointRounding.AwayFromZero));
        output.WriteLine(rule);
        output.WriteLine($"Card     {(paid.CardBrand ?? "card").ToUpperInvariant()} •••• {paid.Last4 ?? "????"}");
        output.WriteLine($"Network  {paid.Network ?? "unknown"}");
        output.WriteLine($"Status   APPROVED, {(paid.Captured ? $"captured {CheckoutSample.Money(paid.AmountCaptured)}" : "authorised only")}");
        if (paid.Receipt is { } emv)
        {
            // What the card networks require on a custom receipt for a chip or contactless payment
            // (docs: terminal/features/receipts); or let Stripe email its own (receipt_email).
            output.WriteLine($"App      {emv.ApplicationName ?? "-"}");
            output.WriteLine($"AID      {emv.ApplicationId ?? "-"}");
            output.WriteLine($"ARC      {emv.AuthorizationResponseCode ?? "-"}");
            output.WriteLine($"Account  {emv.AccountType ?? "-"}");
            output.WriteLine($"Verified {Verification(emv.CardholderVerificationMethod)}");
            output.WriteLine($"Auth     {emv.AuthorizationCode ?? "-"}");
            output.WriteLine($"Entry    {EntryMode(emv.EntryMode)}");
            output.WriteLine($"Reader   {emv.ReaderId ?? "-"}");
        }

        output.WriteLine($"Payment  {paid.PaymentIntentId}");
        output.WriteLine($"Order    {paid.CheckoutId}");
        output.WriteLine(rule);

        void Row(string label, long cents)
        {
            var amount = CheckoutSample.Money(cents);
            output.WriteLine(label.PadRight(Width - amount.Length) + amount);
        }
    }

    private static string Verification(string? method) => method switch
    {
        "offline_pin" or "online_pin" or "offline_pin_and_signature" => "PIN",
        "signature" => "signature",
        "none" => "no CVM (contactless)",
        null => "-",
        _ => method,
    };

    private static string EntryMode(string? readMethod) => readMethod switch
    {
        "contactless_emv" => "contactless",
        "contact_emv" => "chip",
        "magnetic_stripe_track2" or "magnetic_stripe_fallback" => "swipe",
        null => "-",
        _ => readMethod,
    };

    private static string Center(string text) => text.PadLeft((Width + text.Length) / 2);
}
