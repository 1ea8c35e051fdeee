namespace StripeTerminalKit.Emulator.Tests.Webhooks;

public sealed class EmulatorWebhooksDeliveryTests
{
    [Fact]
    public async Task Subscriber_receives_events_in_publish_order()
    {
        var time = WebhookTestKit.NewTime();
        await using var webhooks = WebhookTestKit.NewWebhooks(time);
        var recorder = new DeliveryRecorder();
        webhooks.Subscribe(recorder.HandleAsync);

        for (int n = 1; n <= 100; n++)
        {
            webhooks.Publish(n % 3 == 0 ? WebhookTestKit.PaymentIntentSucceeded(n) : WebhookTestKit.ReaderActionSucceeded(n));
        }

        await webhooks.DrainWithGuardAsync();

        Assert.Equal(Enumerable.Range(1, 100).Select(WebhookTestKit.EventId), recorder.EventIds);
        Assert.All(recorder.Deliveries, d => Assert.Equal(1, d.Attempt));
        Assert.Equal(new EmulatorWebhookCounters { Published = 100, Delivered = 100 }, webhooks.Counters);
    }

    [Fact]
    public async Task Enabled_events_filter_what_each_subscription_receives()
    {
        var time = WebhookTestKit.NewTime();
        await using var webhooks = WebhookTestKit.NewWebhooks(time);
        var all = new DeliveryRecorder();
        var readerOutcomes = new DeliveryRecorder();
        var paymentIntents = new DeliveryRecorder();
        webhooks.Subscribe(all.HandleAsync, ["*"]);
        var readerSubscription = webhooks.Subscribe(readerOutcomes.HandleAsync, ["terminal.reader.action_succeeded", "terminal.reader.action_failed"]);
        webhooks.Subscribe(paymentIntents.HandleAsync, ["payment_intent.*"]);

        webhooks.Publish(WebhookTestKit.ReaderActionSucceeded(1));
        webhooks.Publish(WebhookTestKit.PaymentIntentSucceeded(2));
        webhooks.Publish(WebhookTestKit.ReaderActionFailed(3));
        await webhooks.DrainWithGuardAsync();

        Assert.Equal([WebhookTestKit.EventId(1), WebhookTestKit.EventId(2), WebhookTestKit.EventId(3)], all.EventIds);
        Assert.Equal([WebhookTestKit.EventId(1), WebhookTestKit.EventId(3)], readerOutcomes.EventIds);
        Assert.Equal([WebhookTestKit.EventId(2)], paymentIntents.EventIds);
        Assert.Equal(new EmulatorWebhookCounters { Published = 2, Delivered = 2 }, readerSubscription.Counters);
        Assert.Equal(["terminal.reader.action_succeeded", "terminal.reader.action_failed"], readerSubscription.EnabledEvents);
        Assert.Equal(new EmulatorWebhookCounters { Published = 3, Delivered = 6 }, webhooks.Counters);
    }

    [Fact]
    public async Task A_family_pattern_does_not_match_a_longer_prefix()
    {
        var time = WebhookTestKit.NewTime();
        await using var webhooks = WebhookTestKit.NewWebhooks(time);
        var recorder = new DeliveryRecorder();
        webhooks.Subscribe(recorder.HandleAsync, ["terminal.*"]);

        webhooks.Publish(WebhookTestKit.ReaderActionSucceeded(1));
        webhooks.Publish(WebhookTestKit.PaymentIntentSucceeded(2));
        webhooks.Publish(new EmulatorEvent("evt_x", "terminalx.other", WebhookTestKit.Start, "{}"));
        await webhooks.DrainWithGuardAsync();

        Assert.Equal([WebhookTestKit.EventId(1)], recorder.EventIds);
    }

    [Fact]
    public async Task Pending_webhooks_count_follows_the_filters_of_active_subscriptions()
    {
        var time = WebhookTestKit.NewTime();
        await using var webhooks = WebhookTestKit.NewWebhooks(time);
        webhooks.Subscribe((_, _) => Task.CompletedTask, ["terminal.reader.action_succeeded", "terminal.reader.action_failed"]);
        using var paymentIntents = webhooks.Subscribe((_, _) => Task.CompletedTask, ["payment_intent.*"]);
        using var endpoint = webhooks.AddEndpoint(new Uri("https://pos.example.test/webhooks"), new StatusHandler(200));

        Assert.Equal(2, webhooks.CountSubscriptionsFor("terminal.reader.action_failed"));
        Assert.Equal(2, webhooks.CountSubscriptionsFor("payment_intent.succeeded"));
        Assert.Equal(1, webhooks.CountSubscriptionsFor("refund.created"));

        paymentIntents.Dispose();

        Assert.Equal(1, webhooks.CountSubscriptionsFor("payment_intent.succeeded"));
    }

