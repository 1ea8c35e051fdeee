using System.Net.Http.Headers;
using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using StripeTerminalKit.Emulator.Server.Diagnostics;
using StripeTerminalKit.Emulator.Server.Security;

namespace StripeTerminalKit.Emulator.Server.Forwarding;

/// <summary>
/// Hands each HTTP request to the emulator's in-process <see cref="HttpMessageHandler"/> and
/// writes its answer back unchanged (status, headers such as <c>Request-Id</c> and
/// <c>Stripe-Should-Retry</c>, body), so a client over the wire sees what an in-process client sees.
/// </summary>
internal sealed class StripeRequestForwarder
{
    // Hop-by-hop headers describe one connection, not the message (RFC 9110 §7.6.1);
    // Host is rebuilt from the request URI.
    private static readonly HashSet<string> NotForwarded = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "Proxy-Connection", "Proxy-Authenticate", "Proxy-Authorization",
        "TE", "Trailer", "Transfer-Encoding", "Upgrade", "Host",
    };

    private readonly HttpMessageInvoker _invoker;
    private readonly ILogger _logger;
    private readonly TimeProvider _timeProvider;
    private readonly WriteBudget _writes;
    private int _limitLogged;

    public StripeRequestForwarder(HttpMessageInvoker invoker, ILoggerFactory loggerFactory, TimeProvider timeProvider, WriteBudget writes)
    {
        ArgumentNullException.ThrowIfNull(invoker);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(writes);
        _invoker = invoker;
        _logger = loggerFactory.CreateLogger(Log.Category);
        _timeProvider = timeProvider;
        _writes = writes;
    }

    /// <summary>Forwards one request; the terminal middleware of the pipeline.</summary>
    public async Task ForwardAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var method = context.Request.Method;
        var path = context.Request.Path.Value ?? "/";
        var aborted = context.RequestAborted;
        var started = _timeProvider.GetTimestamp();

        // A write may store objects: it needs a slot of the run's budget (kept when it succeeds).
        var reserved = false;
        if (HttpMethods.IsPost(method) || HttpMethods.IsDelete(method))
        {
            if (!_writes.TryReserve())
            {
                if (Interlocked.Exchange(ref _limitLogged, 1) == 0)
                {
                    Log.WriteLimitReached(_logger, _writes.Limit);
                }

                await Control.ControlEndpoints.Error(
                    StatusCodes.Status400BadRequest,
                    "emulator_limit_reached",
                    $"This emulator run has accepted {_writes.Limit} writes, its limit (it keeps every object in memory). Restart the emulator server to start afresh.",
                    null).ExecuteAsync(context).ConfigureAwait(false);
                return;
            }

            reserved = true;
        }

        var kept = false;
        try
        {
            using var request = await CreateRequestAsync(context.Request, aborted).ConfigureAwait(false);
            HttpResponseMessage response;
            try
            {
                response = await _invoker.SendAsync(request, aborted).ConfigureAwait(false);
            }
            catch (HttpRequestException)
            {
                // The emulator applied the change and then "lost" the answer. The faithful way to
                // lose a response over HTTP is to drop the connection without one.
                kept = true;
                Log.ResponseLost(_logger, method, path);
                context.Abort();
                return;
            }

            using (response)
            {
                kept = response.IsSuccessStatusCode && !response.Headers.Contains("Idempotent-Replayed");
                await CopyResponseAsync(response, context.Response, aborted).ConfigureAwait(false);
            }

            Log.Forwarded(
                _logger,
                method,
                path,
                context.Response.StatusCode,
                _timeProvider.GetElapsedTime(started).TotalMilliseconds,
                context.Response.Headers["Request-Id"].ToString());
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            Log.ClientAborted(_logger, method, path);
        }
        catch (BadHttpRequestException exception) when (!context.Response.HasStarted)
        {
            // The body broke Kestrel's limits (413 past MaxRequestBodyBytes) or framing: the
            // client's fault, answered in Stripe's shape rather than as the emulator's 500.
            await Control.ControlEndpoints.Error(
                exception.StatusCode,
                exception.StatusCode == StatusCodes.Status413PayloadTooLarge ? "request_too_large" : "request_invalid",
                exception.StatusCode == StatusCodes.Status413PayloadTooLarge
                    ? $"The request body is larger than the emulator's limit of {ServerLimits.MaxRequestBodyBytes} bytes."
                    : "The request could not be read.",
                null).ExecuteAsync(context).ConfigureAwait(false);
        }
        catch (Exception exception) when (!context.Response.HasStarted && !aborted.IsCancellationRequested)
        {
            // A bug in the emulator must still look like Stripe to the client: a 500 with an
            // api_error body, which Stripe.net surfaces as StripeException (and retries).
            Log.EmulatorFailed(_logger, method, path, exception);
            await WriteInternalErrorAsync(context.Response, aborted).ConfigureAwait(false);
        }
        finally
        {
            if (reserved && !kept)
            {
                _writes.Release();
            }
        }
    }

    private static async Task<HttpRequestMessage> CreateRequestAsync(HttpRequest source, CancellationToken cancellationToken)
    {
        var target = new HttpRequestMessage(
            new HttpMethod(source.Method),
            UriHelper.BuildAbsolute(source.Scheme, source.Host, source.PathBase, source.Path, source.QueryString));

        // Stripe.net always sends a (possibly empty) form body on POST; keep that shape so the
        // emulator sees the same message over HTTP as in-process.
        var canHaveBody = source.HttpContext.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody ?? false;
        if (canHaveBody || source.ContentLength is not null || source.ContentType is not null)
        {
            // Buffered: the emulator may read the body more than once (idempotency comparison).
            using var buffer = new MemoryStream();
            await source.Body.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
            target.Content = new ByteArrayContent(buffer.ToArray());
        }

        foreach (var (name, values) in source.Headers)
        {
            if (NotForwarded.Contains(name))
            {
                continue;
            }

            // Content-Type, Content-Length and friends belong to the content, the rest to the message.
            if (!target.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values))
            {
                target.Content?.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
            }
        }

        return target;
    }

    private static async Task CopyResponseAsync(HttpResponseMessage source, HttpResponse target, CancellationToken cancellationToken)
    {
        target.StatusCode = (int)source.StatusCode;
        if (!string.IsNullOrEmpty(source.ReasonPhrase))
        {
            target.HttpContext.Features.Get<IHttpResponseFeature>()!.ReasonPhrase = source.ReasonPhrase;
        }

        CopyHeaders(source.Headers, target);
        CopyHeaders(source.Content.Headers, target);

        // A known length is sent as Content-Length, as Stripe does, rather than chunked.
        if (source.Content.Headers.ContentLength is long length)
        {
            target.ContentLength = length;
        }
        await source.Content.CopyToAsync(target.Body, cancellationToken).ConfigureAwait(false);
    }

    private static void CopyHeaders(HttpHeaders source, HttpResponse target)
    {
        foreach (var header in source)
        {
            if (!NotForwarded.Contains(header.Key))
            {
                target.Headers[header.Key] = header.Value.ToArray();
            }
        }
    }

    private static Task WriteInternalErrorAsync(HttpResponse response, CancellationToken cancellationToken)
    {
        response.Clear();
        response.StatusCode = StatusCodes.Status500InternalServerError;
        response.ContentType = "application/json";
        return response.WriteAsync(
            """
            {
              "error": {
                "type": "api_error",
                "message": "The Stripe Terminal emulator failed while handling this request. See the emulator's log."
              }
            }
            """,
            cancellationToken);
    }
}
