using System.Net;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using StripeTerminalKit.Emulator.Server.Hosting;

namespace StripeTerminalKit.Emulator.Server.Tests.Infrastructure;

/// <summary>One webhook delivery as the receiving endpoint saw it.</summary>
internal sealed record ReceivedWebhook(string Body, string? Signature, string? ContentType);

/// <summary>A second loopback HTTP listener standing in for a POS backend's webhook endpoint.</summary>
internal sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Channel<ReceivedWebhook> _received = Channel.CreateUnbounded<ReceivedWebhook>();

    private WebhookReceiver(WebApplication app) => _app = app;

    /// <summary>The URL to give <c>--webhook-url</c>.</summary>
    public Uri Url { get; private set; } = null!;

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.MapPost("/webhooks/stripe", async (HttpContext context) =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync(context.RequestAborted);
            receiver._received.Writer.TryWrite(new ReceivedWebhook(
                body,
                context.Request.Headers["Stripe-Signature"].ToString(),
                context.Request.ContentType));
            return Results.Ok();
        });
        await app.StartAsync();
        receiver.Url = new Uri(app.ListeningAddress(), "/webhooks/stripe");
        return receiver;
    }

    /// <summary>Waits for the next delivery. The timeout only guards against a hang; a passing
    /// run never waits on it.</summary>
    public async Task<ReceivedWebhook> NextAsync() =>
        await _received.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(15));

    /// <summary>Reads deliveries until one matches.</summary>
    public async Task<ReceivedWebhook> NextMatchingAsync(Func<ReceivedWebhook, bool> predicate)
    {
        while (true)
        {
            var next = await NextAsync();
            if (predicate(next))
            {
                return next;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
