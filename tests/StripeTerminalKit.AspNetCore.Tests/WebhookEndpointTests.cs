using Microsoft.Extensions.Logging;
using StripeTerminalKit.TestHygiene;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Stripe;
using StripeTerminalKit.Webhooks;

namespace StripeTerminalKit.AspNetCore.Tests;

public sealed class WebhookEndpointTests : IAsyncLifetime
{
    private const string Secret = "whsec_endpoint_test";
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 10, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _time = new(Now);
    private readonly List<TerminalWebhookEvent> _received = [];
    private WebApplication _app = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.AddProvider(ScanningLoggerProvider.Instance).SetMinimumLevel(LogLevel.Trace);
        builder.Services.AddSingleton<TimeProvider>(_time);
        builder.Services.AddSingleton<ITerminalWebhookHandler>(new Recorder(_received));
        builder.Services.AddStripeTerminalWebhooks(o =>
        {
            o.SigningSecrets.Add(Secret);
            o.MaxBodyBytes = 16 * 1024;
        });
        _app = builder.Build();
        _app.MapStripeTerminalWebhooks("/stripe/webhooks");
        await _app.StartAsync();
        _client = _app.GetTestClient();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _app.DisposeAsync();
    }

    private static string Event(string id) =>
        "{\"id\":\"" + id + "\",\"object\":\"event\",\"created\":1795000000,\"data\":{\"object\":{\"id\":\"pi_1\",\"object\":\"payment_intent\",\"status\":\"succeeded\"}},\"type\":\"payment_intent.succeeded\"}";

    private async Task<HttpResponseMessage> PostAsync(string body, string? signature)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/stripe/webhooks") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (signature is not null)
        {
            request.Headers.TryAddWithoutValidation("Stripe-Signature", signature);
        }

        return await _client.SendAsync(request);
    }

    [Fact]
    public async Task A_signed_delivery_gets_200_and_reaches_the_handlers()
    {
        var body = Event("evt_ok");

        var response = await PostAsync(body, EventUtility.GenerateSignatureHeader(body, Secret, Now.ToUnixTimeSeconds()));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("pi_1", Assert.Single(_received).PaymentIntentId);
    }

    [Fact]
    public async Task A_bad_signature_gets_400_and_reaches_no_handler()
    {
        var body = Event("evt_bad");

        var response = await PostAsync(body, EventUtility.GenerateSignatureHeader(body, "whsec_wrong", Now.ToUnixTimeSeconds()));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("SignatureMismatch", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(_received);
    }

    [Fact]
    public async Task A_missing_signature_gets_400()
    {
        var response = await PostAsync(Event("evt_nosig"), null);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task An_oversized_body_gets_413_without_being_read_whole()
    {
        var body = new string('x', 20 * 1024);

        var response = await PostAsync(body, "t=1,v1=" + new string('0', 64));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task A_duplicate_delivery_gets_200_but_is_handled_once()
    {
        var body = Event("evt_dup");
        var header = EventUtility.GenerateSignatureHeader(body, Secret, Now.ToUnixTimeSeconds());

        var first = await PostAsync(body, header);
        var second = await PostAsync(body, header);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Single(_received);

        // The answer (source-generated JSON since the endpoint became trim-safe) keeps its shape.
        Assert.Equal("application/json; charset=utf-8", first.Content.Headers.ContentType?.ToString());
        Assert.Equal("{\"received\":true,\"duplicate\":false}", await first.Content.ReadAsStringAsync());
        Assert.Equal("{\"received\":true,\"duplicate\":true}", await second.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_signed_body_with_invalid_UTF8_in_a_string_gets_400_not_500()
    {
        byte[] body = [.. Encoding.UTF8.GetBytes("{\"id\":\"evt_"), 0xC3, 0x28, .. Encoding.UTF8.GetBytes("\",\"object\":\"event\",\"created\":1795000000,\"data\":{\"object\":{\"id\":\"pi_1\",\"object\":\"payment_intent\",\"status\":\"succeeded\"}},\"type\":\"payment_intent.succeeded\"}")];
        var t = Now.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var mac = System.Security.Cryptography.HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), (byte[])[.. Encoding.UTF8.GetBytes(t + "."), .. body]);
        var header = $"t={t},v1={Convert.ToHexStringLower(mac)}";
        using var request = new HttpRequestMessage(HttpMethod.Post, "/stripe/webhooks") { Content = new ByteArrayContent(body) };
        request.Headers.TryAddWithoutValidation("Stripe-Signature", header);

        var response = await _client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("MalformedBody", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(_received);
    }

    [Fact]
    public async Task A_signed_event_id_with_an_escaped_lone_surrogate_gets_400_not_500()
    {
        var body = Event("evt_\\ud800");

        var response = await PostAsync(body, EventUtility.GenerateSignatureHeader(body, Secret, Now.ToUnixTimeSeconds()));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(_received);
    }

    private sealed class Recorder(List<TerminalWebhookEvent> sink) : ITerminalWebhookHandler
    {
        public ValueTask HandleAsync(TerminalWebhookEvent webhookEvent, CancellationToken cancellationToken)
        {
            lock (sink)
            {
                sink.Add(webhookEvent);
            }

            return ValueTask.CompletedTask;
        }
    }
}

public sealed class WebhookEndpointRegistrationTests
{
    [Fact]
    public async Task Mapping_the_endpoint_without_AddStripeTerminalWebhooks_fails_at_start_up_naming_the_fix()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        await using var app = builder.Build();

        var error = Assert.Throws<InvalidOperationException>(() => app.MapStripeTerminalWebhooks("/stripe/webhooks"));
        SuiteSecretScanner.Scan(error, "exception");

        Assert.Contains("AddStripeTerminalWebhooks", error.Message, StringComparison.Ordinal);
    }
}

public sealed class StartupValidationTests
{
    private const string ApiKeyLookalike = "sk_test_not_a_signing_secret_123";

    public static TheoryData<string, string> BadSettings => new()
    {
        { "kit", "StripeTerminal:ReaderPollInterval must be positive." },
        { "checkout", "StripeTerminalCheckoutOptions.PollInterval must be positive." },
        { "reconciler", "CheckoutReconcilerOptions.OrphanGracePeriod must not be negative." },
        { "webhooks", "StripeWebhooks:SigningSecrets:0 is not a webhook signing secret: it must start with 'whsec_' (an API key is not a signing secret)." },
    };

    /// <summary>
    /// Each options type the kit registers is validated one way: an <c>IValidateOptions</c> run by
    /// <c>ValidateOnStart</c>, so a host with a bad setting refuses to start, naming the setting and
    /// never a secret.
    /// </summary>
    [Theory]
    [MemberData(nameof(BadSettings))]
    public async Task A_host_with_a_bad_setting_refuses_to_start_naming_it_and_no_secret(string options, string expected)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = "Development" });
        builder.WebHost.UseTestServer();
        builder.Services.AddStripeTerminalKit(o =>
            {
                o.Country = "AU";
                o.ReaderPollInterval = options == "kit" ? TimeSpan.Zero : o.ReaderPollInterval;
            })
            .UseEmulator()
            .AddCheckout(o => o.PollInterval = options == "checkout" ? TimeSpan.Zero : o.PollInterval)
            .AddCheckoutReconciler(o => o.OrphanGracePeriod = options == "reconciler" ? TimeSpan.FromMinutes(-1) : o.OrphanGracePeriod);
        builder.Services.AddStripeTerminalWebhooks(o => o.SigningSecrets.Add(options == "webhooks" ? ApiKeyLookalike : "whsec_startup_test"));
        await using var app = builder.Build();
        app.MapStripeTerminalWebhooks();

        var error = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => app.StartAsync());
        SuiteSecretScanner.Scan(error, "exception");

        Assert.Equal([expected], error.Failures);
        Assert.DoesNotContain(ApiKeyLookalike, error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(StripeTerminalKit.Emulator.StripeEmulator.TestApiKey, error.ToString(), StringComparison.Ordinal);
    }
}
