using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Stripe;
using Stripe.Terminal;
using StripeTerminalKit.Emulator.Server.CommandLine;
using StripeTerminalKit.Emulator.Server.Hosting;
using StripeTerminalKit.Emulator.Server.Tests.Infrastructure;
using TestHelperPresentOptions = Stripe.TestHelpers.Terminal.ReaderPresentPaymentMethodOptions;

namespace StripeTerminalKit.Emulator.Server.Tests.EndToEnd;

/// <summary>
/// The real emulator behind the real server, driven by a real Stripe.net client over loopback
/// HTTP: what a user of the tool gets.
/// </summary>
public sealed class StripeNetOverHttpTests : IAsyncLifetime
{
    private const string WebhookSecret = "whsec_serverEndToEndTestSecret0000";
    private const int Seed = 20261124;

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 24, 9, 0, 0, TimeSpan.Zero));
    private StripeEmulator _emulator = null!;

    public Task InitializeAsync()
    {
        _emulator = new StripeEmulator(new StripeEmulatorOptions { TimeProvider = _time, Seed = Seed, WebhookSecret = WebhookSecret });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _emulator.DisposeAsync();

    [Fact]
    public async Task Card_present_payment_runs_end_to_end_location_reader_process_present_capture()
    {
        await using var server = await StartAsync();
        var stripe = server.CreateStripeClient();

        var (location, reader) = await CreateLocationAndReaderAsync(stripe);
        var intent = await stripe.V1.PaymentIntents.CreateAsync(new PaymentIntentCreateOptions
        {
            Amount = 1000,
            Currency = "aud",
            AllowedPaymentMethodTypes = ["card_present"],
            CaptureMethod = "manual",
        });
        var processing = await stripe.V1.Terminal.Readers.ProcessPaymentIntentAsync(
            reader.Id,
            new ReaderProcessPaymentIntentOptions { PaymentIntent = intent.Id });
        await stripe.V1.TestHelpers.Terminal.Readers.PresentPaymentMethodAsync(
            reader.Id,
            new TestHelperPresentOptions { Type = "card_present", CardPresent = new() { Number = "4242424242424242" } });
        var readerAfter = await stripe.V1.Terminal.Readers.GetAsync(reader.Id);
        var authorised = await stripe.V1.PaymentIntents.GetAsync(intent.Id);
        var captured = await stripe.V1.PaymentIntents.CaptureAsync(intent.Id);

        Assert.StartsWith("tml_", location.Id);
        Assert.Equal("simulated_stripe_s700", reader.DeviceType);
        Assert.Equal(location.Id, reader.LocationId);
        Assert.Equal("requires_payment_method", intent.Status);
        Assert.Equal("process_payment_intent", processing.Action.Type);
        Assert.Equal(intent.Id, processing.Action.ProcessPaymentIntent.PaymentIntentId);
        Assert.Equal("succeeded", readerAfter.Action.Status);
        Assert.Equal("requires_capture", authorised.Status);
        Assert.Equal("succeeded", captured.Status);
        Assert.Equal(1000, captured.AmountReceived);
    }

    [Fact]
    public async Task Error_answer_keeps_its_status_Stripe_error_body_and_request_id()
    {
        await using var server = await StartAsync();
        var stripe = server.CreateStripeClient();

        var error = await Assert.ThrowsAsync<StripeException>(() => stripe.V1.PaymentIntents.GetAsync("pi_doesNotExist"));

        Assert.Equal(HttpStatusCode.NotFound, error.HttpStatusCode);
        Assert.Equal("invalid_request_error", error.StripeError.Type);
        Assert.Equal("resource_missing", error.StripeError.Code);
        Assert.Contains("pi_doesNotExist", error.StripeError.Message);
        Assert.StartsWith("req_", error.StripeResponse.RequestId);
    }

    [Fact]
    public async Task Request_without_an_api_key_gets_Stripe_401_over_the_wire()
    {
        await using var server = await StartAsync();
        using var http = server.CreateHttpClient();

        using var response = await http.GetAsync("/v1/terminal/locations");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("invalid_request_error", body.RootElement.GetProperty("error").GetProperty("type").GetString());
        Assert.StartsWith("req_", response.Headers.GetValues("Request-Id").Single());
    }

    [Fact]
    public async Task Over_the_wire_answer_is_the_in_process_answer_status_headers_and_body()
    {
        await using var server = await StartAsync();
        using var http = server.CreateHttpClient();
        using var inProcess = new HttpClient(_emulator.CreateHttpMessageHandler()) { BaseAddress = server.BaseAddress };

        using var overHttp = await SendAsync(http, "/v1/terminal/readers/tmr_doesNotExist");
        using var direct = await SendAsync(inProcess, "/v1/terminal/readers/tmr_doesNotExist");

        Assert.Equal(direct.StatusCode, overHttp.StatusCode);
        Assert.Equal(direct.Content.Headers.ContentType, overHttp.Content.Headers.ContentType);
        Assert.Equal(
            direct.Headers.Select(h => h.Key).Where(k => !k.Equals("Date", StringComparison.OrdinalIgnoreCase)).Order(),
            overHttp.Headers.Select(h => h.Key).Where(k => !k.Equals("Date", StringComparison.OrdinalIgnoreCase)).Order());
        Assert.Equal(direct.Content.Headers.ContentLength, overHttp.Content.Headers.ContentLength);
        Assert.StartsWith("req_", overHttp.Headers.GetValues("Request-Id").Single());
        using var overHttpBody = JsonDocument.Parse(await overHttp.Content.ReadAsStringAsync());
        using var directBody = JsonDocument.Parse(await direct.Content.ReadAsStringAsync());
        Assert.Equal(
            directBody.RootElement.GetProperty("error").GetProperty("code").GetString(),
            overHttpBody.RootElement.GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public async Task Idempotent_retry_over_the_wire_replays_the_first_answer()
    {
        await using var server = await StartAsync();
        var stripe = server.CreateStripeClient();
        var options = new PaymentIntentCreateOptions { Amount = 2500, Currency = "aud", AllowedPaymentMethodTypes = ["card_present"] };
        var key = new RequestOptions { IdempotencyKey = "order-77-create-1" };

        var first = await stripe.V1.PaymentIntents.CreateAsync(options, key);
        var replay = await stripe.V1.PaymentIntents.CreateAsync(options, key);
        var mismatch = await Assert.ThrowsAsync<StripeException>(() => stripe.V1.PaymentIntents.CreateAsync(
            new PaymentIntentCreateOptions { Amount = 9999, Currency = "aud", AllowedPaymentMethodTypes = ["card_present"] },
            key));

        Assert.Equal(first.Id, replay.Id);
        Assert.Equal("idempotency_error", mismatch.StripeError.Type);
    }

    [Fact]
    public async Task Many_clients_at_once_over_the_wire_lose_no_request()
    {
        await using var server = await StartAsync();
        var clients = Enumerable.Range(0, 8).Select(_ => server.CreateStripeClient()).ToArray();

        var created = await Task.WhenAll(Enumerable.Range(0, 64).Select(i => clients[i % clients.Length].V1.PaymentIntents.CreateAsync(
            new PaymentIntentCreateOptions { Amount = 100 + i, Currency = "aud", AllowedPaymentMethodTypes = ["card_present"] },
            new RequestOptions { IdempotencyKey = $"parallel-{i}" })));

        Assert.Equal(64, created.Select(pi => pi.Id).Distinct().Count());
        Assert.Equal(
            Enumerable.Range(0, 64).Select(i => 100L + i).Order(),
            _emulator.GetLedger().PaymentIntents.Select(pi => pi.Amount).Order());
    }

    [Fact]
    public async Task Webhooks_reach_a_second_listener_with_a_signature_Stripe_net_accepts()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var server = await StartAsync(new ServerSettings { WebhookUrls = [receiver.Url] });
        var stripe = server.CreateStripeClient();

        var reader = await RunCardPaymentAsync(stripe);
        var delivery = await receiver.NextMatchingAsync(d => d.Body.Contains("\"terminal.reader.action_succeeded\""));

        Assert.Equal("application/json", MediaTypeHeaderValue.Parse(delivery.ContentType!).MediaType);
        var stripeEvent = EventUtility.ConstructEvent(delivery.Body, delivery.Signature, WebhookSecret, tolerance: 300, utcNow: _time.GetUtcNow().ToUnixTimeSeconds());
        Assert.Equal(EventTypes.TerminalReaderActionSucceeded, stripeEvent.Type);
        Assert.Equal(StripeConfiguration.ApiVersion, stripeEvent.ApiVersion);
        Assert.Equal(reader.Id, Assert.IsType<Reader>(stripeEvent.Data.Object).Id);
        Assert.Throws<StripeException>(() => EventUtility.ConstructEvent(
            delivery.Body.Replace("action_succeeded", "action_failed"), delivery.Signature, WebhookSecret, tolerance: 300, utcNow: _time.GetUtcNow().ToUnixTimeSeconds()));
        Assert.Throws<StripeException>(() => EventUtility.ConstructEvent(
            delivery.Body, delivery.Signature, "whsec_someOtherSecret", tolerance: 300, utcNow: _time.GetUtcNow().ToUnixTimeSeconds()));
    }

    [Fact]
    public async Task Webhook_endpoint_added_at_run_time_through_the_control_surface_receives_events()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var server = await StartAsync();
        using var http = server.CreateHttpClient();
        using var added = await http.PostAsync("/_emulator/webhook_endpoints", new FormUrlEncodedContent([new("url", receiver.Url.ToString())]));
        added.EnsureSuccessStatusCode();

        await RunCardPaymentAsync(server.CreateStripeClient());
        var delivery = await receiver.NextMatchingAsync(d => d.Body.Contains("\"payment_intent.amount_capturable_updated\"") || d.Body.Contains("\"terminal.reader.action_succeeded\""));

        var stripeEvent = EventUtility.ConstructEvent(delivery.Body, delivery.Signature, WebhookSecret, tolerance: 300, utcNow: _time.GetUtcNow().ToUnixTimeSeconds());
        Assert.NotNull(stripeEvent.Id);
    }

    [Fact]
    public async Task A_whole_payment_leaves_no_api_key_or_webhook_secret_in_any_log_record()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var server = await StartAsync(new ServerSettings { WebhookUrls = [receiver.Url] });

        await RunCardPaymentAsync(server.CreateStripeClient());
        await receiver.NextMatchingAsync(d => d.Body.Contains("\"terminal.reader.action_succeeded\""));

        var logs = server.AllLogText();
        Assert.NotEmpty(server.ServerLog(1));
        Assert.DoesNotContain(RunningServer.ApiKey, logs);
        Assert.DoesNotContain(WebhookSecret, logs);
        Assert.DoesNotContain("Bearer", logs);
    }

    [Fact]
    public async Task Injected_lost_response_drops_the_connection_after_the_change_was_applied()
    {
        await using var server = await StartAsync();
        var stripe = server.CreateStripeClient(maxNetworkRetries: 0);
        _emulator.Faults.Add(new FaultRule(FaultKind.ResponseLost) { Operation = EmulatorOperations.PaymentIntentsCreate, NthMatch = 1 });

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => stripe.V1.PaymentIntents.CreateAsync(
            new PaymentIntentCreateOptions { Amount = 1500, Currency = "aud", AllowedPaymentMethodTypes = ["card_present"] },
            new RequestOptions { IdempotencyKey = "order-9-create-1" }));

        // No HTTP answer at all: the connection closed under the client, as when a real response is lost.
        Assert.Null(error.StatusCode);
        Assert.IsType<IOException>(error.InnerException);
        // ...yet the PaymentIntent exists, as after a real lost response.
        Assert.Single(_emulator.GetLedger().PaymentIntents);
        Assert.Single(server.ServerLog(2));
    }

    [Fact]
    public async Task Stripe_net_retry_after_a_lost_response_replays_instead_of_charging_twice()
    {
        await using var server = await StartAsync();
        var stripe = server.CreateStripeClient(maxNetworkRetries: 2);
        _emulator.Faults.Add(new FaultRule(FaultKind.ResponseLost) { Operation = EmulatorOperations.PaymentIntentsCreate, NthMatch = 1 });

        var intent = await stripe.V1.PaymentIntents.CreateAsync(
            new PaymentIntentCreateOptions { Amount = 1500, Currency = "aud", AllowedPaymentMethodTypes = ["card_present"] },
            new RequestOptions { IdempotencyKey = "order-10-create-1" });

        Assert.Equal(intent.Id, Assert.Single(_emulator.GetLedger().PaymentIntents).Id);
        Assert.Equal("true", intent.StripeResponse.Headers.GetValues("Idempotent-Replayed").Single());
    }

    [Theory]
    [InlineData(true, "true")]
    [InlineData(false, "false")]
    public async Task Injected_rate_limit_keeps_429_and_the_Stripe_Should_Retry_header(bool shouldRetry, string header)
    {
        await using var server = await StartAsync();
        var stripe = server.CreateStripeClient(maxNetworkRetries: 0);
        _emulator.Faults.Add(new FaultRule(FaultKind.RateLimited) { Operation = EmulatorOperations.PaymentIntentsList, ShouldRetry = shouldRetry });

        var error = await Assert.ThrowsAsync<StripeException>(() => stripe.V1.PaymentIntents.ListAsync());

        Assert.Equal((HttpStatusCode)429, error.HttpStatusCode);
        Assert.Equal("rate_limit", error.StripeError.Code);
        Assert.Equal(header, error.StripeResponse.Headers.GetValues("Stripe-Should-Retry").Single());
    }

    [Fact]
    public async Task Terminal_reader_errors_reach_Stripe_net_with_their_code()
    {
        await using var server = await StartAsync();
        var stripe = server.CreateStripeClient();
        var (_, reader) = await CreateLocationAndReaderAsync(stripe);
        var intent = await stripe.V1.PaymentIntents.CreateAsync(new PaymentIntentCreateOptions { Amount = 1000, Currency = "aud", AllowedPaymentMethodTypes = ["card_present"] });
        _emulator.Faults.SetReaderOffline(reader.Id);

        var error = await Assert.ThrowsAsync<StripeException>(() => stripe.V1.Terminal.Readers.ProcessPaymentIntentAsync(
            reader.Id, new ReaderProcessPaymentIntentOptions { PaymentIntent = intent.Id }));

        Assert.Equal("terminal_reader_offline", error.StripeError.Code);
        Assert.StartsWith("req_", error.StripeResponse.RequestId);
    }

    private async Task<RunningServer> StartAsync(ServerSettings? settings = null) =>
        await RunningServer.StartAsync(EmulatorBackend.For(_emulator), settings);

    private static async Task<(Location Location, Reader Reader)> CreateLocationAndReaderAsync(StripeClient stripe)
    {
        var location = await stripe.V1.Terminal.Locations.CreateAsync(new LocationCreateOptions
        {
            DisplayName = "Front counter",
            Address = new AddressOptions { Line1 = "1 George St", City = "Sydney", State = "NSW", PostalCode = "2000", Country = "AU" },
        });
        var reader = await stripe.V1.Terminal.Readers.CreateAsync(new ReaderCreateOptions
        {
            RegistrationCode = "simulated-s700",
            Location = location.Id,
            Label = "Counter 1",
        });
        return (location, reader);
    }

    private static async Task<Reader> RunCardPaymentAsync(StripeClient stripe)
    {
        var (_, reader) = await CreateLocationAndReaderAsync(stripe);
        var intent = await stripe.V1.PaymentIntents.CreateAsync(new PaymentIntentCreateOptions
        {
            Amount = 1000,
            Currency = "aud",
            AllowedPaymentMethodTypes = ["card_present"],
            CaptureMethod = "manual",
        });
        await stripe.V1.Terminal.Readers.ProcessPaymentIntentAsync(reader.Id, new ReaderProcessPaymentIntentOptions { PaymentIntent = intent.Id });
        await stripe.V1.TestHelpers.Terminal.Readers.PresentPaymentMethodAsync(reader.Id, new TestHelperPresentOptions { Type = "card_present" });
        await stripe.V1.PaymentIntents.CaptureAsync(intent.Id);
        return reader;
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient http, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", RunningServer.ApiKey);
        request.Headers.Add("Stripe-Version", StripeConfiguration.ApiVersion);
        return await http.SendAsync(request);
    }
}
