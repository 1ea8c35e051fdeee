using System.Net;
using System.Net.Sockets;

namespace StripeTerminalKit.Emulator.Server.Security;

/// <summary>
/// The HTTP handler webhook deliveries go through. It never follows a redirect (a loopback
/// endpoint answering 307 cannot bounce signed events elsewhere; Stripe does not follow them
/// either), and unless remote webhooks are allowed it connects only to loopback addresses, checked
/// on the address actually dialled, so a name that resolves elsewhere cannot take events away.
/// </summary>
internal static class WebhookDeliveryHandler
{
    public static SocketsHttpHandler Create(bool allowRemote)
    {
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseProxy = false,
            UseCookies = false,

            // One connection per delivery: an endpoint answering in HTTP/1.0 closes its connection
            // and a pooled one would fail the next delivery (issue 13).
            PooledConnectionLifetime = TimeSpan.Zero,
        };

        if (!allowRemote)
        {
            handler.ConnectCallback = ConnectToLoopbackAsync;
        }

        return handler;
    }

    private static async ValueTask<Stream> ConnectToLoopbackAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var endpoint = context.DnsEndPoint;
        var addresses = IPAddress.TryParse(endpoint.Host.Trim('[', ']'), out var literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(endpoint.Host, cancellationToken).ConfigureAwait(false);
        var loopback = addresses.Where(a => IPAddress.IsLoopback(a.IsIPv4MappedToIPv6 ? a.MapToIPv4() : a)).ToArray();
        if (loopback.Length == 0)
        {
            throw new HttpRequestException(
                $"Webhook delivery refused: {endpoint.Host} is not an address on this machine (start the server with --allow-remote-webhooks to allow it).");
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(loopback, endpoint.Port, cancellationToken).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
