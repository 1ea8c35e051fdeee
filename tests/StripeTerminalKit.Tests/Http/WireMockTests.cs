using System.Net;
using Microsoft.Extensions.DependencyInjection;
using StripeTerminalKit.Errors;
using StripeTerminalKit.Payments;
using StripeTerminalKit.Tests.TestSupport;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace StripeTerminalKit.Tests.Http;

/// <summary>
/// The HTTP layer misbehaving for real, on a loopback WireMock server: unreadable bodies, dropped
/// connections, slow answers, 429/5xx with Stripe's headers. The kit's clock is fake; only the
/// sockets are real.
/// </summary>
public sealed class WireMockTests : IDisposable
{
    private const string PaymentIntentJson = """
        {"id":"pi_wm","object":"payment_intent","amount":1000,"currency":"aud","status":"requires_payment_method","capture_method":"automatic","livemode":false,"metadata":{},"amount_capturable":0,"amount_received":0,"created":1795000000}
        """;

    private readonly WireMockServer _server = WireMockServer.Start();

    public void Dispose() => _server.Stop();

    private TestKit Kit()
    {
        var time = new ObservableTimeProvider();
        var services = TestKit.BaseServices(time);
        services.AddStripeTerminalKit(o =>
        {
            o.ApiKey = TestSecrets.ApiKey;
            o.Country = "AU";
            o.ApiBase = new Uri(_server.Url!);
            o.Retry.JitterSeed = 7;
        });
        return TestKit.Wrap(services.BuildServiceProvider(), time);
    }

    private void FirstThen(IResponseBuilder first, IResponseBuilder then)
    {
        _server.Given(Request.Create().WithPath("/v1/payment_intents").UsingPost())
            .InScenario("flaky").WillSetStateTo("answered").RespondWith(first);
        _server.Given(Request.Create().WithPath("/v1/payment_intents").UsingPost())
            .InScenario("flaky").WhenStateIs("answered").RespondWith(then);
    }

    private static IResponseBuilder Ok() => Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithHeader("Request-Id", "req_ok").WithBody(PaymentIntentJson);

    private string[] SentKeys() => _server.LogEntries
        .Where(e => e.RequestMessage.Path == "/v1/payment_intents")
        .Select(e => e.RequestMessage.Headers!["Idempotency-Key"].Single())
        .ToArray();

    [Fact]
    public async Task Malformed_json_is_retried_with_the_same_key()
    {
        FirstThen(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody("{\"id\":\"pi_wm\",\"amount\":"), Ok());
        await using var kit = Kit();

        var (payment, delays) = await kit.Time.RunAdvancingAsync(() => kit.Payments.CreateAsync(new CreatePaymentRequest(1000)));

        Assert.Equal("pi_wm", payment.Id);
        Assert.Equal([TimeSpan.FromMilliseconds(404)], delays);
        Assert.Equal(2, SentKeys().Length);
        Assert.Single(SentKeys().Distinct());
    }

    [Fact]
    public async Task A_dropped_connection_is_retried_with_the_same_key()
    {
        FirstThen(Response.Create().WithFault(FaultType.EMPTY_RESPONSE), Ok());
        await using var kit = Kit();

        var (payment, _) = await kit.Time.RunAdvancingAsync(() => kit.Payments.CreateAsync(new CreatePaymentRequest(1000)));

        Assert.Equal("pi_wm", payment.Id);
        Assert.Single(SentKeys().Distinct());
        Assert.Equal(2, SentKeys().Length);
    }

    [Fact]
    public async Task A_slow_answer_is_abandoned_at_the_attempt_timeout_and_retried()
    {
        FirstThen(Ok().WithDelay(TimeSpan.FromSeconds(3)), Ok());
        await using var kit = Kit();
        var delaysBefore = kit.Time.Delays.Count;

        var call = kit.Payments.CreateAsync(new CreatePaymentRequest(1000));
        await WaitForRequestsAsync(1);
        kit.Time.Advance(TimeSpan.FromSeconds(30));
        kit.Time.Advance(await kit.Time.WaitForDelayAsync(delaysBefore));
        var payment = await call.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal("pi_wm", payment.Id);
        Assert.Single(SentKeys().Distinct());
        Assert.Contains(kit.Logs.GetSnapshot(), r => r.Message.Contains("because of timeout", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_429_with_retry_after_is_waited_out_then_the_call_succeeds()
    {
        FirstThen(
            Response.Create().WithStatusCode(429).WithHeader("Retry-After", "2").WithHeader("Request-Id", "req_429")
                .WithHeader("Content-Type", "application/json").WithBody("""{"error":{"type":"invalid_request_error","code":"rate_limit","message":"Too many requests"}}"""),
            Ok());
        await using var kit = Kit();

        var (_, delays) = await kit.Time.RunAdvancingAsync(() => kit.Payments.CreateAsync(new CreatePaymentRequest(1000)));

        Assert.Equal([TimeSpan.FromSeconds(2)], delays);
    }

    [Fact]
    public async Task A_503_that_stripe_says_not_to_retry_keeps_its_request_id()
    {
        _server.Given(Request.Create().WithPath("/v1/payment_intents").UsingPost()).RespondWith(
            Response.Create().WithStatusCode(503).WithHeader("Stripe-Should-Retry", "false").WithHeader("Request-Id", "req_503abc")
                .WithHeader("Content-Type", "application/json").WithBody("""{"error":{"type":"api_error","message":"Service unavailable"}}"""));
        await using var kit = Kit();

        var error = await TestKit.ThrowsAsync<StripeUnavailableException>(() => kit.Payments.CreateAsync(new CreatePaymentRequest(1000)));

        Assert.Equal("req_503abc", error.RequestId);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, error.HttpStatusCode);
        Assert.False(error.StripeShouldRetry);
        Assert.Single(SentKeys());
    }

    [Fact]
    public async Task A_proxy_error_page_is_an_unreadable_response_and_is_retried()
    {
        FirstThen(Response.Create().WithStatusCode(502).WithHeader("Content-Type", "text/html").WithBody("<html><body>Bad gateway</body></html>"), Ok());
        await using var kit = Kit();

        var (payment, delays) = await kit.Time.RunAdvancingAsync(() => kit.Payments.CreateAsync(new CreatePaymentRequest(1000)));

        Assert.Equal("pi_wm", payment.Id);
        Assert.Single(delays);
    }

    private async Task WaitForRequestsAsync(int count)
    {
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (_server.LogEntries.Count < count)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(5), TimeProvider.System, guard.Token);
        }
    }
}
