using System.Net;
using Stripe;
using StripeTerminalKit.Emulator.Server.Hosting;
using StripeTerminalKit.Emulator.Server.Tests.Infrastructure;

namespace StripeTerminalKit.Emulator.Server.Tests.Forwarding;

/// <summary>The wire layer alone: a scripted handler stands where the emulator's handler goes,
/// so each test controls exactly what the "emulator" answers or how it fails.</summary>
public sealed class StripeRequestForwarderTests
{
    private const string PaymentIntentJson = """
        {"id":"pi_123","object":"payment_intent","amount":1999,"currency":"aud","status":"requires_payment_method"}
        """;

    [Fact]
    public async Task Stripe_net_request_reaches_the_handler_with_method_path_query_headers_and_form_body()
    {
        var handler = new ScriptedHandler(_ => ScriptedHandler.Json(HttpStatusCode.OK, PaymentIntentJson));
        await using var server = await RunningServer.StartAsync(Backend(handler));
        var client = server.CreateStripeClient();

        await client.V1.PaymentIntents.CreateAsync(
            new PaymentIntentCreateOptions { Amount = 1999, Currency = "aud", CaptureMethod = "manual_preferred" },
            new RequestOptions { IdempotencyKey = "checkout-42-create-1" });
        await client.V1.PaymentIntents.GetAsync("pi_123", new PaymentIntentGetOptions { Expand = ["latest_charge"] });

        var create = handler.Seen[0];
        Assert.Equal(HttpMethod.Post, create.Method);
        Assert.Equal("/v1/payment_intents", create.Uri.AbsolutePath);
        Assert.Equal("application/x-www-form-urlencoded", create.ContentType);
        Assert.Equal("amount=1999&capture_method=manual_preferred&currency=aud", create.Body);
        Assert.Equal($"Bearer {RunningServer.ApiKey}", create.Headers["Authorization"]);
        Assert.Equal("checkout-42-create-1", create.Headers["Idempotency-Key"]);
        Assert.Equal(StripeConfiguration.ApiVersion, create.Headers["Stripe-Version"]);
        Assert.Contains("X-Stripe-Client-User-Agent", create.Headers.Keys);
        var get = handler.Seen[1];
        Assert.Equal(HttpMethod.Get, get.Method);
        Assert.Equal("/v1/payment_intents/pi_123", get.Uri.AbsolutePath);
        Assert.Equal("?expand[0]=latest_charge", Uri.UnescapeDataString(get.Uri.Query));
    }

