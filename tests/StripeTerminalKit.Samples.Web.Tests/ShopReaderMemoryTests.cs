using Microsoft.Extensions.DependencyInjection;
using StripeTerminalKit.Emulator;
using StripeTerminalKit.Samples.Web.Hosting;

namespace StripeTerminalKit.Samples.Web.Tests;

public sealed class ShopReaderMemoryTests(WebSampleFactory app) : IClassFixture<WebSampleFactory>
{
    [Fact]
    public async Task Starting_sales_on_the_shops_readers_spends_no_reader_reads()
    {
        using var till = app.Device();
        var reader = await till.ReaderAsync("Front counter");
        var emulator = app.Services.GetRequiredService<StripeEmulator>();
        int ReaderReads() => emulator.RequestLog.Count(r => r.Operation == EmulatorOperations.ReadersGet && r.Path.EndsWith(reader, StringComparison.Ordinal));

        // Under load the readers.get rate limit (25/s) belongs to the checkouts' polling: the
        // host knows its own readers and does not ask Stripe about them for every sale. (The
        // kit's first poll comes a second after the start; the start answers in milliseconds.)
        var readsByStarts = 0;
        for (var i = 0; i < 5; i++)
        {
            var before = ReaderReads();
            await till.StartAsync(new { checkoutId = $"memory-{i}", readerId = reader, amount = 1200 });
            readsByStarts += ReaderReads() - before;
            await till.PostAsync($"/api/checkouts/memory-{i}/cancel", null);
            await till.WaitForAsync($"memory-{i}", c => c.Completed);
        }

        Assert.Equal(0, readsByStarts);
    }

    [Fact]
    public void A_reader_is_remembered_for_five_minutes()
    {
        var shop = new Shop { Mode = HostMode.Emulator };
        var now = DateTimeOffset.UnixEpoch;
        shop.RememberReader("tmr_1", now);

        Assert.True(shop.IsKnownReader("tmr_1", now + TimeSpan.FromMinutes(4)));
        Assert.False(shop.IsKnownReader("tmr_1", now + TimeSpan.FromMinutes(5)));
        Assert.False(shop.IsKnownReader("tmr_2", now));
    }
}
