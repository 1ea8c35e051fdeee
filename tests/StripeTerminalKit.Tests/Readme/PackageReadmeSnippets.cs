#region emulator-readme-usings
using Microsoft.Extensions.DependencyInjection;
using StripeTerminalKit.Checkout;
using StripeTerminalKit.Emulator;
using StripeTerminalKit.Locations;
using StripeTerminalKit.Readers;
#endregion

namespace StripeTerminalKit.Tests.Readme;

/// <summary>
/// The package READMEs' snippets, compiled here. The README tests (tests/StripeTerminalKit.Samples.Console.Tests)
/// check that each README shows exactly the usings and body between these region markers, and
/// .ci/pack-check runs the emulator's snippet as the Program.cs of a fresh consumer project.
/// </summary>
public sealed class PackageReadmeSnippets
{
    [Fact]
    public async Task The_emulator_README_takes_a_payment()
    {
        var output = new StringWriter();
        var previous = System.Console.Out;
        System.Console.SetOut(output);
        try
        {
            await EmulatorReadmeAsync();
        }
        finally
        {
            System.Console.SetOut(previous);
        }

        Assert.Contains("Succeeded: 1750 aud captured", output.ToString(), StringComparison.Ordinal);
    }

    private static async Task EmulatorReadmeAsync()
    {
        #region emulator-readme
        // The whole kit on the in-process emulator: no network, no Stripe account.
        var services = new ServiceCollection();
        services.AddStripeTerminalKit(o => o.Country = "AU").UseEmulator().AddCheckout();
        await using var provider = services.BuildServiceProvider();
        var emulator = provider.GetRequiredService<StripeEmulator>();

        var shop = await provider.GetRequiredService<ITerminalLocations>().EnsureAsync("store-1", new CreateLocationRequest("Cafe",
            new TerminalAddress("AU", Line1: "12 Flinders Lane", City: "Melbourne", State: "VIC", PostalCode: "3000")));
        var reader = await provider.GetRequiredService<ITerminalReaders>().RegisterAsync(
            new RegisterReaderRequest("simulated-s700") { LocationId = shop.Location.Id });

        // The emulated customer taps an eftpos card when the reader asks.
        emulator.Customer.Automate(CustomerAction.Tap(TestCards.EftposAuDebit));
        var checkout = provider.GetRequiredService<ITerminalCheckout>();
        var handle = await checkout.StartAsync(new CheckoutRequest { CheckoutId = "order-1", Amount = 1750, Currency = "aud", ReaderId = reader.Id });
        var result = await handle.WaitForCompletionAsync();
        Console.WriteLine(result is CheckoutSucceeded paid
            ? $"Succeeded: {paid.AmountCaptured} aud captured, {paid.CardBrand} {paid.Last4}"
            : $"Not paid: {result.Outcome}");
        #endregion
    }
}
