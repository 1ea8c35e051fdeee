using System.Net;
using System.Text;
using System.Text.Json;
using StripeTerminalKit.Emulator.Server.CommandLine;
using StripeTerminalKit.Emulator.Server.Hosting;
using StripeTerminalKit.Emulator.Server.Security;
using StripeTerminalKit.Emulator.Server.Tests.Infrastructure;

namespace StripeTerminalKit.Emulator.Server.Tests.Security;

/// <summary>Request bodies and the number of accepted writes are bounded, with Stripe-shaped errors.</summary>
public sealed class ServerLimitsTests
{
    private readonly ScriptedHandler _handler = new(request =>
        request.RequestUri!.AbsolutePath switch
        {
            "/v1/refused" => ScriptedHandler.Json(HttpStatusCode.BadRequest, """{"error":{"type":"invalid_request_error"}}"""),
            "/v1/replayed" => Replayed(),
            _ => ScriptedHandler.Json(HttpStatusCode.OK, """{"id":"pi_1","object":"payment_intent"}"""),
        });

    private static HttpResponseMessage Replayed()
    {
        var response = ScriptedHandler.Json(HttpStatusCode.OK, """{"id":"pi_1","object":"payment_intent"}""");
        response.Headers.TryAddWithoutValidation("Idempotent-Replayed", "true");
        return response;
    }

    private Task<RunningServer> StartAsync(int maxWrites = ServerLimits.MaxAcceptedWrites) =>
        RunningServer.StartAsync(
            new EmulatorBackend { Handler = _handler, SubscribeWebhooks = _ => throw new InvalidOperationException() },
            new ServerSettings { MaxAcceptedWrites = maxWrites });

    private static async Task<JsonElement> ErrorOf(HttpResponseMessage response)
    {
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("error").Clone();
    }

    [Fact]
    public async Task A_body_over_the_limit_is_a_Stripe_style_413_and_never_reaches_the_emulator()
    {
        await using var server = await StartAsync();
        using var http = server.CreateHttpClient();
        var metadata = new string('x', ServerLimits.MaxRequestBodyBytes);

        using var response = await http.PostAsync("/v1/payment_intents", new StringContent("metadata[a]=" + metadata, Encoding.ASCII, "application/x-www-form-urlencoded"));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        var error = await ErrorOf(response);
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.Equal("request_too_large", error.GetProperty("code").GetString());
        Assert.Empty(_handler.Seen);
    }

    [Fact]
    public async Task A_body_over_the_limit_on_the_control_surface_is_a_413_too()
    {
        await using var server = await StartAsync();
        using var http = server.CreateHttpClient();

        using var response = await http.PostAsync("/_emulator/webhook_endpoints", new StringContent("url=" + new string('x', ServerLimits.MaxRequestBodyBytes), Encoding.ASCII, "application/x-www-form-urlencoded"));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task Past_the_write_limit_writes_are_a_Stripe_style_400_while_reads_still_pass()
    {
        await using var server = await StartAsync(maxWrites: 3);
        using var http = server.CreateHttpClient();
        for (var i = 0; i < 3; i++)
        {
            using var ok = await http.PostAsync("/v1/payment_intents", new FormUrlEncodedContent([new("amount", "100")]));
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        using var refused = await http.PostAsync("/v1/payment_intents", new FormUrlEncodedContent([new("amount", "100")]));
        using var deleteRefused = await http.DeleteAsync("/v1/customers/cus_1");
        using var read = await http.GetAsync("/v1/payment_intents/pi_1");

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var error = await ErrorOf(refused);
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.Equal("emulator_limit_reached", error.GetProperty("code").GetString());
        Assert.Contains("Restart", error.GetProperty("message").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, deleteRefused.StatusCode);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal(4, _handler.Seen.Count);
        Assert.Single(server.ServerLog(8));
    }

    [Fact]
    public async Task Refused_writes_and_idempotent_replays_store_nothing_and_do_not_count()
    {
        await using var server = await StartAsync(maxWrites: 1);
        using var http = server.CreateHttpClient();

        for (var i = 0; i < 5; i++)
        {
            using var refused = await http.PostAsync("/v1/refused", new FormUrlEncodedContent([]));
            using var replayed = await http.PostAsync("/v1/replayed", new FormUrlEncodedContent([]));
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Equal(HttpStatusCode.OK, replayed.StatusCode);
        }

        using var first = await http.PostAsync("/v1/payment_intents", new FormUrlEncodedContent([]));
        using var second = await http.PostAsync("/v1/payment_intents", new FormUrlEncodedContent([]));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("emulator_limit_reached", (await ErrorOf(second)).GetProperty("code").GetString());
    }
}
