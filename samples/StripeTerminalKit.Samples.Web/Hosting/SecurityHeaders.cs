namespace StripeTerminalKit.Samples.Web.Hosting;

/// <summary>
/// Headers on every answer — the cashier page, its script, the API, errors and 404s: a content
/// security policy that allows only this host's own script, style and connections and no
/// framing, <c>nosniff</c>, <c>X-Frame-Options: DENY</c> for old browsers, and no referrer. The
/// page keeps its device token in localStorage, so no script but its own may ever run on it.
/// </summary>
internal static class SecurityHeaders
{
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; " +
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    /// <summary>Adds the headers as each response starts (after an error handler may have cleared the response).</summary>
    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        context.Response.OnStarting(static state =>
        {
            var headers = ((HttpContext)state).Response.Headers;
            headers.ContentSecurityPolicy = ContentSecurityPolicy;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "no-referrer";
            headers["Cross-Origin-Opener-Policy"] = "same-origin";
            return Task.CompletedTask;
        }, context);
        return next(context);
    });
}
