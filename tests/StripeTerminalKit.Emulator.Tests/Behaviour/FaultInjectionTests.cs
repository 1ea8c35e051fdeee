using System.Net;
using Stripe;
using Stripe.Terminal;

namespace StripeTerminalKit.Emulator.Tests.Behaviour;

/// <summary>
/// Every <see cref="FaultKind"/>, how rules are scoped (operation, reader, nth match, seeded
/// probability, max times), and the reader faults: offline, and dropped mid-payment before or
/// after authorisation (the action stays <c>in_progress</c> forever and no reader webhook comes).
/// </summary>
public sealed class FaultInjectionTests
{
    private static RequestOptions Key(string key) => new() { IdempotencyKey = key };

    [Theory]
    [InlineData(FaultKind.ReaderOffline, "terminal_reader_offline")]
    [InlineData(FaultKind.ReaderBusy, "terminal_reader_busy")]
    [InlineData(FaultKind.ReaderHardwareFault, "terminal_reader_hardware_fault")]
    public async Task A_reader_fault_answers_its_error_and_applies_nothing(FaultKind kind, string code)
    {
        await using var s = await Scenario.StartAsync();
        var pi = await s.CreatePaymentIntentAsync(1000);
        using var rule = s.Emulator.Faults.Add(new FaultRule(kind) { Operation = EmulatorOperations.ProcessPaymentIntent });

        var e = await Scenario.FailsAsync(() => s.ProcessAsync(pi.Id));

        Assert.Equal(HttpStatusCode.BadRequest, e.HttpStatusCode);
        Assert.Equal("invalid_request_error", e.StripeError.Type);
        Assert.Equal(code, e.StripeError.Code);
        Assert.Null((await s.GetReaderAsync()).Action);
        Assert.Equal(kind, s.Emulator.RequestLog.Single(r => r.Operation == EmulatorOperations.ProcessPaymentIntent).Fault);
        var injected = Assert.Single(s.Emulator.Faults.History);
        Assert.Equal(kind, injected.Kind);
        Assert.Equal(s.ReaderId, injected.ReaderId);
    }

    [Fact]
    public async Task A_reader_fault_rule_is_not_spent_on_requests_that_are_not_reader_actions()
    {
        await using var s = await Scenario.StartAsync();
        using var rule = s.Emulator.Faults.Add(new FaultRule(FaultKind.ReaderBusy) { MaxTimes = 1 });

        var pi = await s.CreatePaymentIntentAsync(1000);
        var reader = await s.GetReaderAsync();
        var e = await Scenario.FailsAsync(() => s.ProcessAsync(pi.Id));
        var second = await s.ProcessAsync(pi.Id);

        Assert.Equal("online", reader.Status);
        Assert.Equal("terminal_reader_busy", e.StripeError.Code);
        Assert.Equal("in_progress", second.Action.Status);
        Assert.Single(s.Emulator.Faults.History);
    }

    [Fact]
    public async Task A_slow_reader_ack_holds_the_request_until_the_clock_moves()
    {
        await using var s = await Scenario.StartAsync();
        var pi = await s.CreatePaymentIntentAsync(1000);
        using var rule = s.Emulator.Faults.Add(new FaultRule(FaultKind.SlowReaderAck) { Operation = EmulatorOperations.ProcessPaymentIntent, Delay = TimeSpan.FromSeconds(8) });

        var call = s.ProcessAsync(pi.Id);
        await Waiting.UntilAsync(() => s.Emulator.Faults.InjectedCount == 1);
        s.Time.Advance(TimeSpan.FromSeconds(7));
        var heldAfter7 = !call.IsCompleted;
        s.Time.Advance(TimeSpan.FromSeconds(1));
        var reader = await call;

        Assert.True(heldAfter7);
        Assert.Equal("in_progress", reader.Action.Status);
        Assert.Equal(FaultKind.SlowReaderAck, s.Emulator.RequestLog[^1].Fault);
        Assert.Equal(Scenario.Start.AddSeconds(8), s.Emulator.RequestLog[^1].At);
    }

