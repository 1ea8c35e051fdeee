using Microsoft.Playwright;

namespace StripeTerminalKit.Samples.Web.Tests;

/// <summary>
/// Playwright driving the Chromium that Debian installs (<c>apt-get install -y chromium</c>), never
/// a browser Playwright downloads. A missing browser fails the test with the fix in the message.
/// </summary>
public sealed class BrowserSession : IAsyncDisposable
{
    private static readonly string[] Arguments =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ];

    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;

    private BrowserSession(IPlaywright playwright, IBrowser browser)
    {
        _playwright = playwright;
        _browser = browser;
    }

    public static async Task<BrowserSession> StartAsync(string executablePath)
    {
        if (!File.Exists(executablePath))
        {
            Assert.Fail($"Chromium is not installed at {executablePath}. Install Debian's browser with `apt-get update && apt-get install -y chromium` (.ci/run does this); the cashier page test needs it and is never skipped.");
        }

        // Playwright must use the system browser: never download one.
        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        var playwright = await Playwright.CreateAsync();
        try
        {
            var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = executablePath,
                Headless = true,
                Args = Arguments,
                Timeout = 60_000,
            });
            return new BrowserSession(playwright, browser);
        }
        catch
        {
            playwright.Dispose();
            throw;
        }
    }

    public Task<IPage> NewPageAsync(BrowserNewPageOptions? options = null) => _browser.NewPageAsync(options);

    public async ValueTask DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
    }
}
