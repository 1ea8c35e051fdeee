using System.Net;

namespace StripeTerminalKit.Emulator.Server.Security;

/// <summary>
/// What counts as "this machine": the names and addresses the server accepts in a <c>Host</c> or
/// <c>Origin</c> header, in a webhook URL and as a listening address.
/// </summary>
internal static class Loopback
{
    /// <summary>
    /// True for <c>localhost</c> (any case), an IPv4 address in 127.0.0.0/8, <c>::1</c> (with or
    /// without brackets) and an IPv4-mapped form of a 127.x address. Any other name is false: a
    /// DNS name may resolve anywhere, and a rebinding attack uses exactly such a name.
    /// </summary>
    public static bool IsLoopbackHost(string? host)
    {
        if (string.IsNullOrEmpty(host))
        {
            return false;
        }

        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        var literal = host.StartsWith('[') && host.EndsWith(']') ? host[1..^1] : host;
        if (!IPAddress.TryParse(literal, out var address))
        {
            return false;
        }

        // IPAddress.TryParse accepts "127.1" and "2130706433"; they are 127.0.0.1, so loopback is right.
        return IPAddress.IsLoopback(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address);
    }

    /// <summary>
    /// Why <paramref name="url"/> may not be a webhook endpoint, or null when it may: http or
    /// https only, no user info (never), and a loopback host unless remote endpoints are allowed.
    /// </summary>
    public static string? WebhookUrlProblem(Uri url, bool allowRemote)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (!url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            return "must be an absolute http:// or https:// URL";
        }

        if (url.UserInfo.Length > 0)
        {
            return "must not carry user info (user:password@)";
        }

        if (!allowRemote && !IsLoopbackHost(url.Host))
        {
            return "must point at this machine (localhost, 127.0.0.0/8 or [::1]); start the server with --allow-remote-webhooks to send signed events elsewhere";
        }

        return null;
    }
}
