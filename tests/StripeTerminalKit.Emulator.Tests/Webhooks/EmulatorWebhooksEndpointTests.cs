using System.Net;
using Stripe;

namespace StripeTerminalKit.Emulator.Tests.Webhooks;

public sealed class EmulatorWebhooksEndpointTests
{
    private static readonly Uri EndpointUrl = new("https://pos.example.test/stripe/webhooks");

    [Fact]
    public async Task Endpoint_receives_a_signed_json_POST_as_Stripe_sends_it()
    {
        var time = WebhookTestKit.NewTime();
        await using var webhooks = WebhookTestKit.NewWebhooks(time);
        var endpoint = new FakeWebhookEndpoint(time, _ => HttpStatusCode.OK);
        using var subscription = webhooks.AddEndpoint(EndpointUrl, endpoint);

        webhooks.Publish(WebhookTestKit.ReaderActionSucceeded(1));
        await webhooks.DrainWithGuardAsync();

        ReceivedRequest request = Assert.Single(endpoint.Requests);
        Assert.Equal(HttpMethod.Post, request.Method);
        Assert.Equal(EndpointUrl, request.Url);
        Assert.Equal("application/json", request.MediaType);
        Assert.Equal("utf-8", request.CharSet);
        Assert.StartsWith("Stripe/1.0", request.UserAgent, StringComparison.Ordinal);
        Assert.Equal(WebhookTestKit.ReaderActionSucceeded(1).Json, request.Body);
        Event stripeEvent = EventUtility.ConstructEvent(
            request.Body, request.Signature, webhooks.Secret, 300, time.GetUtcNow().ToUnixTimeSeconds(), throwOnApiVersionMismatch: true);
        Assert.Equal(WebhookTestKit.EventId(1), stripeEvent.Id);
        Assert.Equal(EndpointUrl, subscription.Url);
        Assert.StartsWith("we_", subscription.Id, StringComparison.Ordinal);
        Assert.Equal(new EmulatorWebhookCounters { Published = 1, Delivered = 1 }, subscription.Counters);
    }

    [Fact]
    public async Task A_500_is_retried_with_exponential_backoff_until_a_2xx()
    {
        var time = WebhookTestKit.NewTime();
        await using var webhooks = WebhookTestKit.NewWebhooks(time);
        var endpoint = new FakeWebhookEndpoint(time, n => n <= 2 ? HttpStatusCode.InternalServerError : HttpStatusCode.NoContent);
        using var subscription = webhooks.AddEndpoint(EndpointUrl, endpoint);

        webhooks.Publish(WebhookTestKit.ReaderActionSucceeded(1));
        await webhooks.DrainWithGuardAsync();
        Assert.Single(endpoint.Requests);
        Assert.Equal("HTTP 500 (InternalServerError)", subscription.LastFailure);

        time.Advance(TimeSpan.FromSeconds(4));
        await webhooks.DrainWithGuardAsync();
        Assert.Single(endpoint.Requests);

        time.Advance(TimeSpan.FromSeconds(1)); // first retry: 5 s after the first attempt
        await webhooks.DrainWithGuardAsync();
        Assert.Equal(2, endpoint.Requests.Count);

        time.Advance(TimeSpan.FromSeconds(9));
        await webhooks.DrainWithGuardAsync();
        Assert.Equal(2, endpoint.Requests.Count);

        time.Advance(TimeSpan.FromSeconds(1)); // second retry: 10 s after the first retry
        await webhooks.DrainWithGuardAsync();

        Assert.Equal(
            [WebhookTestKit.Start, WebhookTestKit.Start.AddSeconds(5), WebhookTestKit.Start.AddSeconds(15)],
            endpoint.Requests.Select(r => r.ReceivedAt));
        foreach (ReceivedRequest request in endpoint.Requests)
        {
            Assert.NotNull(EventUtility.ConstructEvent(request.Body, request.Signature, webhooks.Secret, 0, request.ReceivedAt.ToUnixTimeSeconds(), true));
        }

        Assert.Equal(new EmulatorWebhookCounters { Published = 1, Delivered = 1, FailedAttempts = 2 }, subscription.Counters);
    }