    [Fact]
    public async Task An_infinite_attempt_timeout_waits_for_the_handler()
    {
        var time = WebhookTestKit.NewTime();
        await using var webhooks = WebhookTestKit.NewWebhooks(time);
        webhooks.RetryPolicy = new EmulatorWebhookRetryPolicy { AttemptTimeout = Timeout.InfiniteTimeSpan };
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var recorder = new DeliveryRecorder(_ => release.Task);
        webhooks.Subscribe(recorder.HandleAsync);

        webhooks.Publish(WebhookTestKit.ReaderActionSucceeded(1));
        Task drain = webhooks.DrainAsync();
        time.Advance(TimeSpan.FromDays(1));

        Assert.False(drain.IsCompleted);
        release.SetResult();
        await drain.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(new EmulatorWebhookCounters { Published = 1, Delivered = 1 }, webhooks.Counters);
    }

    [Fact]
    public async Task Invalid_subscriptions_are_refused()
    {
        var time = WebhookTestKit.NewTime();
        await using var webhooks = WebhookTestKit.NewWebhooks(time);
        var recorder = new DeliveryRecorder();

        Assert.Throws<ArgumentNullException>(() => webhooks.Subscribe(null!));
        Assert.Throws<ArgumentException>(() => webhooks.Subscribe(recorder.HandleAsync, []));
        Assert.Throws<ArgumentException>(() => webhooks.Subscribe(recorder.HandleAsync, ["terminal.reader.action_failed", " "]));
        Assert.Throws<ArgumentException>(() => webhooks.AddEndpoint(new Uri("/webhooks", UriKind.Relative)));
        Assert.Throws<ArgumentException>(() => webhooks.AddEndpoint(new Uri("ftp://pos.example.test/webhooks")));
        Assert.Empty(webhooks.Subscriptions);
    }

    [Fact]
    public async Task A_throwing_subscriber_does_not_stop_delivery_to_others_and_is_retried()
    {
        var time = WebhookTestKit.NewTime();
        await using var webhooks = WebhookTestKit.NewWebhooks(time);
        var failing = new DeliveryRecorder(d => d.Attempt == 1 ? throw new InvalidOperationException("boom") : Task.CompletedTask);
        var healthy = new DeliveryRecorder();
        var failingSubscription = webhooks.Subscribe(failing.HandleAsync);
        webhooks.Subscribe(healthy.HandleAsync);

        for (int n = 1; n <= 3; n++)
        {
            webhooks.Publish(WebhookTestKit.ReaderActionSucceeded(n));
        }

        await webhooks.DrainWithGuardAsync();

        Assert.Equal([WebhookTestKit.EventId(1), WebhookTestKit.EventId(2), WebhookTestKit.EventId(3)], healthy.EventIds);
        Assert.Equal(3, failing.Deliveries.Count);
        Assert.Equal(new EmulatorWebhookCounters { Published = 3, FailedAttempts = 3 }, failingSubscription.Counters);
        Assert.Equal("InvalidOperationException: boom", failingSubscription.LastFailure);

        time.Advance(EmulatorWebhookRetryPolicy.Default.FirstRetryDelay);
        await webhooks.DrainWithGuardAsync();

        Assert.Equal([1, 1, 1, 2, 2, 2], failing.Deliveries.Select(d => d.Attempt));
        Assert.Equal(failing.EventIds.Take(3), failing.EventIds.Skip(3));
        Assert.Equal(new EmulatorWebhookCounters { Published = 3, Delivered = 3, FailedAttempts = 3 }, failingSubscription.Counters);
        Assert.Equal(new EmulatorWebhookCounters { Published = 3, Delivered = 6, FailedAttempts = 3 }, webhooks.Counters);
    }