    [Fact]
    public async Task Response_keeps_status_headers_and_body_byte_for_byte()
    {
        var handler = new ScriptedHandler(_ =>
        {
            var response = ScriptedHandler.Json(HttpStatusCode.OK, PaymentIntentJson);
            response.Headers.Add("Request-Id", "req_abc123");
            response.Headers.Add("Stripe-Version", "2026-10-28.endive");
            response.Headers.Add("Idempotent-Replayed", "true");
            return response;
        });
        await using var server = await RunningServer.StartAsync(Backend(handler));
        using var http = server.CreateHttpClient();

        using var response = await http.GetAsync("/v1/payment_intents/pi_123");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("req_abc123", Assert.Single(response.Headers.GetValues("Request-Id")));
        Assert.Equal("2026-10-28.endive", Assert.Single(response.Headers.GetValues("Stripe-Version")));
        Assert.Equal("true", Assert.Single(response.Headers.GetValues("Idempotent-Replayed")));
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(PaymentIntentJson, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Rate_limit_answer_reaches_Stripe_net_with_its_status_error_and_retry_header()
    {
        var handler = new ScriptedHandler(_ =>
        {
            var response = ScriptedHandler.Json((HttpStatusCode)429, """
                {"error":{"type":"invalid_request_error","code":"rate_limit","message":"Too many requests hit the API too quickly."}}
                """);
            response.Headers.Add("Request-Id", "req_limited");
            response.Headers.Add("Stripe-Should-Retry", "false");
            return response;
        });
        await using var server = await RunningServer.StartAsync(Backend(handler));
        var client = server.CreateStripeClient(maxNetworkRetries: 2);

        var error = await Assert.ThrowsAsync<StripeException>(() => client.V1.PaymentIntents.GetAsync("pi_123"));

        Assert.Equal((HttpStatusCode)429, error.HttpStatusCode);
        Assert.Equal("rate_limit", error.StripeError.Code);
        Assert.Equal("req_limited", error.StripeResponse.RequestId);
        Assert.Equal("false", error.StripeResponse.Headers.GetValues("Stripe-Should-Retry").Single());
        // Stripe-Should-Retry: false is obeyed, so exactly one request went out despite 2 retries allowed.
        Assert.Single(handler.Seen);
    }

    [Fact]
    public async Task Stripe_should_retry_true_makes_Stripe_net_retry_through_the_server()
    {
        var attempts = 0;
        var handler = new ScriptedHandler(_ =>
        {
            if (Interlocked.Increment(ref attempts) == 1)
            {
                var busy = ScriptedHandler.Json((HttpStatusCode)429, """{"error":{"type":"invalid_request_error","code":"lock_timeout","message":"busy"}}""");
                busy.Headers.Add("Stripe-Should-Retry", "true");
                return busy;
            }

            return ScriptedHandler.Json(HttpStatusCode.OK, PaymentIntentJson);
        });
        await using var server = await RunningServer.StartAsync(Backend(handler));
        var client = server.CreateStripeClient(maxNetworkRetries: 1);

        var intent = await client.V1.PaymentIntents.GetAsync("pi_123");

        Assert.Equal("pi_123", intent.Id);
        Assert.Equal(2, handler.Seen.Count);
    }

    [Fact]
    public async Task Lost_response_from_the_handler_drops_the_connection_without_an_answer()
    {
        var handler = new ScriptedHandler(_ => throw new HttpRequestException("simulated lost response"));
        await using var server = await RunningServer.StartAsync(Backend(handler));
        using var http = server.CreateHttpClient();

        using var content = new FormUrlEncodedContent([new("amount", "1000"), new("currency", "aud")]);
        var error = await Assert.ThrowsAsync<HttpRequestException>(() => http.PostAsync("/v1/payment_intents", content));

        // The client saw a broken connection, not an HTTP status: exactly what a lost response looks like.
        Assert.Null(error.StatusCode);
        Assert.Single(handler.Seen);
        Assert.Contains("POST /v1/payment_intents", Assert.Single(server.ServerLog(2)).Message);
    }

    [Fact]
    public async Task Lost_response_is_retried_by_Stripe_net_with_the_same_idempotency_key()
    {
        var attempts = 0;
        var handler = new ScriptedHandler(_ => Interlocked.Increment(ref attempts) == 1
            ? throw new HttpRequestException("simulated lost response")
            : ScriptedHandler.Json(HttpStatusCode.OK, PaymentIntentJson));
        await using var server = await RunningServer.StartAsync(Backend(handler));
        var client = server.CreateStripeClient(maxNetworkRetries: 1);

        var intent = await client.V1.PaymentIntents.CreateAsync(
            new PaymentIntentCreateOptions { Amount = 1999, Currency = "aud" },
            new RequestOptions { IdempotencyKey = "checkout-7-create-1" });

        Assert.Equal("pi_123", intent.Id);
        Assert.Equal(2, handler.Seen.Count);
        Assert.All(handler.Seen, seen => Assert.Equal("checkout-7-create-1", seen.Headers["Idempotency-Key"]));
    }

    [Fact]
    public async Task Handler_crash_becomes_a_Stripe_api_error_500_not_a_bare_failure()
    {
        var handler = new ScriptedHandler(_ => throw new InvalidOperationException("bug in the emulator"));
        await using var server = await RunningServer.StartAsync(Backend(handler));
        var client = server.CreateStripeClient();

        var error = await Assert.ThrowsAsync<StripeException>(() => client.V1.PaymentIntents.GetAsync("pi_123"));

        Assert.Equal(HttpStatusCode.InternalServerError, error.HttpStatusCode);
        Assert.Equal("api_error", error.StripeError.Type);
        Assert.IsType<InvalidOperationException>(Assert.Single(server.ServerLog(3)).Exception);
    }

    [Fact]
    public async Task Post_without_parameters_still_carries_an_empty_form_body()
    {
        var handler = new ScriptedHandler(_ => ScriptedHandler.Json(HttpStatusCode.OK, """{"id":"tmr_1","object":"terminal.reader"}"""));
        await using var server = await RunningServer.StartAsync(Backend(handler));
        var client = server.CreateStripeClient();

        await client.V1.Terminal.Readers.CancelActionAsync("tmr_1");

        var seen = Assert.Single(handler.Seen);
        Assert.Equal(HttpMethod.Post, seen.Method);
        Assert.Equal("/v1/terminal/readers/tmr_1/cancel_action", seen.Uri.AbsolutePath);
        Assert.Equal(string.Empty, seen.Body);
    }

    [Fact]
    public async Task Delete_and_get_reach_the_handler_without_a_body()
    {
        var handler = new ScriptedHandler(_ => ScriptedHandler.Json(HttpStatusCode.OK, """{"id":"tml_1","object":"terminal.location","deleted":true}"""));
        await using var server = await RunningServer.StartAsync(Backend(handler));
        var client = server.CreateStripeClient();

        var deleted = await client.V1.Terminal.Locations.DeleteAsync("tml_1");

        Assert.True(deleted.Deleted);
        var seen = Assert.Single(handler.Seen);
        Assert.Equal(HttpMethod.Delete, seen.Method);
        Assert.Null(seen.Body);
    }

    [Fact]
    public async Task Logs_hold_method_path_status_and_request_id_but_never_the_api_key()
    {
        var handler = new ScriptedHandler(_ =>
        {
            var response = ScriptedHandler.Json(HttpStatusCode.OK, PaymentIntentJson);
            response.Headers.Add("Request-Id", "req_logged");
            return response;
        });
        await using var server = await RunningServer.StartAsync(Backend(handler));
        var client = server.CreateStripeClient();

        await client.V1.PaymentIntents.GetAsync("pi_123");

        var line = Assert.Single(server.ServerLog(1));
        Assert.Contains("GET /v1/payment_intents/pi_123 -> 200", line.Message);
        Assert.Contains("req_logged", line.Message);
        Assert.DoesNotContain(RunningServer.ApiKey, server.AllLogText());
        Assert.DoesNotContain("Bearer", server.AllLogText());
    }

    [Fact]
    public async Task Server_listens_on_loopback_only()
    {
        var handler = new ScriptedHandler(_ => ScriptedHandler.Json(HttpStatusCode.OK, "{}"));
        await using var server = await RunningServer.StartAsync(Backend(handler));

        Assert.Equal("127.0.0.1", server.BaseAddress.Host);
        Assert.True(IPAddress.IsLoopback(IPAddress.Parse(server.BaseAddress.Host)));
    }

    private static EmulatorBackend Backend(HttpMessageHandler handler) => new()
    {
        Handler = handler,
        SubscribeWebhooks = _ => throw new InvalidOperationException("No webhooks in these tests."),
    };
}
