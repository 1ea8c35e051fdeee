using System.Reflection;
using Microsoft.AspNetCore.Http.HttpResults;
using StripeTerminalKit.Emulator.Server.CommandLine;
using StripeTerminalKit.Emulator.Server.Hosting;
using StripeTerminalKit.Emulator.Server.Security;

namespace StripeTerminalKit.Emulator.Server.Control;

/// <summary>
/// The emulator's own endpoints under <c>/_emulator/</c>: not part of Stripe's API, so they live
/// under a prefix Stripe never uses. Documented in the project README.
/// </summary>
internal static class ControlEndpoints
{
    public const string Prefix = "/_emulator";

    /// <summary>The tool's package version, without the source-revision suffix the SDK appends.</summary>
    public static string Version { get; } =
        (typeof(ControlEndpoints).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            ?? typeof(ControlEndpoints).Assembly.GetName().Version?.ToString()
            ?? "unknown").Split('+')[0];

    public static void MapControlEndpoints(this IEndpointRouteBuilder endpoints, ServerSettings settings, EmulatorBackend backend)
    {
        endpoints.MapGet(Prefix + "/health", () =>
            TypedResults.Json(new HealthResponse("emulator.health", "ok"), ControlJsonContext.Default.HealthResponse));

        endpoints.MapGet(Prefix + "/info", (HttpContext context, WebhookEndpointRegistry registry) =>
            TypedResults.Json(
                new InfoResponse(
                    "emulator.info",
                    Version,
                    ApiBase(context.Request),
                    StripeEmulator.ApiVersion,
                    backend.Seed,
                    settings.WebhookSecret is null,
                    [.. registry.List().Select(ToResponse)]),
                ControlJsonContext.Default.InfoResponse));

        endpoints.MapGet(Prefix + "/webhook_endpoints", (WebhookEndpointRegistry registry) =>
            TypedResults.Json(
                new WebhookEndpointList("list", Prefix + "/webhook_endpoints", false, [.. registry.List().Select(ToResponse)]),
                ControlJsonContext.Default.WebhookEndpointList));

        endpoints.MapPost(Prefix + "/webhook_endpoints", (HttpContext context, WebhookEndpointRegistry registry) =>
            AddWebhookEndpointAsync(context, registry, settings.AllowRemoteWebhooks));

        endpoints.MapDelete(Prefix + "/webhook_endpoints/{id}", (string id, WebhookEndpointRegistry registry) =>
            registry.Remove(id)
                ? (IResult)Json(new WebhookEndpointResponse(id, "emulator.webhook_endpoint", string.Empty, Connect: false, Deleted: true))
                : Error(StatusCodes.Status404NotFound, "resource_missing", $"No such webhook endpoint: '{id}'", "id"));

        endpoints.MapGet(Prefix + "/requests", (HttpContext context) => ReadRequestLog(context.Request.Query, backend));

        // Anything else under the prefix is a typo, not a Stripe call: say so rather than forward it.
        endpoints.Map(Prefix + "/{**rest}", (HttpContext context) =>
            Error(
                StatusCodes.Status404NotFound,
                "resource_missing",
                $"Unknown emulator control endpoint: {context.Request.Method} {context.Request.Path}. See GET {Prefix}/info and the README.",
                null));
    }

