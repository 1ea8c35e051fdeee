using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace StripeTerminalKit.Samples.Web.Tests;

/// <summary>
/// The cashier page in a real browser: Debian's Chromium, headless, driven by Playwright, against
/// the sample on a real loopback port. Takes a payment by clicking, as a cashier would, and saves
/// the screenshot the README shows. Never skipped: without Chromium it fails and says why.
/// </summary>
public sealed class CashierPageBrowserTests(WebSampleFactory app) : IClassFixture<WebSampleFactory>
{
    private const string ChromiumPath = "/usr/bin/chromium";

    [Fact]
    public async Task A_cashier_takes_a_payment_by_clicking_then_refunds_it()
    {
        await using var browser = await LaunchChromiumAsync();
        var page = await browser.NewPageAsync(new BrowserNewPageOptions
        {
            ViewportSize = new ViewportSize { Width = 1280, Height = 980 },
            Locale = "en-AU",
            TimezoneId = "Australia/Melbourne",
        });
        SetDefaultExpectTimeout(20_000);
        var errors = new List<string>();
        page.PageError += (_, message) => errors.Add(message);
        using var api = app.Device();
        var reader = await api.ReaderAsync("Front counter");

        // Pair the till with its device token.
        await page.GotoAsync(app.BaseAddress.ToString());
        await page.GetByTestId("pair-token").FillAsync(WebSampleFactory.Till1Token);
        await page.GetByTestId("pair-submit").ClickAsync();
        await Expect(page.GetByTestId("mode-badge")).ToHaveTextAsync("EMULATOR");
        await Expect(page.GetByTestId("device-name")).ToHaveTextAsync("Front till");
        await Expect(page.GetByTestId("reader-select").Locator("option")).ToHaveCountAsync(2);
        await Expect(page.GetByTestId("health")).ToHaveAttributeAsync("data-status", "healthy");

        // Ring up two flat whites and a banana bread on the front counter reader.
        await page.GetByTestId("reader-select").SelectOptionAsync(reader);
        await page.GetByTestId("menu-flat-white").ClickAsync();
        await page.GetByTestId("menu-flat-white").ClickAsync();
        await page.GetByTestId("menu-banana-bread").ClickAsync();
        await Expect(page.GetByTestId("total")).ToHaveTextAsync("$17.50");
        await Expect(page.GetByTestId("charge")).ToHaveTextAsync("Charge $17.50");
        await page.GetByTestId("charge").ClickAsync();

        // The status follows the reader live; the customer taps a Visa and adds a $2 tip.
        await Expect(page.GetByTestId("status")).ToHaveTextAsync("Waiting for card");
        await page.GetByTestId("tap-visa").ClickAsync();
        await Expect(page.GetByTestId("status")).ToHaveTextAsync("Paid");
        await Expect(page.GetByTestId("result-amount")).ToHaveTextAsync("$19.50");
        await Expect(page.GetByTestId("result-tip")).ToHaveTextAsync("$2.00");
        await Expect(page.GetByTestId("result-card")).ToHaveTextAsync("VISA •••• 4242");
        await Expect(page.GetByTestId("result-pi")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^pi_"));
        // The receipt's EMV fields (docs: terminal/features/receipts).
        await Expect(page.GetByTestId("receipt-aid")).ToHaveTextAsync("A0000000031010");
        await Expect(page.GetByTestId("receipt-arc")).ToHaveTextAsync("3030");
        await Expect(page.GetByTestId("receipt-reader")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^tmr_"));
        await Expect(page.GetByTestId("receipt-auth")).Not.ToHaveTextAsync("—");
        await Expect(page.GetByTestId("history").Locator("tbody tr")).ToHaveCountAsync(1);
        await Expect(page.GetByTestId("history").Locator("tbody tr").First).ToContainTextAsync("Paid");

        // The README's picture is refreshed on request only, so a test run leaves the tree clean.
        var screenshot = Environment.GetEnvironmentVariable("STK_UPDATE_SCREENSHOT") == "1"
            ? Path.Combine(RepositoryRoot(), "docs", "images", "cashier.png")
            : Path.Combine(AppContext.BaseDirectory, "cashier.png");
        Directory.CreateDirectory(Path.GetDirectoryName(screenshot)!);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = screenshot, FullPage = true });

        // The customer brings it back.
        await page.GetByTestId("refund").ClickAsync();
        await Expect(page.GetByTestId("status")).ToHaveTextAsync("Refunded");
        await Expect(page.GetByTestId("result-refunded")).ToHaveTextAsync("$19.50");

        var payment = app.Emulator.GetLedger().PaymentIntents.Single(p => p.Metadata.TryGetValue("pos_device", out var d) && d == "till-1" && p.Amount == 1950);
        Assert.Equal("succeeded", payment.Status);
        Assert.Equal(1950, app.Emulator.GetLedger().Refunds.Where(r => r.PaymentIntentId == payment.Id).Sum(r => r.Amount));
        Assert.True(new FileInfo(screenshot).Length > 10_000, "the screenshot is empty");
        Assert.Empty(errors);
    }

    [Fact]
    public async Task A_cashier_sees_a_decline_then_cancels()
    {
        await using var browser = await LaunchChromiumAsync();
        var page = await browser.NewPageAsync();
        SetDefaultExpectTimeout(20_000);
        using var api = app.Device(WebSampleFactory.Till2Token);
        var reader = await api.ReaderAsync("Coffee window");

        await page.GotoAsync(app.BaseAddress.ToString());
        await page.GetByTestId("pair-token").FillAsync(WebSampleFactory.Till2Token);
        await page.GetByTestId("pair-submit").ClickAsync();
        await Expect(page.GetByTestId("reader-select").Locator("option")).ToHaveCountAsync(2);
        await page.GetByTestId("reader-select").SelectOptionAsync(reader);
        await page.GetByTestId("custom-description").FillAsync("Coffee beans 1kg");
        await page.GetByTestId("custom-amount").FillAsync("42.00");
        await page.GetByTestId("custom-add").ClickAsync();
        await page.GetByTestId("charge").ClickAsync();
        await Expect(page.GetByTestId("status")).ToHaveTextAsync("Waiting for card");

        await page.GetByTestId("tap-declined").ClickAsync();
        await Expect(page.GetByTestId("status")).ToHaveTextAsync("Declined");
        await Expect(page.GetByTestId("retry")).ToBeVisibleAsync();
        await page.GetByTestId("cancel").ClickAsync();

        await Expect(page.GetByTestId("status")).ToHaveTextAsync("Cancelled");
        await Expect(page.GetByTestId("status-detail")).ToContainTextAsync("No money was taken");
    }

    private static Task<BrowserSession> LaunchChromiumAsync() => BrowserSession.StartAsync(ChromiumPath);

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "StripeTerminalKit.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("StripeTerminalKit.sln not found above " + AppContext.BaseDirectory);
    }
}
