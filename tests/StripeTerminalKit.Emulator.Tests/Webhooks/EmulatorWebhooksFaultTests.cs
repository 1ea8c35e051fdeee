namespace StripeTerminalKit.Emulator.Tests.Webhooks;

/// <summary>
/// Fault injection. The expected schedules come from replaying the documented draw order (one
/// <see cref="Random.NextDouble"/> per rate strictly between 0 and 1, per delivery, in
/// subscription order: drop, duplicate, delay, reorder) on a Random with the same seed.
/// </summary>
public sealed class EmulatorWebhooksFaultTests
{
    private const int Seed = 20261102;

    [Fact]
    public async Task Drop_rate_one_drops_every_delivery()
    {
        var time = WebhookTestKit.NewTime();
        await using var webhooks = WebhookTestKit.NewWebhooks(time, Seed);
        webhooks.Faults = new EmulatorWebhookFaults { DropRate = 1 };
        var recorder = new DeliveryRecorder();
        var subscription = webhooks.Subscribe(recorder.HandleAsync);

        PublishReaderEvents(webhooks, 10);
        await webhooks.DrainWithGuardAsync();
        time.Advance(TimeSpan.FromDays(1));
        await webhooks.DrainWithGuardAsync();

        Assert.Empty(recorder.Deliveries);
        Assert.Equal(new EmulatorWebhookCounters { Published = 10, Dropped = 10 }, subscription.Counters);
    }

    [Fact]
    public async Task Drops_are_drawn_per_subscription_from_the_seed()
    {
        var time = WebhookTestKit.NewTime();
        await using var webhooks = WebhookTestKit.NewWebhooks(time, Seed);
        webhooks.Faults = new EmulatorWebhookFaults { DropRate = 0.3 };
        var first = new DeliveryRecorder();
        var second = new DeliveryRecorder();
        var firstSubscription = webhooks.Subscribe(first.HandleAsync);
        var secondSubscription = webhooks.Subscribe(second.HandleAsync);

        PublishReaderEvents(webhooks, 200);
        await webhooks.DrainWithGuardAsync();

        // One draw per event and subscription, first subscription first.
        var oracle = new Random(Seed);
        var expectedFirst = new List<string>();
        var expectedSecond = new List<string>();
        for (int n = 1; n <= 200; n++)
        {
            if (oracle.NextDouble() >= 0.3)
            {
                expectedFirst.Add(WebhookTestKit.EventId(n));
            }

            if (oracle.NextDouble() >= 0.3)
            {
                expectedSecond.Add(WebhookTestKit.EventId(n));
            }
        }

        Assert.Equal(expectedFirst, first.EventIds);
        Assert.Equal(expectedSecond, second.EventIds);
        Assert.Equal(new EmulatorWebhookCounters { Published = 200, Delivered = expectedFirst.Count, Dropped = 200 - expectedFirst.Count }, firstSubscription.Counters);
        Assert.Equal(new EmulatorWebhookCounters { Published = 200, Delivered = expectedSecond.Count, Dropped = 200 - expectedSecond.Count }, secondSubscription.Counters);
        Assert.Equal(400 - expectedFirst.Count - expectedSecond.Count, webhooks.Counters.Dropped);
        Assert.InRange(webhooks.Counters.Dropped, 80, 160); // the seed gives a plausible share, not a degenerate one
    }

    [Fact]
    public async Task Duplicate_rate_one_sends_every_event_twice_in_a_row()
    {
        var time = WebhookTestKit.NewTime();
        await using var webhooks = WebhookTestKit.NewWebhooks(time, Seed);
        webhooks.Faults = new EmulatorWebhookFaults { DuplicateRate = 1 };
        var recorder = new DeliveryRecorder();
        webhooks.Subscribe(recorder.HandleAsync);

        PublishReaderEvents(webhooks, 4);
        await webhooks.DrainWithGuardAsync();

        Assert.Equal(
            new[] { 1, 1, 2, 2, 3, 3, 4, 4 }.Select(WebhookTestKit.EventId),
            recorder.EventIds);
        Assert.All(recorder.Deliveries, d => Assert.Equal(1, d.Attempt));
        Assert.Equal(new EmulatorWebhookCounters { Published = 4, Delivered = 8, Duplicated = 4 }, webhooks.Counters);
    }

