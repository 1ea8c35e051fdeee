using StripeTerminalKit.Samples.Web.Sales;

namespace StripeTerminalKit.Samples.Web.Tests;

public sealed class SalesJournalTests
{
    private static Sale Sale(string checkoutId, string deviceId) => new()
    {
        CheckoutId = checkoutId,
        DeviceId = deviceId,
        ReaderId = "tmr_1",
        Amount = 1000,
        Currency = "aud",
        Lines = [],
        CreatedAt = DateTimeOffset.UnixEpoch,
    };

    [Fact]
    public void A_running_sale_stays_found_however_busy_the_other_devices_are()
    {
        var journal = new SalesJournal();
        journal.Add(Sale("slow-till-sale", "till-slow"));

        // Fifty busy tills ring up far more sales than the journal keeps for any one device.
        for (var i = 0; i < 50 * 210; i++)
        {
            journal.Add(Sale($"busy-{i}", $"till-{i % 50}"));
        }

        Assert.NotNull(journal.Find("slow-till-sale", "till-slow"));
    }

    [Fact]
    public void A_device_keeps_its_most_recent_two_hundred_sales()
    {
        var journal = new SalesJournal();
        for (var i = 0; i < 250; i++)
        {
            journal.Add(Sale($"sale-{i}", "till-1"));
        }

        Assert.Null(journal.Find("sale-49", "till-1"));
        Assert.NotNull(journal.Find("sale-50", "till-1"));
        Assert.Equal(200, journal.Recent("till-1", 1000).Count);
    }
}
