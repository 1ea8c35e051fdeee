using Microsoft.Extensions.Logging;
using StripeTerminalKit.Emulator.Server.Control;
using StripeTerminalKit.Emulator.Server.Diagnostics;

namespace StripeTerminalKit.Emulator.Server.Security;

/// <summary>
/// First in the pipeline, for every path (Stripe API and control endpoints alike): refuses a
/// request whose <c>Host</c> is not a loopback name or address (DNS rebinding: a page on
/// <c>evil.example</c> whose name now resolves to 127.0.0.1) and one whose <c>Origin</c> is
/// present and not a loopback origin (a page in the developer's browser posting cross-site).
/// Clients that are not browsers send no <c>Origin</c> and a loopback <c>Host</c>, so they pass.
/// </summary>
internal static class RequestGuard
{
    public static IApplicationBuilder UseLoopbackRequestGuard(this IApplicationBuilder app)
    {
        var logger = app.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger(Log.Category);
        return app.Use(async (context, next) =>
        {
            var problem = Check(context.Request);
            if (problem is null)
            {
                await next(context).ConfigureAwait(false);
                return;
            }

            // The header values are the attacker's: neither the log nor the answer repeats them.
            Log.RequestRefused(logger, context.Request.Method, problem.Value.Code);
            await ControlEndpoints.Error(StatusCodes.Status403Forbidden, problem.Value.Code, problem.Value.Message, null)
                .ExecuteAsync(context).ConfigureAwait(false);
        });
    }

    /// <summary>Why the request is refused (error code and message), or null when it may pass.</summary>
    internal static (string Code, string Message)? Check(HttpRequest request)
    {
        // HTTP/1.0 may omit Host; browsers never do, so only a present Host is judged.
        var host = request.Host;
        if (host.HasValue && !Loopback.IsLoopbackHost(host.Host))
        {
            return ("host_not_allowed",
                "The emulator answers only requests addressed to this machine (Host: localhost, 127.0.0.1 or [::1]). " +
                "This request named another host, as a DNS rebinding page would, and was refused.");
        }

        var origins = request.Headers.Origin;
        if (origins.Count > 0 && !origins.All(IsLoopbackOrigin))
        {
            return ("origin_not_allowed",
                "The emulator refuses requests from web pages of other sites (Origin header not a localhost, 127.0.0.1 or [::1] origin), " +
                "so a page in your browser cannot drive it (CSRF).");
        }

        return null;
    }

    private static bool IsLoopbackOrigin(string? origin) =>
        Uri.TryCreate(origin, UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
        && uri.UserInfo.Length == 0
        && Loopback.IsLoopbackHost(uri.Host);
}