    [Fact]
    public async Task A_subscriber_that_hangs_times_out_on_the_emulator_clock_and_its_token_is_cancelled()
    {
        var time = WebhookTestKit.NewTime();
        await using var webhooks = WebhookTestKit.NewWebhooks(time);
        webhooks.RetryPolicy = new EmulatorWebhookRetryPolicy { MaxAttempts = 1, AttemptTimeout = TimeSpan.FromSeconds(10) };
        var started = new TaskCompletionSource<CancellationToken>(TaskCreationOptions.RunContinuationsAsynchronously);
        var never = new TaskCompletionSource();
        var hanging = webhooks.Subscribe((_, token) =>
        {
            started.TrySetResult(token);
            return never.Task; // ignores its token on purpose
        });
        var healthy = new DeliveryRecorder();
        webhooks.Subscribe(healthy.HandleAsync);

        webhooks.Publish(WebhookTestKit.ReaderActionSucceeded(1));
        CancellationToken token = await started.Task.WaitAsync(TimeSpan.FromSeconds(20));
        Task drain = webhooks.DrainAsync();
        Assert.False(drain.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(10));
        await drain.WaitAsync(TimeSpan.FromSeconds(20));

        Assert.True(token.IsCancellationRequested);
        Assert.Equal("Timed out after 00:00:10.", hanging.LastFailure);
        Assert.Equal(new EmulatorWebhookCounters { Published = 1, FailedAttempts = 1, Abandoned = 1 }, hanging.Counters);
        Assert.Equal([WebhookTestKit.EventId(1)], healthy.EventIds);
    }