    [Fact]
    public async Task A_delivery_is_abandoned_after_the_last_attempt()
    {
        var time = WebhookTestKit.NewTime();
        await using var webhooks = WebhookTestKit.NewWebhooks(time);
        webhooks.RetryPolicy = new EmulatorWebhookRetryPolicy { MaxAttempts = 3, FirstRetryDelay = TimeSpan.FromMinutes(1) };
        var endpoint = new FakeWebhookEndpoint(time, _ => HttpStatusCode.ServiceUnavailable);
        using var subscription = webhooks.AddEndpoint(EndpointUrl, endpoint);

        webhooks.Publish(WebhookTestKit.ReaderActionSucceeded(1));
        for (int minute = 0; minute <= 10; minute++)
        {
            await webhooks.DrainWithGuardAsync();
            time.Advance(TimeSpan.FromMinutes(1));
        }

        Assert.Equal(
            [WebhookTestKit.Start, WebhookTestKit.Start.AddMinutes(1), WebhookTestKit.Start.AddMinutes(3)],
            endpoint.Requests.Select(r => r.ReceivedAt));
        Assert.Equal(new EmulatorWebhookCounters { Published = 1, FailedAttempts = 3, Abandoned = 1 }, subscription.Counters);
        Assert.Equal("HTTP 503 (ServiceUnavailable)", subscription.LastFailure);
    }

    [Fact]
    public async Task A_transport_exception_fails_the_attempt_and_does_not_hold_up_other_endpoints()
    {
        var time = WebhookTestKit.NewTime();
        await using var webhooks = WebhookTestKit.NewWebhooks(time);
        using var broken = webhooks.AddEndpoint(new Uri("https://down.example.test/webhooks"), new ThrowingHandler());
        var healthy = new FakeWebhookEndpoint(time, _ => HttpStatusCode.OK);
        using var healthySubscription = webhooks.AddEndpoint(EndpointUrl, healthy);

        webhooks.Publish(WebhookTestKit.ReaderActionSucceeded(1));
        webhooks.Publish(WebhookTestKit.ReaderActionSucceeded(2));
        await webhooks.DrainWithGuardAsync();

        Assert.Equal([WebhookTestKit.ReaderActionSucceeded(1).Json, WebhookTestKit.ReaderActionSucceeded(2).Json], healthy.Requests.Select(r => r.Body));
        Assert.Equal(new EmulatorWebhookCounters { Published = 2, FailedAttempts = 2 }, broken.Counters);
        Assert.Equal("HttpRequestException: Connection refused (down.example.test:443)", broken.LastFailure);
        Assert.Equal(new EmulatorWebhookCounters { Published = 2, Delivered = 2 }, healthySubscription.Counters);
    }

    [Fact]
    public async Task An_endpoint_only_gets_its_enabled_events()
    {
        var time = WebhookTestKit.NewTime();
        await using var webhooks = WebhookTestKit.NewWebhooks(time);
        var endpoint = new FakeWebhookEndpoint(time, _ => HttpStatusCode.OK);
        using var subscription = webhooks.AddEndpoint(EndpointUrl, endpoint, [EventTypes.TerminalReaderActionFailed]);

        webhooks.Publish(WebhookTestKit.ReaderActionSucceeded(1));
        webhooks.Publish(WebhookTestKit.PaymentIntentSucceeded(2));
        webhooks.Publish(WebhookTestKit.ReaderActionFailed(3));
        await webhooks.DrainWithGuardAsync();

        ReceivedRequest request = Assert.Single(endpoint.Requests);
        Assert.Equal(WebhookTestKit.ReaderActionFailed(3).Json, request.Body);
        Assert.Equal(new EmulatorWebhookCounters { Published = 1, Delivered = 1 }, subscription.Counters);
    }

    [Fact]
    public async Task A_removed_endpoint_gets_no_retry()
    {
        var time = WebhookTestKit.NewTime();
        await using var webhooks = WebhookTestKit.NewWebhooks(time);
        var endpoint = new FakeWebhookEndpoint(time, _ => HttpStatusCode.InternalServerError);
        var subscription = webhooks.AddEndpoint(EndpointUrl, endpoint);
        webhooks.Publish(WebhookTestKit.ReaderActionSucceeded(1));
        await webhooks.DrainWithGuardAsync();

        subscription.Dispose();
        time.Advance(TimeSpan.FromMinutes(5));
        await webhooks.DrainWithGuardAsync();

        Assert.Single(endpoint.Requests);
        Assert.False(subscription.IsActive);
    }

    private sealed class ThrowingHandler : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            throw new HttpRequestException($"Connection refused ({request.RequestUri!.Host}:{request.RequestUri.Port})");
    }
}
