using System.Globalization;
using Microsoft.Extensions.Logging;
using StripeTerminalKit.Emulator.Server.Diagnostics;
using StripeTerminalKit.Emulator.Server.Security;

namespace StripeTerminalKit.Emulator.Server.Control;

/// <summary>A webhook endpoint the server forwards events to.</summary>
/// <param name="Id">The control-surface id (<c>we_emu_…</c>), used to remove it.</param>
/// <param name="Url">Where signed events are POSTed.</param>
/// <param name="Connect">Whether it receives connected accounts' events (only those) rather than the account's own.</param>
internal sealed record WebhookEndpoint(string Id, Uri Url, bool Connect = false);

/// <summary>
/// The webhook endpoints added with <c>--webhook-url</c> or through <c>/_emulator/webhook_endpoints</c>,
/// each holding the emulator subscription that delivers to it.
/// </summary>
internal sealed class WebhookEndpointRegistry : IDisposable
{
    private readonly Func<Uri, IDisposable> _subscribe;
    private readonly Func<Uri, IDisposable>? _subscribeConnect;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly List<(WebhookEndpoint Endpoint, IDisposable Subscription)> _endpoints = [];
    private int _nextId;
    private bool _disposed;

    /// <param name="subscribe">Starts delivery to a URL; disposing the result stops it.</param>
    /// <param name="loggerFactory">Logs additions and removals.</param>
    /// <param name="subscribeConnect">Starts delivery of connected accounts' events to a URL; null if not offered.</param>
    public WebhookEndpointRegistry(Func<Uri, IDisposable> subscribe, ILoggerFactory loggerFactory, Func<Uri, IDisposable>? subscribeConnect = null)
    {
        ArgumentNullException.ThrowIfNull(subscribe);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        _subscribe = subscribe;
        _subscribeConnect = subscribeConnect;
        _logger = loggerFactory.CreateLogger(Log.Category);
    }

    /// <summary>The endpoints in the order they were added.</summary>
    public IReadOnlyList<WebhookEndpoint> List()
    {
        lock (_gate)
        {
            return [.. _endpoints.Select(e => e.Endpoint)];
        }
    }

    /// <summary>Starts forwarding signed events to <paramref name="url"/>.</summary>
    /// <exception cref="InvalidOperationException"><see cref="ServerLimits.MaxWebhookEndpoints"/> endpoints are already registered.</exception>
    public WebhookEndpoint Add(Uri url) =>
        TryAdd(url) ?? throw new InvalidOperationException($"At most {ServerLimits.MaxWebhookEndpoints} webhook endpoints.");

    /// <summary>Whether Connect endpoints can be added.</summary>
    public bool SupportsConnect => _subscribeConnect is not null;

    /// <summary>Starts forwarding signed events to <paramref name="url"/> (connected accounts' events
    /// when <paramref name="connect"/>); null when <see cref="ServerLimits.MaxWebhookEndpoints"/>
    /// endpoints are already registered.</summary>
    public WebhookEndpoint? TryAdd(Uri url, bool connect = false)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (connect && _subscribeConnect is null)
        {
            throw new InvalidOperationException("This backend cannot deliver connected accounts' events.");
        }

        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_endpoints.Count >= ServerLimits.MaxWebhookEndpoints)
            {
                return null;
            }

            var endpoint = new WebhookEndpoint(
                "we_emu_" + (++_nextId).ToString(CultureInfo.InvariantCulture),
                url,
                connect);
            _endpoints.Add((endpoint, connect ? _subscribeConnect!(url) : _subscribe(url)));
            Log.WebhookEndpointAdded(_logger, endpoint.Id, Log.Redact(url));
            return endpoint;
        }
    }

    /// <summary>Stops forwarding to the endpoint; false when no endpoint has that id.</summary>
    public bool Remove(string id)
    {
        IDisposable subscription;
        lock (_gate)
        {
            var index = _endpoints.FindIndex(e => e.Endpoint.Id == id);
            if (index < 0)
            {
                return false;
            }

            subscription = _endpoints[index].Subscription;
            _endpoints.RemoveAt(index);
        }

        subscription.Dispose();
        Log.WebhookEndpointRemoved(_logger, id);
        return true;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        List<(WebhookEndpoint Endpoint, IDisposable Subscription)> endpoints;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            endpoints = [.. _endpoints];
            _endpoints.Clear();
        }

        foreach (var (_, subscription) in endpoints)
        {
            subscription.Dispose();
        }
    }
}
