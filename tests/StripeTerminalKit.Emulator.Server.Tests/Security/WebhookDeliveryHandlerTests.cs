using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using StripeTerminalKit.Emulator.Server.Hosting;
using StripeTerminalKit.Emulator.Server.Security;

namespace StripeTerminalKit.Emulator.Server.Tests.Security;

/// <summary>Webhook deliveries connect only to this machine and never follow a redirect.</summary>
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
}
