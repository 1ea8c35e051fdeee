using StripeTerminalKit.Checkout;
using StripeTerminalKit.Emulator;

namespace StripeTerminalKit.Tests.Checkout.Driver;

/// <summary>A checkout request may leave Currency out: the configuration's DefaultCurrency, else the country's, is used.</summary>
public sealed class CheckoutDefaultCurrencyTests
{
    [Fact]
    public async Task A_request_without_a_currency_takes_the_countrys()
    {
        await using var h = await CheckoutHarness.StartAsync();
        h.Emulator.Customer.Automate(CustomerAction.Tap(TestCards.Visa, TimeSpan.FromSeconds(2)));

        var handle = await h.Checkout.StartAsync(new CheckoutRequest { CheckoutId = "order-no-currency", Amount = 1200, ReaderId = h.ReaderId });
        var result = await h.CompleteAsync(handle);

        Assert.IsType<CheckoutSucceeded>(result);
        Assert.Equal("aud", Assert.Single(h.Emulator.GetLedger().PaymentIntents).Currency);
        Assert.Equal("aud", (await h.Checkout.GetAsync("order-no-currency"))!.Currency);
    }

    [Fact]
    public void The_configured_DefaultCurrency_wins_over_the_countrys()
    {
        var request = new CheckoutRequest { CheckoutId = "o", Amount = 100, ReaderId = "tmr_1" };

        Assert.Equal("usd", request.WithDefaultCurrency("USD", "AU").Currency);
        Assert.Equal("aud", request.WithDefaultCurrency(null, "AU").Currency);
        Assert.Equal("nzd", (request with { Currency = "nzd" }).WithDefaultCurrency("aud", "AU").Currency);
    }
}
