using Stripe;

namespace StripeTerminalKit.Contract.Tests.Targets;

/// <summary>(b) The emulator server in its own OS process on a free loopback port, over HTTP, as any Stripe client sees it.</summary>
public sealed class EmulatorServerTarget : ContractTarget
{
    private EmulatorServerProcess _server = null!;
    private HttpClient _http = null!;
    private StripeClient _stripe = null!;

    /// <inheritdoc />
    public override string Name => "the emulator server over HTTP";

    /// <inheritdoc />
    public override StripeClient Stripe => _stripe;

    /// <inheritdoc />
    protected override void ConfigureKit(StripeTerminalOptions options)
    {
        options.ApiKey = StripeTerminalOptions.EmulatorApiKey;
        options.ApiBase = _server.BaseAddress;
    }

    /// <inheritdoc />
    public override async Task InitializeAsync()
    {
        _server = await EmulatorServerProcess.StartAsync(seed: 1313);
        _http = new HttpClient();
        _stripe = new StripeClient(StripeTerminalOptions.EmulatorApiKey, httpClient: new SystemNetHttpClient(_http, maxNetworkRetries: 0), apiBase: _server.BaseAddress.GetLeftPart(UriPartial.Authority));
    }

    /// <inheritdoc />
    public override Task DisposeAsync()
    {
        _http.Dispose();
        _server.Dispose();
        return Task.CompletedTask;
    }
}
