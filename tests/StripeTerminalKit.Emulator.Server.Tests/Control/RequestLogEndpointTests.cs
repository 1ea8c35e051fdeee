using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Stripe;
using Stripe.Terminal;
using StripeTerminalKit.Emulator.Server.Hosting;
using StripeTerminalKit.Emulator.Server.Tests.Infrastructure;

namespace StripeTerminalKit.Emulator.Server.Tests.Control;

/// <summary>
/// <c>GET /_emulator/requests</c>: the real emulator's request log over the wire, with who sent
/// each request (its User-Agent, passed through by the server) and the PaymentIntent it concerned.
/// </summary>
public sealed class RequestLogEndpointTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2026, 11, 24, 9, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _time = new(Start);
    private StripeEmulator _emulator = null!;

    public Task InitializeAsync()
    {
        _emulator = new StripeEmulator(new StripeEmulatorOptions { TimeProvider = _time, Seed = 11 });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _emulator.DisposeAsync();

    [Fact]
    public async Task The_log_lists_each_request_with_its_user_agent_and_payment_intent_and_never_the_key()
    {
        await using var server = await RunningServer.StartAsync(EmulatorBackend.For(_emulator));
        var stripe = server.CreateStripeClient();
        var intent = await stripe.V1.PaymentIntents.CreateAsync(
            new PaymentIntentCreateOptions { Amount = 1000, Currency = "aud", AllowedPaymentMethodTypes = ["card_present"] },
            new RequestOptions { IdempotencyKey = "stk:order-7:create:1" });
        using var http = server.CreateHttpClient();
        using var read = new HttpRequestMessage(HttpMethod.Get, $"/v1/payment_intents/{intent.Id}");
        read.Headers.Authorization = new AuthenticationHeaderValue("Bearer", RunningServer.ApiKey);
        read.Headers.TryAddWithoutValidation("User-Agent", "pos-backend/2.1 stk-instance/web-2");
        using var readAnswer = await http.SendAsync(read);

        var json = await http.GetStringAsync("/_emulator/requests");

        Assert.Equal(HttpStatusCode.OK, readAnswer.StatusCode);
        using var body = JsonDocument.Parse(json);
        Assert.Equal("list", body.RootElement.GetProperty("object").GetString());
        Assert.False(body.RootElement.GetProperty("has_more").GetBoolean());
        var data = body.RootElement.GetProperty("data");
        Assert.Equal(2, data.GetArrayLength());
        var create = data[0];
        Assert.Equal(
            (1L, "POST", "/v1/payment_intents", "payment_intents.create", 200, "stk:order-7:create:1", false, intent.Id),
            (create.GetProperty("sequence").GetInt64(), create.GetProperty("method").GetString(), create.GetProperty("path").GetString(),
             create.GetProperty("operation").GetString(), create.GetProperty("status").GetInt32(), create.GetProperty("idempotency_key").GetString(),
             create.GetProperty("replayed").GetBoolean(), create.GetProperty("payment_intent").GetString()));
        Assert.StartsWith("Stripe/V1 .NetBindings/", create.GetProperty("user_agent").GetString(), StringComparison.Ordinal);
        Assert.Equal(Start, create.GetProperty("time").GetDateTimeOffset());
        var get = data[1];
        Assert.Equal(
            (2L, "GET", "pos-backend/2.1 stk-instance/web-2", intent.Id),
            (get.GetProperty("sequence").GetInt64(), get.GetProperty("method").GetString(), get.GetProperty("user_agent").GetString(), get.GetProperty("payment_intent").GetString()));
        Assert.Equal(JsonValueKind.Null, get.GetProperty("idempotency_key").ValueKind);
        Assert.DoesNotContain(RunningServer.ApiKey, json, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_log_is_read_in_pages_after_a_sequence()
    {
        await using var server = await RunningServer.StartAsync(EmulatorBackend.For(_emulator));
        var stripe = server.CreateStripeClient();
        for (var i = 0; i < 5; i++)
        {
            await stripe.V1.Terminal.Locations.ListAsync();
        }

        using var http = server.CreateHttpClient();

        using var first = JsonDocument.Parse(await http.GetStringAsync("/_emulator/requests?limit=2"));
        using var second = JsonDocument.Parse(await http.GetStringAsync("/_emulator/requests?after=2&limit=2"));
        using var last = JsonDocument.Parse(await http.GetStringAsync("/_emulator/requests?after=4&limit=2"));
        using var beyond = JsonDocument.Parse(await http.GetStringAsync("/_emulator/requests?after=50"));

        Assert.Equal(("1,2", true), Page(first));
        Assert.Equal(("3,4", true), Page(second));
        Assert.Equal(("5", false), Page(last));
        Assert.Equal(("", false), Page(beyond));
    }

    [Theory]
    [InlineData("after=-1", "after")]
    [InlineData("after=x", "after")]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=10001", "limit")]
    public async Task A_bad_page_argument_is_refused_naming_it(string query, string param)
    {
        await using var server = await RunningServer.StartAsync(EmulatorBackend.For(_emulator));
        using var http = server.CreateHttpClient();

        using var response = await http.GetAsync("/_emulator/requests?" + query);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(param, body.RootElement.GetProperty("error").GetProperty("param").GetString());
    }

    [Fact]
    public async Task The_log_is_refused_to_a_page_reaching_the_server_under_another_host_name()
    {
        await using var server = await RunningServer.StartAsync(EmulatorBackend.For(_emulator));
        using var http = server.CreateHttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/_emulator/requests");
        request.Headers.Host = "attacker.example";

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    private static (string Sequences, bool HasMore) Page(JsonDocument page) =>
        (string.Join(",", page.RootElement.GetProperty("data").EnumerateArray().Select(e => e.GetProperty("sequence").GetInt64())),
         page.RootElement.GetProperty("has_more").GetBoolean());
}
