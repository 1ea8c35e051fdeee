using System.Net;
using System.Text.Json;
using StripeTerminalKit.Emulator.Server.CommandLine;
using StripeTerminalKit.Emulator.Server.Hosting;
using StripeTerminalKit.Emulator.Server.Tests.Infrastructure;

namespace StripeTerminalKit.Emulator.Server.Tests.Control;

public sealed class ControlEndpointsTests
{
    private readonly List<Uri> _subscribed = [];
    private readonly List<Uri> _unsubscribed = [];
    private readonly List<Uri> _subscribedConnect = [];
    private readonly ScriptedHandler _handler = new(_ => ScriptedHandler.Json(HttpStatusCode.OK, """{"object":"list","data":[]}"""));

    [Fact]
    public async Task Health_answers_ok_without_touching_the_emulator()
    {
        await using var server = await StartAsync();
        using var http = server.CreateHttpClient();

        using var response = await http.GetAsync("/_emulator/health");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("ok", body.RootElement.GetProperty("status").GetString());
        Assert.Empty(_handler.Seen);
    }

    [Fact]
    public async Task Info_reports_api_base_version_seed_and_endpoints_but_never_the_secret()
    {
        await using var server = await StartAsync(new ServerSettings
        {
            WebhookSecret = "whsec_never_in_info",
            WebhookUrls = [new Uri("http://127.0.0.1:9/hook")],
        });
        using var http = server.CreateHttpClient();

        var json = await http.GetStringAsync("/_emulator/info");

        using var body = JsonDocument.Parse(json);
        var root = body.RootElement;
        Assert.Equal(server.ApiBase, root.GetProperty("api_base").GetString());
        Assert.Equal(Stripe.StripeConfiguration.ApiVersion, root.GetProperty("api_version").GetString());
        Assert.Equal(7, root.GetProperty("seed").GetInt32());
        Assert.False(root.GetProperty("webhook_secret_generated").GetBoolean());
        Assert.Equal("http://127.0.0.1:9/hook", root.GetProperty("webhook_endpoints")[0].GetProperty("url").GetString());
        Assert.DoesNotContain("whsec_", json);
    }

    [Fact]
    public async Task Webhook_endpoints_can_be_added_listed_and_removed_at_run_time()
    {
        await using var server = await StartAsync();
        using var http = server.CreateHttpClient();

        using var add = await http.PostAsync("/_emulator/webhook_endpoints", new FormUrlEncodedContent([new("url", "http://127.0.0.1:9/stripe")]));
        using var added = JsonDocument.Parse(await add.Content.ReadAsStringAsync());
        var id = added.RootElement.GetProperty("id").GetString()!;
        using var listed = JsonDocument.Parse(await http.GetStringAsync("/_emulator/webhook_endpoints"));
        using var delete = await http.DeleteAsync($"/_emulator/webhook_endpoints/{id}");
        using var deleteAgain = await http.DeleteAsync($"/_emulator/webhook_endpoints/{id}");

        Assert.Equal(HttpStatusCode.OK, add.StatusCode);
        Assert.StartsWith("we_emu_", id);
        Assert.Equal([new Uri("http://127.0.0.1:9/stripe")], _subscribed);
        Assert.Equal(id, listed.RootElement.GetProperty("data")[0].GetProperty("id").GetString());
        Assert.Equal(HttpStatusCode.OK, delete.StatusCode);
        Assert.Equal([new Uri("http://127.0.0.1:9/stripe")], _unsubscribed);
        Assert.Equal(HttpStatusCode.NotFound, deleteAgain.StatusCode);
    }

    [Fact]
    public async Task A_Connect_webhook_endpoint_is_added_with_connect_true_and_listed_as_such()
    {
        await using var server = await StartAsync();
        using var http = server.CreateHttpClient();

        using var add = await http.PostAsync("/_emulator/webhook_endpoints", new FormUrlEncodedContent([new("url", "http://127.0.0.1:9/connect"), new("connect", "true")]));
        using var added = JsonDocument.Parse(await add.Content.ReadAsStringAsync());
        using var invalid = await http.PostAsync("/_emulator/webhook_endpoints", new FormUrlEncodedContent([new("url", "http://127.0.0.1:9/x"), new("connect", "yes")]));
        using var listed = JsonDocument.Parse(await http.GetStringAsync("/_emulator/webhook_endpoints"));

        Assert.Equal(HttpStatusCode.OK, add.StatusCode);
        Assert.True(added.RootElement.GetProperty("connect").GetBoolean());
        Assert.Equal([new Uri("http://127.0.0.1:9/connect")], _subscribedConnect);
        Assert.Empty(_subscribed);
        Assert.True(listed.RootElement.GetProperty("data")[0].GetProperty("connect").GetBoolean());
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
    }

    [Theory]
    [InlineData(null, "parameter_missing")]
    [InlineData("not a url", "url_invalid")]
    [InlineData("file:///etc/passwd", "url_invalid")]
    public async Task Adding_a_webhook_endpoint_without_a_valid_url_is_a_Stripe_style_400(string? url, string code)
    {
        await using var server = await StartAsync();
        using var http = server.CreateHttpClient();

        using var response = await http.PostAsync(
            "/_emulator/webhook_endpoints",
            new FormUrlEncodedContent(url is null ? [] : [new("url", url)]));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var error = body.RootElement.GetProperty("error");
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.Equal(code, error.GetProperty("code").GetString());
        Assert.Equal("url", error.GetProperty("param").GetString());
        Assert.Empty(_subscribed);
    }