    [Fact]
    public async Task Duplicates_are_drawn_from_the_seed()
    {
        var time = WebhookTestKit.NewTime();
        await using var webhooks = WebhookTestKit.NewWebhooks(time, Seed);
        webhooks.Faults = new EmulatorWebhookFaults { DuplicateRate = 0.25 };
        var recorder = new DeliveryRecorder();
        webhooks.Subscribe(recorder.HandleAsync);

        PublishReaderEvents(webhooks, 100);
        await webhooks.DrainWithGuardAsync();

        var oracle = new Random(Seed);
        var expected = new List<string>();
        for (int n = 1; n <= 100; n++)
        {
            expected.Add(WebhookTestKit.EventId(n));
            if (oracle.NextDouble() < 0.25)
            {
                expected.Add(WebhookTestKit.EventId(n));
            }
        }

        Assert.Equal(expected, recorder.EventIds);
        Assert.Equal(new EmulatorWebhookCounters { Published = 100, Delivered = expected.Count, Duplicated = expected.Count - 100 }, webhooks.Counters);
    }

    [Fact]
    public async Task Reorder_holds_an_event_back_until_the_next_one_and_drain_releases_the_last()
    {
        var time = WebhookTestKit.NewTime();
        await using var webhooks = WebhookTestKit.NewWebhooks(time, Seed);
        webhooks.Faults = new EmulatorWebhookFaults { ReorderRate = 1 };
        var recorder = new DeliveryRecorder();
        webhooks.Subscribe(recorder.HandleAsync);

        PublishReaderEvents(webhooks, 5);
        await webhooks.DrainWithGuardAsync();

        Assert.Equal(new[] { 2, 1, 4, 3, 5 }.Select(WebhookTestKit.EventId), recorder.EventIds);
        Assert.Equal(new EmulatorWebhookCounters { Published = 5, Delivered = 5, Reordered = 3 }, webhooks.Counters);
    }

    [Fact]
    public async Task A_held_event_waits_for_the_next_event_not_for_time()
    {
        var time = WebhookTestKit.NewTime();
        await using var webhooks = WebhookTestKit.NewWebhooks(time, Seed);
        webhooks.Faults = new EmulatorWebhookFaults { ReorderRate = 1 };
        var recorder = new DeliveryRecorder();
        var subscription = webhooks.Subscribe(recorder.HandleAsync);
        webhooks.Publish(WebhookTestKit.ReaderActionSucceeded(1));

        time.Advance(TimeSpan.FromHours(1));
        webhooks.Faults = EmulatorWebhookFaults.None;
        webhooks.Publish(WebhookTestKit.PaymentIntentSucceeded(2));
        await webhooks.DrainWithGuardAsync();

        Assert.Equal([WebhookTestKit.EventId(2), WebhookTestKit.EventId(1)], recorder.EventIds);
        Assert.Equal(1, subscription.Counters.Reordered);
    }

    [Fact]
    public async Task A_fixed_delay_waits_on_the_time_provider_and_drain_does_not_wait_for_it()
    {
        var time = WebhookTestKit.NewTime();
        await using var webhooks = WebhookTestKit.NewWebhooks(time, Seed);
        webhooks.Faults = new EmulatorWebhookFaults { Delay = TimeSpan.FromSeconds(10) };
        var recorder = new DeliveryRecorder();
        webhooks.Subscribe(recorder.HandleAsync);

        PublishReaderEvents(webhooks, 3);
        await webhooks.DrainWithGuardAsync();
        Assert.Empty(recorder.Deliveries);

        time.Advance(TimeSpan.FromSeconds(9));
        await webhooks.DrainWithGuardAsync();
        Assert.Empty(recorder.Deliveries);

        time.Advance(TimeSpan.FromSeconds(1));
        await webhooks.DrainWithGuardAsync();

        Assert.Equal(Enumerable.Range(1, 3).Select(WebhookTestKit.EventId), recorder.EventIds);
        Assert.All(recorder.Deliveries, d => Assert.Equal(WebhookTestKit.Start.AddSeconds(10), d.SignedAt));
        Assert.Equal(new EmulatorWebhookCounters { Published = 3, Delivered = 3, Delayed = 3 }, webhooks.Counters);
    }

