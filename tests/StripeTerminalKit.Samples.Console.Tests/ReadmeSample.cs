#region readme-tour-usings
using Microsoft.Extensions.DependencyInjection;
using StripeTerminalKit.Checkout;
using StripeTerminalKit.Emulator;
using StripeTerminalKit.Locations;
using StripeTerminalKit.Readers;
#endregion

namespace StripeTerminalKit.Samples.Console.Tests;

/// <summary>
/// The README's API tour, compiled and run. <see cref="ReadmeTests"/> checks that the README
/// shows exactly the code between the region markers, so the README cannot drift from code that works.
/// </summary>
internal static class ReadmeSample
{
    public static async Task<(CheckoutResult Result, CheckoutOperationResult Refund)> RunAsync()
    {
        #region readme-tour
        // The whole kit on the in-process emulator: no network, no Stripe account.
        await using var emulator = new StripeEmulator();
        var services = new ServiceCollection();
        services.AddStripeTerminalKit(o => o.Country = "AU")   // for Stripe itself: o.ApiKey = "sk_test_…" and no UseEmulator
            .UseEmulator(emulator)                             // from the StripeTerminalKit.Emulator package
            .AddCheckout();
        await using var provider = services.BuildServiceProvider();
        var locations = provider.GetRequiredService<ITerminalLocations>();
        var readers = provider.GetRequiredService<ITerminalReaders>();
        var checkout = provider.GetRequiredService<ITerminalCheckout>();

        // Find-or-create the shop's location by your own key, and register a simulated reader.
        var shop = await locations.EnsureAsync("store-0042", new CreateLocationRequest("Flinders Lane Cafe",
            new TerminalAddress("AU", Line1: "12 Flinders Lane", City: "Melbourne", State: "VIC", PostalCode: "3000")));
        var reader = await readers.RegisterAsync(new RegisterReaderRequest("simulated-s700") { LocationId = shop.Location.Id, Label = "Front counter" });

        // Take A$17.50; the emulated customer taps an eftpos card after a second.
        emulator.Customer.Automate(CustomerAction.Tap(TestCards.EftposAuDebit, TimeSpan.FromSeconds(1)));
        var handle = await checkout.StartAsync(new CheckoutRequest
        {
            CheckoutId = "order-1001",   // your order reference: starting it again never charges twice
            Amount = 1750,
            Currency = "aud",
            ReaderId = reader.Id,
        });
        await foreach (var update in handle.WatchAsync())
        {
            System.Console.WriteLine(update.State);   // CreatingPaymentIntent, SendingToReader, WaitingForCustomer, …
        }

        var result = await handle.WaitForCompletionAsync();
        switch (result)
        {
            case CheckoutSucceeded paid:
                System.Console.WriteLine($"Paid {paid.AmountCaptured} cents, {paid.CardBrand} •••• {paid.Last4}, {paid.PaymentIntentId}");
                break;
            case CheckoutDeclined declined:
                System.Console.WriteLine($"Declined: {declined.DeclineCode}");
                break;
            case CheckoutCanceled canceled:
                System.Console.WriteLine($"Cancelled by the {canceled.CanceledBy}");
                break;
            default:
                System.Console.WriteLine($"{result.Outcome}: no money kept, or a person must look (NeedsAttention)");
                break;
        }

        // Later: refund part of it.
        var refund = await checkout.RefundAsync("order-1001", amount: 500);
        #endregion

        return (result, refund);
    }
}
