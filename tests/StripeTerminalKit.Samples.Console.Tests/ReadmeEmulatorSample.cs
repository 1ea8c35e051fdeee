#region readme-emulator-usings
using Microsoft.Extensions.Time.Testing;
using Stripe;
using StripeTerminalKit.Emulator;
#endregion

namespace StripeTerminalKit.Samples.Console.Tests;

/// <summary>The README's emulator section, compiled and run (see <see cref="ReadmeTests"/>).</summary>
internal static class ReadmeEmulatorSample
{
    public static async Task<(string LocationId, EmulatorLedger Ledger)> RunAsync()
    {
        #region readme-emulator
        var fakeTime = new FakeTimeProvider();                        // or TimeProvider.System
        await using var emulator = new StripeEmulator(new StripeEmulatorOptions { TimeProvider = fakeTime, Seed = 7 });
        StripeClient stripe = emulator.CreateStripeClient();          // Stripe.net, in-process
        emulator.Customer.Automate(CustomerAction.Tap(TestCards.EftposAuDebit, TimeSpan.FromSeconds(3)));
        emulator.Faults.Add(new FaultRule(FaultKind.ResponseLost) { Operation = EmulatorOperations.PaymentIntentsCapture, NthMatch = 1 });
        EmulatorLedger ledger = emulator.GetLedger();                 // what was authorised, captured, voided, refunded
        #endregion

        var location = await new Stripe.Terminal.LocationService(stripe).CreateAsync(new Stripe.Terminal.LocationCreateOptions
        {
            DisplayName = "Shop",
            Address = new AddressOptions { Country = "AU", Line1 = "1 Main St", City = "Sydney", State = "NSW", PostalCode = "2000" },
        });
        return (location.Id, ledger);
    }
}