    [Fact]
    public async Task A_delay_range_draws_each_delay_from_the_seed()
    {
        var time = WebhookTestKit.NewTime();
        await using var webhooks = WebhookTestKit.NewWebhooks(time, Seed);
        webhooks.Faults = new EmulatorWebhookFaults { Delay = TimeSpan.FromSeconds(2), MaxDelay = TimeSpan.FromSeconds(8) };
        var recorder = new DeliveryRecorder();
        webhooks.Subscribe(recorder.HandleAsync);

        PublishReaderEvents(webhooks, 20);
        var arrivals = new Dictionary<string, int>();
        for (int second = 0; second <= 8; second++)
        {
            await webhooks.DrainWithGuardAsync();
            foreach (string id in recorder.EventIds)
            {
                arrivals.TryAdd(id, second);
            }

            time.Advance(TimeSpan.FromSeconds(1));
        }

        var oracle = new Random(Seed);
        for (int n = 1; n <= 20; n++)
        {
            TimeSpan delay = TimeSpan.FromSeconds(2) + TimeSpan.FromTicks((long)(oracle.NextDouble() * TimeSpan.FromSeconds(6).Ticks));
            Assert.Equal((int)Math.Ceiling(delay.TotalSeconds), arrivals[WebhookTestKit.EventId(n)]);
        }

        Assert.Equal(new EmulatorWebhookCounters { Published = 20, Delivered = 20, Delayed = 20 }, webhooks.Counters);
    }

    [Fact]
    public async Task Delay_rate_delays_only_the_drawn_share()
    {
        var time = WebhookTestKit.NewTime();
        await using var webhooks = WebhookTestKit.NewWebhooks(time, Seed);
        webhooks.Faults = new EmulatorWebhookFaults { Delay = TimeSpan.FromSeconds(30), DelayRate = 0.5 };
        var recorder = new DeliveryRecorder();
        webhooks.Subscribe(recorder.HandleAsync);

        PublishReaderEvents(webhooks, 40);
        await webhooks.DrainWithGuardAsync();
        IReadOnlyList<string> onTime = recorder.EventIds;
        time.Advance(TimeSpan.FromSeconds(30));
        await webhooks.DrainWithGuardAsync();

        var oracle = new Random(Seed);
        var delayed = Enumerable.Range(1, 40).Where(_ => oracle.NextDouble() < 0.5).Select(WebhookTestKit.EventId).ToList();
        var expectedOnTime = Enumerable.Range(1, 40).Select(WebhookTestKit.EventId).Except(delayed).ToList();
        Assert.Equal(expectedOnTime, onTime);
        Assert.Equal(expectedOnTime.Concat(delayed), recorder.EventIds);
        Assert.Equal(new EmulatorWebhookCounters { Published = 40, Delivered = 40, Delayed = delayed.Count }, webhooks.Counters);
    }