    [Fact]
    public async Task A_reader_timeout_after_delivery_applies_the_action_and_a_retry_with_the_same_key_answers_200()
    {
        await using var s = await Scenario.StartAsync();
        var pi = await s.CreatePaymentIntentAsync(1000);
        using var rule = s.Emulator.Faults.Add(new FaultRule(FaultKind.ReaderTimeoutAfterDelivery) { Operation = EmulatorOperations.ProcessPaymentIntent, MaxTimes = 1 });

        var e = await Scenario.FailsAsync(() => s.ProcessAsync(pi.Id, requestOptions: Key("ppi-42")));
        var actual = await s.GetReaderAsync();
        var retried = await s.ProcessAsync(pi.Id, requestOptions: Key("ppi-42"));

        Assert.Equal("terminal_reader_timeout", e.StripeError.Code);
        Assert.Equal("in_progress", actual.Action.Status);
        Assert.Equal(pi.Id, actual.Action.ProcessPaymentIntent.PaymentIntentId);
        Assert.Equal("in_progress", retried.Action.Status);
        Assert.True(s.Emulator.RequestLog[^1].Replayed);
        Assert.Single(s.Emulator.GetLedger().ReaderActions);
        await s.PresentAsync(TestCards.Visa);
        Assert.Equal("succeeded", (await s.GetPaymentIntentAsync(pi.Id)).Status);
    }

    [Fact]
    public async Task A_lost_response_was_applied_and_stored_and_a_retry_with_the_same_key_replays_it()
    {
        await using var s = await Scenario.StartAsync();
        using var rule = s.Emulator.Faults.Add(new FaultRule(FaultKind.ResponseLost) { Operation = EmulatorOperations.PaymentIntentsCreate, MaxTimes = 1 });

        var e = await Assert.ThrowsAnyAsync<Exception>(() => s.CreatePaymentIntentAsync(1000, requestOptions: Key("order-9")));
        var applied = s.Emulator.GetLedger().PaymentIntents.Single();
        var retried = await s.CreatePaymentIntentAsync(1000, requestOptions: Key("order-9"));

        Assert.True(e is HttpRequestException || e is StripeException { InnerException: HttpRequestException }, e.ToString());
        Assert.Equal(applied.Id, retried.Id);
        Assert.Single(s.Emulator.GetLedger().PaymentIntents);
        Assert.True(s.Emulator.RequestLog[^1].Replayed);
    }

    [Fact]
    public async Task A_connection_failure_applies_nothing_and_a_retry_executes()
    {
        await using var s = await Scenario.StartAsync();
        using var rule = s.Emulator.Faults.Add(new FaultRule(FaultKind.ConnectionFailure) { Operation = EmulatorOperations.PaymentIntentsCreate, MaxTimes = 1 });

        var e = await Assert.ThrowsAnyAsync<Exception>(() => s.CreatePaymentIntentAsync(1000, requestOptions: Key("order-10")));
        var nothing = s.Emulator.GetLedger().PaymentIntents.Count;
        var retried = await s.CreatePaymentIntentAsync(1000, requestOptions: Key("order-10"));

        Assert.True(e is HttpRequestException || e is StripeException { InnerException: HttpRequestException }, e.ToString());
        Assert.Equal(0, nothing);
        Assert.False(s.Emulator.RequestLog[^1].Replayed);
        Assert.Equal(retried.Id, s.Emulator.GetLedger().PaymentIntents.Single().Id);
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData(true, "true")]
    [InlineData(false, "false")]
    public async Task Rate_limited_answers_429_with_the_chosen_should_retry_header(bool? shouldRetry, string? header)
    {
        await using var s = await Scenario.StartAsync();
        using var rule = s.Emulator.Faults.Add(new FaultRule(FaultKind.RateLimited) { Operation = EmulatorOperations.ReadersGet, ShouldRetry = shouldRetry });

        var e = await Scenario.FailsAsync(() => s.GetReaderAsync());

        Assert.Equal(HttpStatusCode.TooManyRequests, e.HttpStatusCode);
        Assert.Equal("rate_limit", e.StripeError.Code);
        Assert.Equal(header, e.StripeResponse.Headers.TryGetValues("Stripe-Should-Retry", out var values) ? values.Single() : null);
    }

