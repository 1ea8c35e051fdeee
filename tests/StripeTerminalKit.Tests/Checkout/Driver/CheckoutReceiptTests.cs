using StripeTerminalKit.Checkout;
using StripeTerminalKit.Emulator;
using StripeTerminalKit.Locations;
using StripeTerminalKit.Readers;
using Microsoft.Extensions.DependencyInjection;

namespace StripeTerminalKit.Tests.Checkout.Driver;

/// <summary>
/// Issue 13 item 12: a custom receipt for an EMV payment must print the card-network fields
/// from <c>payment_method_details.card_present.receipt</c> (docs: terminal/features/receipts), so
/// the succeeded checkout carries them as a typed value, also after a restart from the store.
/// </summary>
public sealed class CheckoutReceiptTests
{
    [Fact]
    public async Task A_paid_checkout_carries_the_EMV_receipt_fields_of_its_charge()
    {
        await using var h = await CheckoutHarness.StartAsync();
        h.Emulator.Customer.Automate(CustomerAction.Tap(TestCards.Visa, TimeSpan.FromSeconds(2)));

        var paid = Assert.IsType<CheckoutSucceeded>(await h.CompleteAsync(await h.Checkout.StartAsync(h.Sale("receipt-1", 1750))));

        var receipt = Assert.IsType<Payments.CardReceipt>(paid.Receipt);
        Assert.Equal("A0000000031010", receipt.ApplicationId);
        Assert.Equal("3030", receipt.AuthorizationResponseCode);
        Assert.False(string.IsNullOrEmpty(receipt.ApplicationName));
        Assert.False(string.IsNullOrEmpty(receipt.AccountType));
        Assert.False(string.IsNullOrEmpty(receipt.CardholderVerificationMethod));
        Assert.False(string.IsNullOrEmpty(receipt.AuthorizationCode));
        Assert.False(string.IsNullOrEmpty(receipt.EntryMode));
        Assert.Equal(h.ReaderId, receipt.ReaderId);
        Assert.StartsWith("tml_", receipt.LocationId, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(TestCards.EftposAuDebit, "A00000038410")]
    [InlineData(TestCards.Mastercard, "A0000000041010")]
    public async Task The_AID_is_the_card_networks_own(string card, string aidPrefix)
    {
        await using var h = await CheckoutHarness.StartAsync();
        h.Emulator.Customer.Automate(CustomerAction.Tap(card, TimeSpan.FromSeconds(1)));

        var paid = Assert.IsType<CheckoutSucceeded>(await h.CompleteAsync(await h.Checkout.StartAsync(h.Sale("receipt-aid", 2300))));

        Assert.StartsWith(aidPrefix, paid.Receipt?.ApplicationId, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_prepaid_card_prints_account_type_prepaid()
    {
        await using var h = await CheckoutHarness.StartAsync();
        h.Emulator.Customer.Automate(CustomerAction.Tap(TestCards.MastercardPrepaid, TimeSpan.FromSeconds(1)));

        var paid = Assert.IsType<CheckoutSucceeded>(await h.CompleteAsync(await h.Checkout.StartAsync(h.Sale("receipt-prepaid", 900))));

        Assert.Equal("prepaid", paid.Receipt?.AccountType);
    }

    [Fact]
    public async Task The_receipt_survives_a_restart_from_the_store()
    {
        await using var h = await CheckoutHarness.StartAsync();
        h.Emulator.Customer.Automate(CustomerAction.Tap(TestCards.Visa, TimeSpan.FromSeconds(1)));
        var paid = Assert.IsType<CheckoutSucceeded>(await h.CompleteAsync(await h.Checkout.StartAsync(h.Sale("receipt-stored", 1200))));

        await using var after = await h.CrashAndRestartAsync();
        var stored = await after.Checkout.GetAsync("receipt-stored");

        var again = Assert.IsType<CheckoutSucceeded>(stored?.Result);
        Assert.NotNull(paid.Receipt);
        Assert.Equal(paid.Receipt, again.Receipt);
    }

    [Fact]
    public async Task An_Interac_payment_carries_its_receipt_too()
    {
        await using var h = await CheckoutHarness.StartAsync(kit: o => o.Country = "CA");
        var readerId = await CanadianReaderAsync(h);
        h.Emulator.Customer.Automate(CustomerAction.Tap(TestCards.Interac, TimeSpan.FromSeconds(1)));

        var paid = Assert.IsType<CheckoutSucceeded>(await h.CompleteAsync(await h.Checkout.StartAsync(new CheckoutRequest
        {
            CheckoutId = "receipt-interac",
            Amount = 1500,
            Currency = "cad",
            ReaderId = readerId,
        })));

        Assert.Equal("interac", paid.Network);
        Assert.Equal("A0000002771010", paid.Receipt?.ApplicationId);
    }

    internal static async Task<string> CanadianReaderAsync(CheckoutHarness h)
    {
        var locations = h.Services.GetRequiredService<ITerminalLocations>();
        var location = await locations.CreateAsync(new CreateLocationRequest("Queen Street Cafe", new TerminalAddress("CA", Line1: "1 Queen Street W", City: "Toronto", State: "ON", PostalCode: "M5H 2N2")));
        return (await h.Readers.RegisterAsync(new RegisterReaderRequest("simulated-wpe") { LocationId = location.Id, Label = "Till CA" })).Id;
    }
}