    [Fact]
    public async Task The_same_seed_reproduces_the_same_schedule_with_every_fault_on()
    {
        (IReadOnlyList<string> Ids, EmulatorWebhookCounters Counters) first = await RunAllFaultsAsync(Seed);
        (IReadOnlyList<string> Ids, EmulatorWebhookCounters Counters) second = await RunAllFaultsAsync(Seed);

        Assert.Equal(first.Ids, second.Ids);
        Assert.Equal(first.Counters, second.Counters);
        EmulatorWebhookCounters c = first.Counters;
        Assert.True(c.Dropped > 0 && c.Duplicated > 0 && c.Reordered > 0 && c.Delayed > 0, c.ToString());
        Assert.Equal(c.Published - c.Dropped + c.Duplicated, c.Delivered);
        Assert.Equal(c.Delivered, first.Ids.Count);
    }

    [Fact]
    public void Fault_settings_out_of_range_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new EmulatorWebhookFaults { DropRate = 1.5 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new EmulatorWebhookFaults { DuplicateRate = -0.1 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new EmulatorWebhookFaults { ReorderRate = double.NaN });
        Assert.Throws<ArgumentOutOfRangeException>(() => new EmulatorWebhookFaults { DelayRate = 2 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new EmulatorWebhookFaults { Delay = TimeSpan.FromSeconds(-1) });
        Assert.Throws<ArgumentOutOfRangeException>(() => new EmulatorWebhookFaults { MaxDelay = TimeSpan.FromSeconds(-1) });
        Assert.Throws<ArgumentOutOfRangeException>(() => new EmulatorWebhookFaults { Delay = TimeSpan.FromDays(2) });
        Assert.Throws<ArgumentOutOfRangeException>(() => new EmulatorWebhookFaults { MaxDelay = TimeSpan.FromDays(2) });
        Assert.Throws<ArgumentOutOfRangeException>(() => new EmulatorWebhookRetryPolicy { MaxAttempts = 0 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new EmulatorWebhookRetryPolicy { FirstRetryDelay = TimeSpan.FromDays(2) });
        Assert.Throws<ArgumentOutOfRangeException>(() => new EmulatorWebhookRetryPolicy { AttemptTimeout = TimeSpan.Zero });
    }

    [Fact]
    public async Task A_delay_range_upside_down_is_refused_when_assigned()
    {
        var time = WebhookTestKit.NewTime();
        await using var webhooks = WebhookTestKit.NewWebhooks(time, Seed);
        var upsideDown = new EmulatorWebhookFaults { Delay = TimeSpan.FromSeconds(5), MaxDelay = TimeSpan.FromSeconds(1) };

        Assert.Throws<ArgumentException>(() => webhooks.Faults = upsideDown);
        Assert.Same(EmulatorWebhookFaults.None, webhooks.Faults);
    }

    private static async Task<(IReadOnlyList<string> Ids, EmulatorWebhookCounters Counters)> RunAllFaultsAsync(int seed)
    {
        var time = WebhookTestKit.NewTime();
        await using var webhooks = WebhookTestKit.NewWebhooks(time, seed);
        webhooks.Faults = new EmulatorWebhookFaults
        {
            DropRate = 0.1,
            DuplicateRate = 0.1,
            ReorderRate = 0.2,
            Delay = TimeSpan.FromSeconds(1),
            MaxDelay = TimeSpan.FromSeconds(20),
            DelayRate = 0.3,
        };
        var recorder = new DeliveryRecorder();
        webhooks.Subscribe(recorder.HandleAsync);

        for (int n = 1; n <= 150; n++)
        {
            webhooks.Publish(n % 2 == 0 ? WebhookTestKit.PaymentIntentSucceeded(n) : WebhookTestKit.ReaderActionSucceeded(n));
            if (n % 10 == 0)
            {
                await webhooks.DrainWithGuardAsync();
                time.Advance(TimeSpan.FromSeconds(3));
            }
        }

        time.Advance(TimeSpan.FromSeconds(20));
        await webhooks.DrainWithGuardAsync();
        return (recorder.EventIds, webhooks.Counters);
    }

    private static void PublishReaderEvents(EmulatorWebhooks webhooks, int count)
    {
        for (int n = 1; n <= count; n++)
        {
            webhooks.Publish(WebhookTestKit.ReaderActionSucceeded(n));
        }
    }
}
