namespace StripeTerminalKit.Emulator.Tests.Webhooks;

/// <summary>
/// Deliveries over real loopback sockets to listeners that behave like users' own test listeners
/// (issue 13 item 9): HTTP/1.0 answers, an endpoint that never answers, redirects. The clock is a
/// FakeTimeProvider that these tests never advance unless they say so, so a delivery that only
/// happens after a retry delay or an attempt timeout does not happen at all.
/// </summary>
public sealed class EmulatorWebhooksTransportTests
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task After_an_HTTP_1_0_answer_the_next_delivery_goes_out_on_a_fresh_connection_in_order()
    {
        var time = WebhookTestKit.NewTime();
        await using var webhooks = WebhookTestKit.NewWebhooks(time);
        await using var listener = new LoopbackWebhookListener(_ => LoopbackAnswer.Ok10);
        using var subscription = webhooks.AddEndpoint(listener.Url);

        for (int n = 1; n <= 3; n++)
        {
            webhooks.Publish(WebhookTestKit.ReaderActionSucceeded(n));
        }

        await webhooks.DrainWithGuardAsync();

        // Before the fix the second delivery went out on the connection the endpoint had closed,
        // failed, and was retried 5 s later, after the third: out of order.
        Assert.Equal([.. Enumerable.Range(1, 3).Select(n => WebhookTestKit.ReaderActionSucceeded(n).Json)], listener.Bodies);
        Assert.Equal([1, 2, 3], listener.ConnectionNumbers);
        Assert.Equal(new EmulatorWebhookCounters { Published = 3, Delivered = 3 }, subscription.Counters);
        Assert.Null(subscription.LastFailure);
    }

    [Fact]
    public async Task An_endpoint_that_never_answers_does_not_hold_up_the_others()
    {
        var time = WebhookTestKit.NewTime();
        await using var webhooks = WebhookTestKit.NewWebhooks(time);
        await using var stuck = new LoopbackWebhookListener(_ => LoopbackAnswer.Hang);
        await using var healthy = new LoopbackWebhookListener(_ => LoopbackAnswer.Ok11);
        using var stuckSubscription = webhooks.AddEndpoint(stuck.Url);
        using var healthySubscription = webhooks.AddEndpoint(healthy.Url);

        webhooks.Publish(WebhookTestKit.ReaderActionSucceeded(1));
        webhooks.Publish(WebhookTestKit.ReaderActionSucceeded(2));

        // The clock stands still: before the fix the healthy endpoint waited for the stuck one's
        // 30 s attempt timeout, so this never completed.
        await healthy.WaitForRequestsAsync(2).WaitAsync(Guard);
        await stuck.WaitForRequestsAsync(1).WaitAsync(Guard);

        Assert.Equal([WebhookTestKit.ReaderActionSucceeded(1).Json, WebhookTestKit.ReaderActionSucceeded(2).Json], healthy.Bodies);
        Assert.Single(stuck.Bodies);

        // The listener has the second request; the emulator must also have read its answer before the
        // clock moves, or that answer's own attempt timeout fires (it raced on a busy CI machine).
        await UntilAsync(() => healthySubscription.Counters.Delivered == 2).WaitAsync(Guard);

        // The stuck endpoint's attempt still times out on the emulator's clock; only then does its
        // own lane move on to its next event (which hangs in turn).
        time.Advance(EmulatorWebhookRetryPolicy.Default.AttemptTimeout);
        await stuck.WaitForRequestsAsync(2).WaitAsync(Guard);
        Assert.Equal(1, stuckSubscription.Counters.FailedAttempts);
        Assert.Equal("Timed out after 00:00:30.", stuckSubscription.LastFailure);
        Assert.Equal(new EmulatorWebhookCounters { Published = 2, Delivered = 2 }, healthySubscription.Counters);
    }

    [Fact]
    public async Task A_redirect_is_a_failed_delivery_and_is_not_followed()
    {
        var time = WebhookTestKit.NewTime();
        await using var webhooks = WebhookTestKit.NewWebhooks(time);
        await using var target = new LoopbackWebhookListener(_ => LoopbackAnswer.Ok11);
        await using var redirecting = new LoopbackWebhookListener(_ => LoopbackAnswer.Redirect, redirectTo: target.Url.ToString());
        using var subscription = webhooks.AddEndpoint(redirecting.Url);

        webhooks.Publish(WebhookTestKit.ReaderActionSucceeded(1));
        await webhooks.DrainWithGuardAsync();

        // Stripe: a 3xx answer is a failed delivery (docs: webhooks, "Event delivery behaviours").
        Assert.Single(redirecting.Bodies);
        Assert.Empty(target.Bodies);
        Assert.Equal(new EmulatorWebhookCounters { Published = 1, FailedAttempts = 1 }, subscription.Counters);
        Assert.Equal("HTTP 302 (Found)", subscription.LastFailure);
    }

    [Fact]
    public async Task A_redirect_followed_by_a_callers_own_handler_still_counts_as_failed()
    {
        var time = WebhookTestKit.NewTime();
        await using var webhooks = WebhookTestKit.NewWebhooks(time);
        await using var target = new LoopbackWebhookListener(_ => LoopbackAnswer.Ok11);
        await using var redirecting = new LoopbackWebhookListener(_ => LoopbackAnswer.Redirect, redirectTo: target.Url.ToString());
        using var following = new SocketsHttpHandler { AllowAutoRedirect = true };
        using var subscription = webhooks.AddEndpoint(redirecting.Url, following);

        webhooks.Publish(WebhookTestKit.ReaderActionSucceeded(1));
        await webhooks.DrainWithGuardAsync();

        Assert.Equal(new EmulatorWebhookCounters { Published = 1, FailedAttempts = 1 }, subscription.Counters);
        Assert.StartsWith("Redirected", subscription.LastFailure, StringComparison.Ordinal);
    }

    private static async Task UntilAsync(Func<bool> condition)
    {
        // Real sockets on the other side: wait for the emulator's delivery loop, not for the clock.
        while (!condition())
        {
            await Task.Delay(TimeSpan.FromMilliseconds(5), TimeProvider.System);
        }
    }
}
