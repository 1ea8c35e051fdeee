using StripeTerminalKit.Emulator.Server.Security;

namespace StripeTerminalKit.Emulator.Server.Hosting;

/// <summary>
/// What the server needs from an emulator: the handler that answers Stripe requests and a way
/// to deliver webhooks to a URL. Kept apart from <see cref="StripeEmulator"/> so the HTTP layer
/// can be tested against handlers that misbehave on purpose.
/// </summary>
internal sealed class EmulatorBackend
{
    /// <summary>Answers every Stripe path in-process; may throw <see cref="HttpRequestException"/>
    /// to simulate a response lost after the change was applied.</summary>
    public required HttpMessageHandler Handler { get; init; }

    /// <summary>Starts delivering signed webhooks to a URL; disposing the result stops it.</summary>
    public required Func<Uri, IDisposable> SubscribeWebhooks { get; init; }

    /// <summary>Starts delivering connected accounts' events (and only those) to a URL, like a
    /// Stripe endpoint created with <c>connect=true</c>; null when the backend cannot.</summary>
    public Func<Uri, IDisposable>? SubscribeConnectWebhooks { get; init; }

    /// <summary>The seed the emulator runs with, reported by <c>/_emulator/info</c>.</summary>
    public int? Seed { get; init; }

    /// <summary>Reads a page of the emulator's request log (after a sequence, at most a count),
    /// for <c>GET /_emulator/requests</c>; null when the backend keeps no log.</summary>
    public Func<long, int, IReadOnlyList<EmulatorRequestRecord>>? ReadRequestLog { get; init; }

    /// <summary>Serves <paramref name="emulator"/>.</summary>
    /// <param name="emulator">The emulator; the caller keeps ownership and disposes it after the server.</param>
    /// <param name="allowRemoteWebhooks">Whether deliveries may connect off this machine.</param>
    public static EmulatorBackend For(StripeEmulator emulator, bool allowRemoteWebhooks = false)
    {
        ArgumentNullException.ThrowIfNull(emulator);
        return new EmulatorBackend
        {
            Handler = emulator.CreateHttpMessageHandler(),
            SubscribeWebhooks = url =>
            {
                var handler = WebhookDeliveryHandler.Create(allowRemoteWebhooks);
                return new Both(emulator.Webhooks.AddEndpoint(url, handler), handler);
            },
            SubscribeConnectWebhooks = url =>
            {
                var handler = WebhookDeliveryHandler.Create(allowRemoteWebhooks);
                return new Both(emulator.Webhooks.AddEndpoint(url, handler, connect: true), handler);
            },
            Seed = emulator.Options.Seed,
            ReadRequestLog = emulator.GetRequestLog,
        };
    }

    /// <summary>The subscription, then the handler it sent through (which it does not own).</summary>
    private sealed class Both(IDisposable subscription, IDisposable handler) : IDisposable
    {
        public void Dispose()
        {
            subscription.Dispose();
            handler.Dispose();
        }
    }
}