    private static async Task<IResult> AddWebhookEndpointAsync(HttpContext context, WebhookEndpointRegistry registry, bool allowRemote)
    {
        string? url = null;
        string? connect = null;
        if (context.Request.HasFormContentType)
        {
            try
            {
                var form = await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
                url = form["url"].ToString();
                connect = form["connect"].ToString();
            }
            catch (BadHttpRequestException exception) when (exception.StatusCode == StatusCodes.Status413PayloadTooLarge)
            {
                return Error(StatusCodes.Status413PayloadTooLarge, "request_too_large", $"The request body is larger than the emulator's limit of {ServerLimits.MaxRequestBodyBytes} bytes.", null);
            }
            catch (InvalidDataException)
            {
                return Error(StatusCodes.Status400BadRequest, "parameter_invalid", "The form body could not be read.", null);
            }
        }

        if (string.IsNullOrEmpty(url))
        {
            return (IResult)Error(StatusCodes.Status400BadRequest, "parameter_missing", "Missing required param: url.", "url");
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            return Error(StatusCodes.Status400BadRequest, "url_invalid", "Invalid URL: url must be an absolute http:// or https:// URL.", "url");
        }

        if (Loopback.WebhookUrlProblem(uri, allowRemote) is { } problem)
        {
            return Error(StatusCodes.Status400BadRequest, "url_invalid", $"Invalid URL: url {problem}.", "url");
        }

        // Like Stripe's webhook endpoints: connect=true receives connected accounts' events only.
        if (connect is not (null or "" or "true" or "false"))
        {
            return Error(StatusCodes.Status400BadRequest, "parameter_invalid_boolean", "Invalid boolean: connect must be true or false.", "connect");
        }

        bool isConnect = connect == "true";
        if (isConnect && !registry.SupportsConnect)
        {
            return Error(StatusCodes.Status400BadRequest, "parameter_invalid", "This server cannot deliver connected accounts' events.", "connect");
        }

        return registry.TryAdd(uri, isConnect) is { } endpoint
            ? Json(ToResponse(endpoint))
            : Error(
                StatusCodes.Status400BadRequest,
                "webhook_endpoints_limit_reached",
                $"The emulator forwards to at most {ServerLimits.MaxWebhookEndpoints} webhook endpoints (Stripe's limit per account). Delete one first.",
                "url");
    }

    /// <summary>The most records one page of <c>/_emulator/requests</c> holds, and the default.</summary>
    public const int MaxRequestLogPage = 10_000;

    /// <inheritdoc cref="MaxRequestLogPage"/>
    public const int DefaultRequestLogPage = 1_000;

    private static IResult ReadRequestLog(IQueryCollection query, EmulatorBackend backend)
    {
        if (backend.ReadRequestLog is not { } read)
        {
            return Error(StatusCodes.Status404NotFound, "resource_missing", "This server keeps no request log.", null);
        }

        long after = 0;
        if (query.TryGetValue("after", out var afterText)
            && !long.TryParse(afterText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out after))
        {
            return Error(StatusCodes.Status400BadRequest, "parameter_invalid_integer", "Invalid integer: after must be a sequence, 0 or more.", "after");
        }

        var limit = DefaultRequestLogPage;
        if (query.TryGetValue("limit", out var limitText)
            && (!int.TryParse(limitText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out limit) || limit is < 1 or > MaxRequestLogPage))
        {
            return Error(StatusCodes.Status400BadRequest, "parameter_invalid_integer", $"Invalid integer: limit must be between 1 and {MaxRequestLogPage}.", "limit");
        }

        // One more than asked tells whether a next page exists.
        var records = read(after, limit + 1);
        var page = records.Take(limit).Select(r => new RequestLogEntry(
            r.Sequence, r.At, r.Method, r.Path, r.Operation, r.StatusCode, r.ErrorCode, r.IdempotencyKey, r.Replayed,
            r.UserAgent, r.PaymentIntentId, r.StripeAccount, r.Fault?.ToString()));
        return TypedResults.Json(
            new RequestLogPage("list", Prefix + "/requests", records.Count > limit, [.. page]),
            ControlJsonContext.Default.RequestLogPage);
    }

    private static string ApiBase(HttpRequest request) => $"{request.Scheme}://{request.Host}";

    private static WebhookEndpointResponse ToResponse(WebhookEndpoint endpoint) =>
        new(endpoint.Id, "emulator.webhook_endpoint", endpoint.Url.ToString(), Connect: endpoint.Connect);

    private static JsonHttpResult<WebhookEndpointResponse> Json(WebhookEndpointResponse response) =>
        TypedResults.Json(response, ControlJsonContext.Default.WebhookEndpointResponse);

    /// <summary>A Stripe-shaped <c>invalid_request_error</c> body with this status.</summary>
    internal static JsonHttpResult<ErrorResponse> Error(int statusCode, string code, string message, string? param) =>
        TypedResults.Json(
            new ErrorResponse(new ErrorDetail("invalid_request_error", message, code, param)),
            ControlJsonContext.Default.ErrorResponse,
            statusCode: statusCode);
}
