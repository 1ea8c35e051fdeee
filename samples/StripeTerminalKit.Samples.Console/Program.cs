using System.Globalization;
using Stripe;
using Stripe.Terminal;
using StripeTerminalKit.Emulator;

// A full card-present payment on a simulated Stripe Reader S700, on the in-process emulator:
// no network, no Stripe account. (The checkout façade replaces these raw calls once it lands.)
await using var emulator = new StripeEmulator();
var stripe = emulator.CreateStripeClient();
var aud = CultureInfo.GetCultureInfo("en-AU");

var location = await stripe.V1.Terminal.Locations.CreateAsync(new LocationCreateOptions
{
    DisplayName = "Flinders Lane Cafe",
    Address = new AddressOptions { Line1 = "12 Flinders Lane", City = "Melbourne", State = "VIC", PostalCode = "3000", Country = "AU" },
});
Console.WriteLine($"Location  {location.Id} {location.DisplayName}");

var reader = await stripe.V1.Terminal.Readers.CreateAsync(new ReaderCreateOptions { RegistrationCode = "simulated-s700", Location = location.Id, Label = "Front counter" });
Console.WriteLine($"Reader    {reader.Id} {reader.DeviceType} ({reader.Status})");

await stripe.V1.Terminal.Readers.SetReaderDisplayAsync(reader.Id, new ReaderSetReaderDisplayOptions
{
    Type = "cart",
    Cart = new ReaderCartOptions
    {
        Currency = "aud",
        LineItems = [new() { Description = "Flat white", Amount = 550, Quantity = 2 }, new() { Description = "Banana bread", Amount = 650, Quantity = 1 }],
        Tax = 159,
        Total = 1750,
    },
});
Console.WriteLine("Cart      shown on the reader: 2 x Flat white, 1 x Banana bread, total A$17.50");

var intent = await stripe.V1.PaymentIntents.CreateAsync(
    new PaymentIntentCreateOptions
    {
        Amount = 1750,
        Currency = "aud",
        AllowedPaymentMethodTypes = ["card_present"],
        PaymentMethodOptions = new PaymentIntentPaymentMethodOptionsOptions { CardPresent = new PaymentIntentPaymentMethodOptionsCardPresentOptions { CaptureMethod = "manual_preferred" } },
        Metadata = new Dictionary<string, string> { ["order"] = "A-1001" },
    },
    new RequestOptions { IdempotencyKey = "A-1001:create" });
await stripe.V1.Terminal.Readers.ProcessPaymentIntentAsync(reader.Id, new ReaderProcessPaymentIntentOptions { PaymentIntent = intent.Id }, new RequestOptions { IdempotencyKey = "A-1001:process:1" });
Console.WriteLine($"Payment   {intent.Id} sent to the reader; the customer taps a Visa and adds a A$2.00 tip");

await stripe.V1.TestHelpers.Terminal.Readers.PresentPaymentMethodAsync(reader.Id, new Stripe.TestHelpers.Terminal.ReaderPresentPaymentMethodOptions
{
    Type = "card_present",
    CardPresent = new Stripe.TestHelpers.Terminal.ReaderCardPresentOptions { Number = TestCards.Visa },
    AmountTip = 200,
});
var captured = await stripe.V1.PaymentIntents.CaptureAsync(intent.Id, null, new RequestOptions { IdempotencyKey = "A-1001:capture" });
var charge = await stripe.V1.Charges.GetAsync(captured.LatestChargeId);
var card = charge.PaymentMethodDetails.CardPresent;

Console.WriteLine();
Console.WriteLine("RECEIPT");
Console.WriteLine($"  Amount   {(captured.AmountReceived / 100m).ToString("C", aud)} AUD");
Console.WriteLine($"  Tip      {((captured.AmountDetails?.Tip?.Amount ?? 0) / 100m).ToString("C", aud)}");
Console.WriteLine($"  Card     {card.Brand} •••• {card.Last4} via {card.Network}");
Console.WriteLine($"  Payment  {captured.Id} ({captured.Status})");
return captured.Status == "succeeded" ? 0 : 1;
