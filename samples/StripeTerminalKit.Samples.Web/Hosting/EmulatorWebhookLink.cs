using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using StripeTerminalKit.Emulator;

namespace StripeTerminalKit.Samples.Web.Hosting;

/// <summary>
/// Emulator mode: once the server listens, points the in-process emulator's webhooks at this
/// host's own <c>/stripe/webhooks</c> endpoint over loopback HTTP, signed with the emulator's
/// secret — the same path a webhook from Stripe takes. Owns the emulator and disposes it.
/// </summary>
internal sealed partial class EmulatorWebhookLink(
    StripeEmulator emulator,
    IServer server,
    IHostApplicationLifetime lifetime,
    ILogger<EmulatorWebhookLink> logger) : IHostedService, IAsyncDisposable
{
    public const string WebhookPath = "/stripe/webhooks";

    private EmulatorWebhookSubscription? _subscription;
    private CancellationTokenRegistration _started;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _started = lifetime.ApplicationStarted.Register(Link);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _subscription?.Dispose();
        _subscription = null;
        return Task.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        await _started.DisposeAsync();
        _subscription?.Dispose();
        await emulator.DisposeAsync();
    }

    private void Link()
    {
        var address = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault(a => a.StartsWith("http://", StringComparison.OrdinalIgnoreCase));
        if (address is null)
        {
            LogNoAddress(logger);
            return;
        }

        // A wildcard listen address is reached on loopback.
        var uri = new UriBuilder(address) { Path = WebhookPath };
        if (uri.Host is "0.0.0.0" or "[::]" or "::" or "+" or "*")
        {
            uri.Host = "127.0.0.1";
        }

        _subscription = emulator.Webhooks.AddEndpoint(uri.Uri);
        LogLinked(logger, uri.Uri);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Emulator webhooks delivered to {Url}")]
    private static partial void LogLinked(ILogger logger, Uri url);

    [LoggerMessage(Level = LogLevel.Warning, Message = "No HTTP listen address: the emulator's webhooks are not delivered and checkouts poll instead")]
    private static partial void LogNoAddress(ILogger logger);
}
