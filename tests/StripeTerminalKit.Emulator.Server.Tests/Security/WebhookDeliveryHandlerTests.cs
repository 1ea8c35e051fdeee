using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using StripeTerminalKit.Emulator.Server.Hosting;
using StripeTerminalKit.Emulator.Server.Security;
using StripeTerminalKit.Emulator.Tests.Webhooks;

namespace StripeTerminalKit.Emulator.Server.Tests.Security;

/// <summary>Webhook deliveries connect only to this machine, never follow a redirect and never reuse a connection.</summary>
public sealed class WebhookDeliveryHandlerTests
{
    [Theory]
    [InlineData("http://192.0.2.1:9/hook")]
    [InlineData("http://[2001:db8::1]:9/hook")]
    [InlineData("http://169.254.169.254/latest/meta-data/")]
    public async Task A_delivery_to_an_address_off_this_machine_is_refused_before_connecting(string url)
    {
        using var handler = WebhookDeliveryHandler.Create(allowRemote: false);
        using var client = new HttpClient(handler);

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => client.PostAsync(url, new StringContent("{}")));

        Assert.Contains("not an address on this machine", error.Message + error.InnerException?.Message);
    }

    [Fact]
    public async Task A_redirect_from_the_endpoint_is_not_followed()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        await using var app = builder.Build();
        var followed = 0;
        app.MapPost("/hook", () => Results.Redirect("/elsewhere", permanent: false, preserveMethod: true));
        app.MapPost("/elsewhere", () =>
        {
            Interlocked.Increment(ref followed);
            return Results.Ok();
        });
        await app.StartAsync();
        using var handler = WebhookDeliveryHandler.Create(allowRemote: false);
        using var client = new HttpClient(handler);

        using var response = await client.PostAsync(new Uri(app.ListeningAddress(), "/hook"), new StringContent("{}"));

        Assert.Equal(HttpStatusCode.TemporaryRedirect, response.StatusCode);
        Assert.Equal(0, followed);
    }

    [Fact]
    public async Task After_an_HTTP_1_0_answer_the_next_delivery_does_not_reuse_the_closed_connection()
    {
        // issue 13: an HTTP/1.0 endpoint closes its connection after answering; a pooled
        // connection made the next delivery fail.
        await using var listener = new LoopbackWebhookListener(_ => LoopbackAnswer.Ok10);
        using var handler = WebhookDeliveryHandler.Create(allowRemote: false);
        using var client = new HttpClient(handler);

        for (int n = 1; n <= 3; n++)
        {
            using var response = await client.PostAsync(listener.Url, new StringContent($"{{\"n\":{n}}}"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal(["{\"n\":1}", "{\"n\":2}", "{\"n\":3}"], listener.Bodies);
        Assert.Equal([1, 2, 3], listener.ConnectionNumbers);
    }
}
