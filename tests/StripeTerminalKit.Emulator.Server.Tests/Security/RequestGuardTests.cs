using System.Net;
using System.Text.Json;
using StripeTerminalKit.Emulator.Server.Hosting;
using StripeTerminalKit.Emulator.Server.Tests.Infrastructure;

namespace StripeTerminalKit.Emulator.Server.Tests.Security;

/// <summary>
/// DNS rebinding and CSRF from a developer's browser: every path, Stripe API and control
/// surface alike, refuses a non-loopback Host and a cross-site Origin with a Stripe-shaped 403.
/// </summary>
public sealed class RequestGuardTests
{
    private readonly List<Uri> _subscribed = [];
    private readonly ScriptedHandler _handler = new(_ => ScriptedHandler.Json(HttpStatusCode.OK, """{"id":"pi_1","object":"payment_intent"}"""));

    private Task<RunningServer> StartAsync() =>
        RunningServer.StartAsync(new EmulatorBackend
        {
            Handler = _handler,
            SubscribeWebhooks = url =>
            {
                _subscribed.Add(url);
                return new Nothing();
            },
        });

    public static TheoryData<string, string> Requests => new()
    {
        { "POST", "/v1/payment_intents" },
        { "GET", "/v1/terminal/readers" },
        { "POST", "/_emulator/webhook_endpoints" },
        { "GET", "/_emulator/info" },
        { "DELETE", "/_emulator/webhook_endpoints/we_emu_1" },
    };

    private static HttpRequestMessage Request(string method, string path, string? host = null, string? origin = null)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method != "GET" && method != "DELETE")
        {
            request.Content = new FormUrlEncodedContent([new("url", "http://127.0.0.1:9/hook"), new("amount", "100")]);
        }

        if (host is not null)
        {
            request.Headers.Host = host;
        }

        if (origin is not null)
        {
            request.Headers.TryAddWithoutValidation("Origin", origin);
        }

        return request;
    }

    private static async Task AssertRefusedAsync(HttpResponseMessage response, string code)
    {
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var error = body.RootElement.GetProperty("error");
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.Equal(code, error.GetProperty("code").GetString());
        Assert.False(string.IsNullOrEmpty(error.GetProperty("message").GetString()));
    }

    [Theory]
    [MemberData(nameof(Requests))]
    public async Task A_Host_that_is_not_loopback_is_refused_everywhere(string method, string path)
    {
        await using var server = await StartAsync();
        using var http = server.CreateHttpClient();

        using var request = Request(method, path, host: $"rebind.evil.example:{server.BaseAddress.Port}");
        using var response = await http.SendAsync(request);

        await AssertRefusedAsync(response, "host_not_allowed");
        Assert.Empty(_handler.Seen);
        Assert.Empty(_subscribed);
        // The server's own line names the refusal, never the attacker's host name.
        var line = Assert.Single(server.ServerLog(7));
        Assert.DoesNotContain("rebind", line.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Requests))]
    public async Task A_cross_site_Origin_is_refused_everywhere(string method, string path)
    {
        await using var server = await StartAsync();
        using var http = server.CreateHttpClient();

        using var request = Request(method, path, origin: "https://evil.example");
        using var response = await http.SendAsync(request);

        await AssertRefusedAsync(response, "origin_not_allowed");
        Assert.Empty(_handler.Seen);
        Assert.Empty(_subscribed);
    }

    [Theory]
    [InlineData("null")]
    [InlineData("http://127.0.0.1.evil.example")]
    [InlineData("http://localhost@evil.example")]
    [InlineData("file://")]
    [InlineData("chrome-extension://abcdef")]
    public async Task Opaque_and_look_alike_Origins_are_refused(string origin)
    {
        await using var server = await StartAsync();
        using var http = server.CreateHttpClient();

        using var request = Request("POST", "/_emulator/webhook_endpoints", origin: origin);
        using var response = await http.SendAsync(request);

        await AssertRefusedAsync(response, "origin_not_allowed");
        Assert.Empty(_subscribed);
    }

    [Theory]
    [InlineData("localhost", null)]
    [InlineData("127.0.0.1", "http://localhost:3000")]
    [InlineData("localhost", "http://127.0.0.1:8080")]
    [InlineData("[::1]", "https://[::1]:5001")]
    public async Task Loopback_Hosts_and_loopback_Origins_pass(string host, string? origin)
    {
        await using var server = await StartAsync();
        using var http = server.CreateHttpClient();

        using var request = Request("POST", "/v1/payment_intents", host: $"{host}:{server.BaseAddress.Port}", origin: origin);
        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Single(_handler.Seen);
    }

    private sealed class Nothing : IDisposable
    {
        public void Dispose()
        {
        }
    }
}