    [Fact]
    public async Task Lock_timeout_answers_429_lock_timeout_and_applies_nothing()
    {
        await using var s = await Scenario.StartAsync();
        var pi = await s.CreatePaymentIntentAsync(1000);
        using var rule = s.Emulator.Faults.Add(new FaultRule(FaultKind.LockTimeout) { Operation = EmulatorOperations.PaymentIntentsUpdate });

        var e = await Scenario.FailsAsync(() => s.Stripe.V1.PaymentIntents.UpdateAsync(pi.Id, new PaymentIntentUpdateOptions { Amount = 2000 }));

        Assert.Equal(HttpStatusCode.TooManyRequests, e.HttpStatusCode);
        Assert.Equal("lock_timeout", e.StripeError.Code);
        Assert.Equal(1000, (await s.GetPaymentIntentAsync(pi.Id)).Amount);
    }

    [Theory]
    [InlineData(FaultKind.ServerError, HttpStatusCode.InternalServerError)]
    [InlineData(FaultKind.ServiceUnavailable, HttpStatusCode.ServiceUnavailable)]
    public async Task Server_errors_answer_5xx_api_error_with_should_retry_and_apply_nothing(FaultKind kind, HttpStatusCode status)
    {
        await using var s = await Scenario.StartAsync();
        using var rule = s.Emulator.Faults.Add(new FaultRule(kind) { Operation = EmulatorOperations.PaymentIntentsCreate });

        var e = await Scenario.FailsAsync(() => s.CreatePaymentIntentAsync(1000, requestOptions: Key("order-11")));

        Assert.Equal(status, e.HttpStatusCode);
        Assert.Equal("api_error", e.StripeError.Type);
        Assert.Equal("true", e.StripeResponse.Headers.GetValues("Stripe-Should-Retry").Single());
        Assert.Empty(s.Emulator.GetLedger().PaymentIntents);
    }

    [Fact]
    public async Task Stripe_net_retries_a_server_error_by_itself_with_the_same_key()
    {
        await using var s = await Scenario.StartAsync();
        var retrying = s.Emulator.CreateStripeClient(maxNetworkRetries: 1);
        using var rule = s.Emulator.Faults.Add(new FaultRule(FaultKind.ServerError) { Operation = EmulatorOperations.PaymentIntentsCreate, MaxTimes = 1 });

        var pi = await retrying.V1.PaymentIntents.CreateAsync(new PaymentIntentCreateOptions { Amount = 1000, Currency = "aud", AllowedPaymentMethodTypes = ["card_present"] });

        var attempts = s.Emulator.RequestLog.Where(r => r.Operation == EmulatorOperations.PaymentIntentsCreate).ToArray();
        Assert.Equal([500, 200], attempts.Select(a => a.StatusCode));
        Assert.Equal(attempts[0].IdempotencyKey, attempts[1].IdempotencyKey);
        Assert.Equal(pi.Id, s.Emulator.GetLedger().PaymentIntents.Single().Id);
    }

    [Fact]
    public async Task A_rule_scoped_to_an_operation_leaves_other_operations_alone()
    {
        await using var s = await Scenario.StartAsync();
        using var rule = s.Emulator.Faults.Add(new FaultRule(FaultKind.ServerError) { Operation = EmulatorOperations.PaymentIntentsCapture });

        var pi = await s.CreatePaymentIntentAsync(1000, captureMethod: "manual");
        await s.ProcessAsync(pi.Id);
        await s.PresentAsync(TestCards.Visa);
        var e = await Scenario.FailsAsync(() => s.Stripe.V1.PaymentIntents.CaptureAsync(pi.Id));

        Assert.Equal(HttpStatusCode.InternalServerError, e.HttpStatusCode);
        Assert.Single(s.Emulator.Faults.History);
    }