    [Theory]
    [InlineData("http://169.254.169.254/latest/meta-data/")]
    [InlineData("http://10.1.2.3:8080/hook")]
    [InlineData("https://hooks.example.test/stripe")]
    [InlineData("http://0.0.0.0:5000/hook")]
    [InlineData("http://user:secret@127.0.0.1:5000/hook")]
    public async Task A_webhook_endpoint_off_this_machine_or_with_user_info_is_a_Stripe_style_400(string url)
    {
        await using var server = await StartAsync();
        using var http = server.CreateHttpClient();

        using var response = await http.PostAsync("/_emulator/webhook_endpoints", new FormUrlEncodedContent([new("url", url)]));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var json = await response.Content.ReadAsStringAsync();
        using var body = JsonDocument.Parse(json);
        var error = body.RootElement.GetProperty("error");
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.Equal("url_invalid", error.GetProperty("code").GetString());
        Assert.Equal("url", error.GetProperty("param").GetString());
        Assert.DoesNotContain("secret@", json);
        Assert.Empty(_subscribed);
    }

    [Fact]
    public async Task With_allow_remote_webhooks_an_endpoint_off_this_machine_is_accepted()
    {
        await using var server = await StartAsync(new ServerSettings { AllowRemoteWebhooks = true });
        using var http = server.CreateHttpClient();

        using var response = await http.PostAsync("/_emulator/webhook_endpoints", new FormUrlEncodedContent([new("url", "https://hooks.example.test/stripe")]));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal([new Uri("https://hooks.example.test/stripe")], _subscribed);
    }

    [Fact]
    public async Task A_seventeenth_webhook_endpoint_is_a_Stripe_style_400_until_one_is_deleted()
    {
        await using var server = await StartAsync();
        using var http = server.CreateHttpClient();
        for (var i = 0; i < 16; i++)
        {
            using var ok = await http.PostAsync("/_emulator/webhook_endpoints", new FormUrlEncodedContent([new("url", $"http://127.0.0.1:{9000 + i}/hook")]));
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        using var seventeenth = await http.PostAsync("/_emulator/webhook_endpoints", new FormUrlEncodedContent([new("url", "http://127.0.0.1:9100/hook")]));
        using (await http.DeleteAsync("/_emulator/webhook_endpoints/we_emu_1"))
        {
        }

        using var afterDelete = await http.PostAsync("/_emulator/webhook_endpoints", new FormUrlEncodedContent([new("url", "http://127.0.0.1:9100/hook")]));

        Assert.Equal(HttpStatusCode.BadRequest, seventeenth.StatusCode);
        using var body = JsonDocument.Parse(await seventeenth.Content.ReadAsStringAsync());
        Assert.Equal("invalid_request_error", body.RootElement.GetProperty("error").GetProperty("type").GetString());
        Assert.Equal("webhook_endpoints_limit_reached", body.RootElement.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.OK, afterDelete.StatusCode);
        Assert.Equal(17, _subscribed.Count);
    }

    [Fact]
    public async Task Unknown_control_path_is_a_404_and_is_not_forwarded_to_the_emulator()
    {
        await using var server = await StartAsync();
        using var http = server.CreateHttpClient();

        using var response = await http.GetAsync("/_emulator/reset-everything");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("Unknown emulator control endpoint", await response.Content.ReadAsStringAsync());
        Assert.Empty(_handler.Seen);
    }

    [Fact]
    public async Task Everything_outside_the_control_prefix_is_forwarded()
    {
        await using var server = await StartAsync();
        using var http = server.CreateHttpClient();

        using var response = await http.GetAsync("/v1/terminal/readers?limit=3");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("/v1/terminal/readers", Assert.Single(_handler.Seen).Uri.AbsolutePath);
    }

    [Fact]
    public async Task Stopping_the_server_stops_every_webhook_subscription()
    {
        var server = await StartAsync(new ServerSettings { WebhookUrls = [new Uri("http://127.0.0.1:9/a"), new Uri("http://127.0.0.1:9/b")] });

        await server.DisposeAsync();

        Assert.Equal(_subscribed, _unsubscribed);
        Assert.Equal(2, _unsubscribed.Count);
    }

    private Task<RunningServer> StartAsync(ServerSettings? settings = null) =>
        RunningServer.StartAsync(
            new EmulatorBackend
            {
                Handler = _handler,
                Seed = 7,
                SubscribeWebhooks = url =>
                {
                    _subscribed.Add(url);
                    return new Subscription(() => _unsubscribed.Add(url));
                },
                SubscribeConnectWebhooks = url =>
                {
                    _subscribedConnect.Add(url);
                    return new Subscription(() => _unsubscribed.Add(url));
                },
            },
            settings);

    private sealed class Subscription(Action onDispose) : IDisposable
    {
        public void Dispose() => onDispose();
    }
}
