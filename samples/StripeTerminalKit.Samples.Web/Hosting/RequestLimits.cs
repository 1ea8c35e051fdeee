using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace StripeTerminalKit.Samples.Web.Hosting;

/// <summary>What one POS device may ask of the host: bound from the <c>Limits</c> configuration section.</summary>
public sealed class LimitsOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Limits";

    /// <summary>Largest request body, in bytes (the webhook endpoint has its own limit); larger ones get 413.</summary>
    [Range(1_024, 1_048_576)]
    public int MaxBodyBytes { get; set; } = 64 * 1024;

    /// <summary>Most cart lines on one sale; more get 413.</summary>
    [Range(1, 100)]
    public int MaxCartLines { get; set; } = 100;

    /// <summary>Most checkout starts (<c>POST /api/checkouts</c>) one device may make in any minute; more get 429.</summary>
    [Range(1, 100_000)]
    public int CheckoutsPerDevicePerMinute { get; set; } = 60;

    /// <summary>Most operations (cancel, retry, capture, refund) on one sale; more get 429.</summary>
    [Range(1, 1_000)]
    public int OperationsPerSale { get; set; } = 50;
}

/// <summary>
/// Checkout starts per device in a sliding minute, on the host's <see cref="TimeProvider"/>.
/// Devices come from configuration, so the table is as small as the shop.
/// </summary>
public sealed class CheckoutStartLimiter(TimeProvider time, IOptions<LimitsOptions> options)
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);
    private readonly Dictionary<string, Queue<DateTimeOffset>> _starts = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    /// <summary>Counts a start by <paramref name="deviceId"/>; false (with when to try again) once the minute's allowance is spent.</summary>
    public bool TryAcquire(string deviceId, out TimeSpan retryAfter)
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            if (!_starts.TryGetValue(deviceId, out var starts))
            {
                _starts[deviceId] = starts = new Queue<DateTimeOffset>();
            }

            while (starts.Count > 0 && now - starts.Peek() >= Window)
            {
                starts.Dequeue();
            }

            if (starts.Count >= options.Value.CheckoutsPerDevicePerMinute)
            {
                retryAfter = starts.Peek() + Window - now;
                return false;
            }

            starts.Enqueue(now);
            retryAfter = TimeSpan.Zero;
            return true;
        }
    }
}

/// <summary>The request body limit: small, with a 413 ProblemDetails, whether the body has a length or is chunked.</summary>
internal static class RequestLimits
{
    /// <summary>The limits' options, validated at start-up, and the per-device start limiter.</summary>
    public static IServiceCollection AddRequestLimits(this IServiceCollection services)
    {
        services.AddOptions<LimitsOptions>().BindConfiguration(LimitsOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<CheckoutStartLimiter>();
        return services;
    }

    /// <summary>
    /// Bodies read and thrown away before a 413 is answered, so a client still sending gets the
    /// answer rather than a reset; past this Kestrel stops reading and closes the connection.
    /// </summary>
    private const int DrainBytes = 1024 * 1024;

    /// <summary>Refuses a body over <see cref="LimitsOptions.MaxBodyBytes"/> before any endpoint reads it (the webhook endpoint keeps its own limit).</summary>
    public static IApplicationBuilder UseRequestLimits(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (context.Request.Path.StartsWithSegments(EmulatorWebhookLink.WebhookPath, StringComparison.Ordinal))
        {
            await next(context);
            return;
        }

        var max = context.RequestServices.GetRequiredService<IOptions<LimitsOptions>>().Value.MaxBodyBytes;
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = Math.Max(max, DrainBytes);
        }

        if (context.Request.ContentLength > max)
        {
            await DrainAsync(context.Request.Body, context.Request.ContentLength <= DrainBytes, context.RequestAborted);
            await TooLargeAsync(context, max);
            return;
        }

        if (context.Request.ContentLength is null && context.Request.Headers.TransferEncoding.Count > 0)
        {
            // A chunked body: read it here (at most the limit, kept in memory) before the endpoint does.
            var body = new MemoryStream();
            var buffer = new byte[16 * 1024];
            int read;
            while ((read = await context.Request.Body.ReadAsync(buffer, context.RequestAborted)) > 0)
            {
                if (body.Length + read > max)
                {
                    await DrainAsync(context.Request.Body, true, context.RequestAborted);
                    await TooLargeAsync(context, max);
                    return;
                }

                body.Write(buffer, 0, read);
            }

            body.Position = 0;
            context.Request.Body = body;
        }

        await next(context);
    });

    /// <summary>Reads the rest of a refused body and throws it away, up to Kestrel's limit (then the connection closes).</summary>
    private static async Task DrainAsync(Stream body, bool drain, CancellationToken cancellationToken)
    {
        if (!drain)
        {
            return;
        }

        try
        {
            await body.CopyToAsync(Stream.Null, cancellationToken);
        }
        catch (IOException)
        {
            // Past the drain limit, or the client went away: the answer is the same.
        }
    }

    private static async Task TooLargeAsync(HttpContext context, int max)
    {
        context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
        await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails =
            {
                Status = StatusCodes.Status413PayloadTooLarge,
                Title = "Request too large",
                Detail = $"The body may be at most {max} bytes.",
            },
        });
    }
}