    [Fact]
    public async Task Drain_completes_at_once_when_nothing_is_due()
    {
        var time = WebhookTestKit.NewTime();
        await using var webhooks = WebhookTestKit.NewWebhooks(time);

        Task drain = webhooks.DrainAsync();

        Assert.True(drain.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task Drain_waits_for_the_attempt_under_way()
    {
        var time = WebhookTestKit.NewTime();
        await using var webhooks = WebhookTestKit.NewWebhooks(time);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var recorder = new DeliveryRecorder(async _ =>
        {
            started.TrySetResult();
            await release.Task;
        });
        webhooks.Subscribe(recorder.HandleAsync);

        webhooks.Publish(WebhookTestKit.ReaderActionSucceeded(1));
        webhooks.Publish(WebhookTestKit.ReaderActionSucceeded(2));
        await started.Task.WaitAsync(TimeSpan.FromSeconds(20));
        Task drain = webhooks.DrainAsync();

        Assert.False(drain.IsCompleted);
        release.SetResult();
        await drain.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(2, webhooks.Counters.Delivered);
    }

    [Fact]
    public async Task Paused_deliveries_queue_up_and_are_sent_in_order_on_resume()
    {
        var time = WebhookTestKit.NewTime();
        await using var webhooks = WebhookTestKit.NewWebhooks(time);
        var recorder = new DeliveryRecorder();
        webhooks.Subscribe(recorder.HandleAsync);

        webhooks.Pause();
        for (int n = 1; n <= 5; n++)
        {
            webhooks.Publish(WebhookTestKit.ReaderActionSucceeded(n));
        }

        Task drain = webhooks.DrainAsync();
        using var cancelled = new CancellationTokenSource();
        Task cancelledDrain = webhooks.DrainAsync(cancelled.Token);
        cancelled.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelledDrain);
        Assert.True(webhooks.IsPaused);
        Assert.False(drain.IsCompleted);
        Assert.Empty(recorder.Deliveries);

        webhooks.Resume();
        await drain.WaitAsync(TimeSpan.FromSeconds(20));

        Assert.False(webhooks.IsPaused);
        Assert.Equal(Enumerable.Range(1, 5).Select(WebhookTestKit.EventId), recorder.EventIds);
    }

    [Fact]
    public async Task Disposing_a_subscription_stops_its_deliveries()
    {
        var time = WebhookTestKit.NewTime();
        await using var webhooks = WebhookTestKit.NewWebhooks(time);
        var recorder = new DeliveryRecorder();
        var subscription = webhooks.Subscribe(recorder.HandleAsync);
        webhooks.Publish(WebhookTestKit.ReaderActionSucceeded(1));
        await webhooks.DrainWithGuardAsync();

        subscription.Dispose();
        webhooks.Publish(WebhookTestKit.ReaderActionSucceeded(2));
        await webhooks.DrainWithGuardAsync();

        Assert.False(subscription.IsActive);
        Assert.Equal([WebhookTestKit.EventId(1)], recorder.EventIds);
        Assert.Empty(webhooks.Subscriptions);
        Assert.Equal(new EmulatorWebhookCounters { Published = 2, Delivered = 1 }, webhooks.Counters);
    }

    [Fact]
    public async Task Disposing_the_webhooks_cancels_the_attempt_under_way_and_ignores_later_events()
    {
        var time = WebhookTestKit.NewTime();
        var webhooks = WebhookTestKit.NewWebhooks(time);
        var started = new TaskCompletionSource<CancellationToken>(TaskCreationOptions.RunContinuationsAsynchronously);
        var subscription = webhooks.Subscribe(async (_, token) =>
        {
            started.TrySetResult(token);
            await Task.Delay(Timeout.Infinite, token);
        });
        webhooks.Publish(WebhookTestKit.ReaderActionSucceeded(1));
        CancellationToken token = await started.Task.WaitAsync(TimeSpan.FromSeconds(20));

        await webhooks.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(20));
        webhooks.Publish(WebhookTestKit.ReaderActionSucceeded(2));

        Assert.True(token.IsCancellationRequested);
        Assert.False(subscription.IsActive);
        Assert.Equal(1, webhooks.Counters.Published);
        Assert.Throws<ObjectDisposedException>(() => webhooks.Subscribe((_, _) => Task.CompletedTask));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => webhooks.DrainAsync());
        await webhooks.DisposeAsync();
    }

    [Fact]
    public async Task A_handler_that_drains_fails_fast_instead_of_waiting_for_itself()
    {
        var time = WebhookTestKit.NewTime();
        await using var webhooks = WebhookTestKit.NewWebhooks(time);
        webhooks.RetryPolicy = new EmulatorWebhookRetryPolicy { MaxAttempts = 1 };
        var subscription = webhooks.Subscribe((_, token) => webhooks.DrainAsync(token));

        webhooks.Publish(WebhookTestKit.ReaderActionSucceeded(1));
        await webhooks.DrainWithGuardAsync();

        Assert.StartsWith("InvalidOperationException: DrainAsync cannot be called from inside a webhook handler", subscription.LastFailure, StringComparison.Ordinal);
        Assert.Equal(1, subscription.Counters.Abandoned);
    }

    [Fact]
    public async Task A_handler_can_dispose_the_webhooks_without_waiting_for_itself()
    {
        var time = WebhookTestKit.NewTime();
        var webhooks = WebhookTestKit.NewWebhooks(time);
        var disposed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var subscription = webhooks.Subscribe(async (_, _) =>
        {
            await webhooks.DisposeAsync();
            disposed.SetResult();
        });

        webhooks.Publish(WebhookTestKit.ReaderActionSucceeded(1));
        await disposed.Task.WaitAsync(TimeSpan.FromSeconds(20));
        await webhooks.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(20));

        Assert.False(subscription.IsActive);
    }

    [Fact]
    public async Task Concurrent_publishers_lose_nothing_and_keep_each_publishers_order()
    {
        var time = WebhookTestKit.NewTime();
        await using var webhooks = WebhookTestKit.NewWebhooks(time);
        var recorder = new DeliveryRecorder();
        webhooks.Subscribe(recorder.HandleAsync);
        const int Publishers = 8;
        const int PerPublisher = 250;

        await Task.WhenAll(Enumerable.Range(0, Publishers).Select(p => Task.Run(() =>
        {
            for (int i = 0; i < PerPublisher; i++)
            {
                webhooks.Publish(WebhookTestKit.ReaderActionSucceeded((p * PerPublisher) + i));
            }
        })));
        await webhooks.DrainWithGuardAsync();

        IReadOnlyList<string> ids = recorder.EventIds;
        Assert.Equal(Publishers * PerPublisher, ids.Distinct().Count());
        for (int p = 0; p < Publishers; p++)
        {
            var own = Enumerable.Range(p * PerPublisher, PerPublisher).Select(WebhookTestKit.EventId).ToHashSet();
            Assert.Equal(own.Order(StringComparer.Ordinal), ids.Where(own.Contains));
        }

        Assert.Equal(new EmulatorWebhookCounters { Published = 2000, Delivered = 2000 }, webhooks.Counters);
    }
}