    [Fact]
    public async Task A_rule_scoped_to_a_reader_leaves_other_readers_alone()
    {
        await using var s = await Scenario.StartAsync();
        var other = await s.AddReaderAsync();
        using var rule = s.Emulator.Faults.Add(new FaultRule(FaultKind.ReaderOffline) { ReaderId = s.ReaderId });
        var pi = await s.CreatePaymentIntentAsync(1000);

        var e = await Scenario.FailsAsync(() => s.ProcessAsync(pi.Id));
        var elsewhere = await s.ProcessAsync(pi.Id, readerId: other);

        Assert.Equal("terminal_reader_offline", e.StripeError.Code);
        Assert.Equal("in_progress", elsewhere.Action.Status);
    }

    [Fact]
    public async Task Nth_match_fires_only_on_that_match()
    {
        await using var s = await Scenario.StartAsync();
        using var rule = s.Emulator.Faults.Add(new FaultRule(FaultKind.ServerError) { Operation = EmulatorOperations.ReadersGet, NthMatch = 2 });

        var outcomes = new List<bool>();
        for (var i = 0; i < 4; i++)
        {
            outcomes.Add(await SucceedsAsync(() => s.GetReaderAsync()));
        }

        Assert.Equal([true, false, true, true], outcomes);
    }

    [Fact]
    public async Task Max_times_limits_how_often_a_rule_fires_and_disposing_removes_it()
    {
        await using var s = await Scenario.StartAsync();
        var rule = s.Emulator.Faults.Add(new FaultRule(FaultKind.ServiceUnavailable) { Operation = EmulatorOperations.ReadersGet, MaxTimes = 2 });

        var outcomes = new List<bool>();
        for (var i = 0; i < 3; i++)
        {
            outcomes.Add(await SucceedsAsync(() => s.GetReaderAsync()));
        }

        rule.Dispose();
        var unlimited = s.Emulator.Faults.Add(new FaultRule(FaultKind.ServiceUnavailable) { Operation = EmulatorOperations.ReadersGet });
        var whileUnlimited = await SucceedsAsync(() => s.GetReaderAsync());
        unlimited.Dispose();

        Assert.Equal([false, false, true], outcomes);
        Assert.False(whileUnlimited);
        Assert.True(await SucceedsAsync(() => s.GetReaderAsync()));
    }

    [Fact]
    public async Task A_probability_rule_is_seeded_so_the_same_seed_fails_the_same_requests()
    {
        var first = await FaultPatternAsync(seed: 11);
        var again = await FaultPatternAsync(seed: 11);

        Assert.Equal(first, again);
        var failures = first.Count(ok => !ok);
        Assert.InRange(failures, 15, 45);
    }

    [Fact]
    public async Task A_probability_out_of_range_is_refused()
    {
        await using var s = await Scenario.StartAsync();

        Assert.Throws<ArgumentOutOfRangeException>(() => s.Emulator.Faults.Add(new FaultRule(FaultKind.ServerError) { Probability = 1.5 }));
    }

    [Fact]
    public async Task A_reader_dropped_before_authorisation_leaves_the_action_in_progress_forever()
    {
        await using var s = await Scenario.StartAsync();
        var pi = await s.CreatePaymentIntentAsync(1000);
        await s.ProcessAsync(pi.Id);
        var readerEventsBefore = (await s.EventTypesAsync()).Count(t => t.StartsWith("terminal.reader."));

        s.Emulator.Faults.DropReader(s.ReaderId);
        var tap = await Scenario.FailsAsync(() => s.PresentAsync(TestCards.Visa));
        Assert.False(s.Emulator.Customer.Tap(s.ReaderId, TestCards.Visa));
        s.Time.Advance(TimeSpan.FromHours(2));
        var reader = await s.GetReaderAsync();

        Assert.Equal("terminal_reader_offline", tap.StripeError.Code);
        Assert.Equal("in_progress", reader.Action.Status);
        Assert.Equal("offline", reader.Status);
        Assert.Equal("requires_payment_method", (await s.GetPaymentIntentAsync(pi.Id)).Status);
        Assert.Empty(s.Emulator.GetLedger().Charges);
        Assert.Equal(readerEventsBefore, (await s.EventTypesAsync()).Count(t => t.StartsWith("terminal.reader.")));
        Assert.Contains(s.Emulator.Faults.History, f => f.ReaderId == s.ReaderId);

        // Back online, the stuck action is still there until the cashier cancels it.
        s.Emulator.Faults.RestoreReader(s.ReaderId);
        Assert.Equal("in_progress", (await s.GetReaderAsync()).Action.Status);
        Assert.Null((await s.CancelActionAsync()).Action);
        await s.ProcessAsync(pi.Id);
        await s.PresentAsync(TestCards.Visa);
        Assert.Equal("succeeded", (await s.GetPaymentIntentAsync(pi.Id)).Status);
    }

