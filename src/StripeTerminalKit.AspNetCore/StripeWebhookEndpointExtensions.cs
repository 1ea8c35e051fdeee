using System.Buffers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using StripeTerminalKit.AspNetCore;
using StripeTerminalKit.Webhooks;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the Stripe webhook endpoint.</summary>
public static class StripeWebhookEndpointExtensions
{
    /// <summary>
    /// Maps <c>POST {pattern}</c> as a Stripe webhook endpoint: reads the raw body (bounded by
    /// <see cref="StripeWebhookOptions.MaxBodyBytes"/>), verifies <c>Stripe-Signature</c>, and
    /// dispatches the event to every <see cref="ITerminalWebhookHandler"/>. Answers 200 for an
    /// accepted or duplicate delivery, 400 for a refused one, 413 for an oversized body.
    /// Register the processor first with <c>services.AddStripeTerminalWebhooks(…)</c>; without it this
    /// call throws at start-up (as <c>MapHealthChecks</c> does without <c>AddHealthChecks</c>) rather
    /// than answering every delivery 500 until Stripe disables the endpoint.
    /// </summary>
    /// <example>
    /// <code>
    /// app.MapStripeTerminalWebhooks("/stripe/webhooks");
    /// </code>
    /// </example>
    /// <exception cref="InvalidOperationException"><c>AddStripeTerminalWebhooks</c> was not called.</exception>
    public static RouteHandlerBuilder MapStripeTerminalWebhooks(this IEndpointRouteBuilder endpoints, string pattern = "/stripe/webhooks")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        if (endpoints.ServiceProvider.GetService<IServiceProviderIsService>() is { } registered && !registered.IsService(typeof(IStripeWebhookProcessor)))
        {
            throw new InvalidOperationException(
                "MapStripeTerminalWebhooks needs the webhook processor, which is not registered. Call builder.Services.AddStripeTerminalWebhooks(o => o.SigningSecrets.Add(\"whsec_…\")) before building the app.");
        }

        // A RequestDelegate, not a handler delegate: minimal APIs would build the handler by
        // reflection, which trimmed and AOT apps lose. Map returns a RouteHandlerBuilder today; the
        // wrapper only covers a framework that stops doing so.
        var endpoint = endpoints.MapPost(pattern, HandleAsync);
        var builder = endpoint as RouteHandlerBuilder ?? new RouteHandlerBuilder([endpoint]);
        return builder
            .DisableAntiforgery()
            .WithName("StripeTerminalWebhooks")
            .ExcludeFromDescription();
    }

    private static async Task HandleAsync(HttpContext context)
    {
        var result = await ProcessAsync(context).ConfigureAwait(false);
        await result.ExecuteAsync(context).ConfigureAwait(false);
    }

    private static async Task<IResult> ProcessAsync(HttpContext context)
    {
        var processor = context.RequestServices.GetRequiredService<IStripeWebhookProcessor>();
        var options = context.RequestServices.GetRequiredService<IOptionsMonitor<StripeWebhookOptions>>();
        var max = options.CurrentValue.MaxBodyBytes;
        if (context.Request.ContentLength > max)
        {
            return Results.StatusCode(StatusCodes.Status413PayloadTooLarge);
        }

        var body = await ReadBoundedAsync(context.Request.Body, max, context.RequestAborted).ConfigureAwait(false);
        if (body is null)
        {
            return Results.StatusCode(StatusCodes.Status413PayloadTooLarge);
        }

        var result = await processor.ProcessAsync(body, context.Request.Headers["Stripe-Signature"].ToString(), context.RequestAborted).ConfigureAwait(false);
        return result.Rejection switch
        {
            null => Results.Json(new WebhookAcknowledgement(Received: true, result.Duplicate), WebhookEndpointJsonContext.Default.WebhookAcknowledgement),
            WebhookRejection.BodyTooLarge => Results.StatusCode(StatusCodes.Status413PayloadTooLarge),
            WebhookRejection.NotConfigured => Results.Problem("The webhook endpoint has no signing secret configured.", statusCode: StatusCodes.Status500InternalServerError),
            var r => Results.Problem(title: "Webhook refused", detail: r.ToString(), statusCode: StatusCodes.Status400BadRequest),
        };
    }

    /// <summary>Reads at most <paramref name="max"/> bytes; null when the body is longer.</summary>
    private static async Task<byte[]?> ReadBoundedAsync(Stream body, int max, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Min(max + 1, 64 * 1024));
        try
        {
            using var copy = new MemoryStream();
            int read;
            while ((read = await body.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                if (copy.Length + read > max)
                {
                    return null;
                }

                copy.Write(buffer, 0, read);
            }

            return copy.ToArray();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
