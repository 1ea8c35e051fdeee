using Microsoft.Extensions.Logging;

namespace StripeTerminalKit.Emulator.Server.Diagnostics;

/// <summary>
/// Every log line the server writes. None takes a header, a body, a query string or the webhook
/// secret: requests carry the API key in <c>Authorization</c>, and paths are enough to follow a run.
/// </summary>
internal static partial class Log
{
    /// <summary>The logger category; filter on it to quiet the per-request lines.</summary>
    public const string Category = "StripeTerminalKit.Emulator.Server";

    [LoggerMessage(1, LogLevel.Information, "{Method} {Path} -> {StatusCode} in {ElapsedMilliseconds:0.0} ms ({RequestId})")]
    public static partial void Forwarded(ILogger logger, string method, string path, int statusCode, double elapsedMilliseconds, string requestId);

    [LoggerMessage(2, LogLevel.Warning, "{Method} {Path}: the emulator dropped the response (simulated lost response); the connection was aborted")]
    public static partial void ResponseLost(ILogger logger, string method, string path);

    [LoggerMessage(3, LogLevel.Error, "{Method} {Path}: the emulator failed; answered 500")]
    public static partial void EmulatorFailed(ILogger logger, string method, string path, Exception exception);

    [LoggerMessage(4, LogLevel.Information, "Webhook endpoint {EndpointId} added: {Url}")]
    public static partial void WebhookEndpointAdded(ILogger logger, string endpointId, string url);

    [LoggerMessage(5, LogLevel.Information, "Webhook endpoint {EndpointId} removed")]
    public static partial void WebhookEndpointRemoved(ILogger logger, string endpointId);

    [LoggerMessage(6, LogLevel.Debug, "{Method} {Path}: the client went away before the response was sent")]
    public static partial void ClientAborted(ILogger logger, string method, string path);

    [LoggerMessage(7, LogLevel.Information, "{Method} refused with 403 {Code} (Host or Origin not loopback)")]
    public static partial void RequestRefused(ILogger logger, string method, string code);

    [LoggerMessage(8, LogLevel.Warning, "The limit of {Limit} accepted writes is reached; further writes are refused until the server restarts")]
    public static partial void WriteLimitReached(ILogger logger, int limit);

    /// <summary>A URL fit for a log line: scheme, host, port and path; never user info or query,
    /// which is where people put tokens.</summary>
    public static string Redact(Uri url) =>
        url.IsAbsoluteUri ? $"{url.Scheme}://{url.Authority}{url.AbsolutePath}" : "(relative url)";
}