    [Theory]
    [InlineData("manual", "requires_capture", "payment_intent.amount_capturable_updated")]
    [InlineData("automatic", "succeeded", "payment_intent.succeeded")]
    public async Task A_reader_dropped_after_authorisation_moved_the_money_but_tells_nobody(string captureMethod, string status, string intentEvent)
    {
        await using var s = await Scenario.StartAsync();
        var pi = await s.CreatePaymentIntentAsync(1000, captureMethod: captureMethod);
        await s.ProcessAsync(pi.Id);

        s.Emulator.Faults.DropReader(s.ReaderId, afterAuthorization: true);
        await s.PresentAsync(TestCards.Visa);
        s.Time.Advance(TimeSpan.FromHours(2));
        var reader = await s.GetReaderAsync();
        var intent = await s.GetPaymentIntentAsync(pi.Id);
        var types = await s.EventTypesAsync();

        Assert.Equal("in_progress", reader.Action.Status);
        Assert.Equal("offline", reader.Status);
        Assert.Equal(status, intent.Status);
        Assert.Contains(intentEvent, types);
        Assert.Contains("charge.succeeded", types);
        Assert.DoesNotContain(types, t => t.StartsWith("terminal.reader."));

        // When the reader comes back the stuck action cannot take the money a second time.
        s.Emulator.Faults.RestoreReader(s.ReaderId);
        await Assert.ThrowsAsync<StripeException>(() => s.PresentAsync(TestCards.Visa));
        Assert.Single(s.Emulator.GetLedger().Charges);
        Assert.Null((await s.CancelActionAsync()).Action);
        Assert.Equal(status, (await s.GetPaymentIntentAsync(pi.Id)).Status);
    }

    [Fact]
    public async Task Set_reader_offline_is_seen_in_the_reader_list_and_undone_by_setting_it_online()
    {
        await using var s = await Scenario.StartAsync();
        var other = await s.AddReaderAsync();

        s.Emulator.Faults.SetReaderOffline(other);
        var offline = await s.Stripe.V1.Terminal.Readers.ListAsync(new ReaderListOptions { Status = "offline" });
        s.Emulator.Faults.SetReaderOffline(other, offline: false);
        var online = await s.Stripe.V1.Terminal.Readers.ListAsync(new ReaderListOptions { Status = "online" });

        Assert.Equal([other], offline.Data.Select(r => r.Id));
        Assert.Equal(2, online.Data.Count);
    }

    [Fact]
    public async Task Reader_faults_on_an_unknown_reader_are_refused()
    {
        await using var s = await Scenario.StartAsync();

        Assert.Throws<ArgumentException>(() => s.Emulator.Faults.SetReaderOffline("tmr_nope"));
        Assert.Throws<ArgumentException>(() => s.Emulator.Faults.DropReader("tmr_nope"));
    }

    private static async Task<bool> SucceedsAsync(Func<Task> call)
    {
        try
        {
            await call();
            return true;
        }
        catch (StripeException)
        {
            return false;
        }
    }

    private static async Task<bool[]> FaultPatternAsync(int seed)
    {
        await using var s = await Scenario.StartAsync(o => o.Seed = seed);
        using var rule = s.Emulator.Faults.Add(new FaultRule(FaultKind.ServerError) { Operation = EmulatorOperations.ReadersGet, Probability = 0.5 });
        var outcomes = new bool[60];
        for (var i = 0; i < outcomes.Length; i++)
        {
            outcomes[i] = await SucceedsAsync(() => s.GetReaderAsync());
        }

        return outcomes;
    }
}
