using System.Net;
using Stripe;

namespace StripeTerminalKit.Emulator.Tests.Behaviour;

/// <summary>
/// Stripe's idempotency: the first response for a key (errors included, once the endpoint began
/// executing) is replayed for the same parameters; other parameters or another endpoint get an
/// <c>idempotency_error</c>; a key still in flight gets 409 <c>idempotency_key_in_use</c>;
/// validation failures are not stored, so the key can be used again.
/// </summary>
public sealed class IdempotencyTests
{
    private static RequestOptions Key(string key) => new() { IdempotencyKey = key };

    [Fact]
    public async Task The_same_key_and_parameters_replay_the_first_response()
    {
        await using var s = await Scenario.StartAsync();

        var first = await s.CreatePaymentIntentAsync(1000, requestOptions: Key("order-1"));
        var second = await s.CreatePaymentIntentAsync(1000, requestOptions: Key("order-1"));

        Assert.Equal(first.Id, second.Id);
        Assert.Equal(first.StripeResponse.Content, second.StripeResponse.Content);
        Assert.Equal(first.StripeResponse.RequestId, second.StripeResponse.RequestId);
        Assert.Single(s.Emulator.GetLedger().PaymentIntents);
        var log = s.Emulator.RequestLog.Where(r => r.IdempotencyKey == "order-1").ToArray();
        Assert.Equal([false, true], log.Select(r => r.Replayed));
        Assert.Single(await s.EventsAsync(), e => e.Event.Type == "payment_intent.created");
    }

    [Fact]
    public async Task A_replayed_reader_action_is_not_dispatched_twice()
    {
        await using var s = await Scenario.StartAsync();
        var pi = await s.CreatePaymentIntentAsync(1000);
        await s.ProcessAsync(pi.Id, requestOptions: Key("ppi-1"));
        await s.PresentAsync(TestCards.Visa);

        var replayed = await s.ProcessAsync(pi.Id, requestOptions: Key("ppi-1"));

        Assert.Equal("in_progress", replayed.Action.Status);
        Assert.Equal("succeeded", (await s.GetReaderAsync()).Action.Status);
        Assert.Single(s.Emulator.GetLedger().ReaderActions);
        Assert.Single(s.Emulator.GetLedger().Charges);
    }

    [Fact]
    public async Task An_error_is_stored_and_replayed_even_after_the_state_changed()
    {
        await using var s = await Scenario.StartAsync();
        var pi = await s.CreatePaymentIntentAsync(1000, captureMethod: "manual");
        var early = await Scenario.FailsAsync(() => s.Stripe.V1.PaymentIntents.CaptureAsync(pi.Id, null, Key("capture-1")));
        await s.ProcessAsync(pi.Id);
        await s.PresentAsync(TestCards.Visa);

        var replayed = await Scenario.FailsAsync(() => s.Stripe.V1.PaymentIntents.CaptureAsync(pi.Id, null, Key("capture-1")));
        var fresh = await s.Stripe.V1.PaymentIntents.CaptureAsync(pi.Id, null, Key("capture-2"));

        Assert.Equal("payment_intent_unexpected_state", early.StripeError.Code);
        Assert.Equal(early.HttpStatusCode, replayed.HttpStatusCode);
        Assert.Equal(early.StripeError.Code, replayed.StripeError.Code);
        Assert.Equal(early.StripeError.Message, replayed.StripeError.Message);
        Assert.Equal(early.StripeResponse.RequestId, replayed.StripeResponse.RequestId);
        Assert.Equal("succeeded", fresh.Status);
    }

    [Fact]
    public async Task A_not_found_error_is_stored_too()
    {
        await using var s = await Scenario.StartAsync();

        var first = await Scenario.FailsAsync(() => s.ProcessAsync("pi_missing", requestOptions: Key("k")));
        var second = await Scenario.FailsAsync(() => s.ProcessAsync("pi_missing", requestOptions: Key("k")));

        Assert.Equal(HttpStatusCode.NotFound, second.HttpStatusCode);
        Assert.Equal(first.StripeResponse.RequestId, second.StripeResponse.RequestId);
        Assert.True(s.Emulator.RequestLog[^1].Replayed);
    }

    [Fact]
    public async Task The_same_key_with_other_parameters_is_an_idempotency_error()
    {
        await using var s = await Scenario.StartAsync();
        await s.CreatePaymentIntentAsync(1000, requestOptions: Key("order-2"));

        var e = await Scenario.FailsAsync(() => s.CreatePaymentIntentAsync(2000, requestOptions: Key("order-2")));

        Assert.Equal(HttpStatusCode.BadRequest, e.HttpStatusCode);
        Assert.Equal("idempotency_error", e.StripeError.Type);
        Assert.Contains("order-2", e.StripeError.Message);
        Assert.Single(s.Emulator.GetLedger().PaymentIntents);
    }

    [Fact]
    public async Task The_same_key_on_another_endpoint_is_an_idempotency_error()
    {
        await using var s = await Scenario.StartAsync();
        var pi = await s.CreatePaymentIntentAsync(1000, requestOptions: Key("shared"));

        var e = await Scenario.FailsAsync(() => s.Stripe.V1.PaymentIntents.CancelAsync(pi.Id, null, Key("shared")));

        Assert.Equal("idempotency_error", e.StripeError.Type);
        Assert.Equal("requires_payment_method", (await s.GetPaymentIntentAsync(pi.Id)).Status);
    }

    [Fact]
    public async Task A_validation_error_is_not_stored_and_the_key_can_be_used_again()
    {
        await using var s = await Scenario.StartAsync();
        var bad = new PaymentIntentCreateOptions { Amount = 1000, AllowedPaymentMethodTypes = ["card_present"] };
        var good = new PaymentIntentCreateOptions { Amount = 1000, Currency = "aud", AllowedPaymentMethodTypes = ["card_present"] };

        var first = await Scenario.FailsAsync(() => s.Stripe.V1.PaymentIntents.CreateAsync(bad, Key("order-3")));
        var again = await Scenario.FailsAsync(() => s.Stripe.V1.PaymentIntents.CreateAsync(bad, Key("order-3")));
        var created = await s.Stripe.V1.PaymentIntents.CreateAsync(good, Key("order-3"));
        var replayed = await s.Stripe.V1.PaymentIntents.CreateAsync(good, Key("order-3"));

        Assert.Equal("parameter_missing", first.StripeError.Code);
        Assert.NotEqual(first.StripeResponse.RequestId, again.StripeResponse.RequestId);
        Assert.Equal(created.Id, replayed.Id);
        Assert.Single(s.Emulator.GetLedger().PaymentIntents);
        Assert.DoesNotContain(s.Emulator.RequestLog.Take(2), r => r.Replayed);
    }

    [Fact]
    public async Task A_key_still_in_flight_answers_409_idempotency_key_in_use()
    {
        await using var s = await Scenario.StartAsync();
        var pi = await s.CreatePaymentIntentAsync(1000);
        using var slow = s.Emulator.Faults.Add(new FaultRule(FaultKind.SlowReaderAck) { Operation = EmulatorOperations.ProcessPaymentIntent, Delay = TimeSpan.FromSeconds(5), MaxTimes = 1 });

        var first = s.ProcessAsync(pi.Id, requestOptions: Key("ppi-slow"));
        await Waiting.UntilAsync(() => s.Emulator.Faults.InjectedCount == 1);
        Assert.False(first.IsCompleted);
        var conflict = await Scenario.FailsAsync(() => s.ProcessAsync(pi.Id, requestOptions: Key("ppi-slow")));
        Assert.False(first.IsCompleted);
        s.Time.Advance(TimeSpan.FromSeconds(5));
        var reader = await first;
        var replayed = await s.ProcessAsync(pi.Id, requestOptions: Key("ppi-slow"));

        Assert.Equal(HttpStatusCode.Conflict, conflict.HttpStatusCode);
        Assert.Equal("idempotency_key_in_use", conflict.StripeError.Code);
        Assert.Equal("in_progress", reader.Action.Status);
        Assert.Equal(reader.StripeResponse.RequestId, replayed.StripeResponse.RequestId);
        Assert.Single(s.Emulator.GetLedger().ReaderActions);
    }

    [Fact]
    public async Task A_request_in_flight_without_the_same_key_is_not_blocked()
    {
        await using var s = await Scenario.StartAsync();
        var pi = await s.CreatePaymentIntentAsync(1000);
        using var slow = s.Emulator.Faults.Add(new FaultRule(FaultKind.SlowReaderAck) { Operation = EmulatorOperations.ProcessPaymentIntent, Delay = TimeSpan.FromSeconds(5), MaxTimes = 1 });

        var first = s.ProcessAsync(pi.Id, requestOptions: Key("a"));
        await Waiting.UntilAsync(() => s.Emulator.Faults.InjectedCount == 1);
        var other = await s.CreatePaymentIntentAsync(500, requestOptions: Key("b"));
        s.Time.Advance(TimeSpan.FromSeconds(5));
        await first;

        Assert.Equal(500, other.Amount);
    }

    [Fact]
    public async Task Without_a_key_every_post_executes()
    {
        await using var s = await Scenario.StartAsync();

        await s.CreatePaymentIntentAsync(1000);
        await s.CreatePaymentIntentAsync(1000);

        Assert.Equal(2, s.Emulator.GetLedger().PaymentIntents.Count);
    }

    [Fact]
    public async Task A_key_longer_than_255_characters_is_refused()
    {
        await using var s = await Scenario.StartAsync();

        var e = await Scenario.FailsAsync(() => s.CreatePaymentIntentAsync(1000, requestOptions: Key(new string('k', 256))));

        Assert.Equal(HttpStatusCode.BadRequest, e.HttpStatusCode);
        Assert.Empty(s.Emulator.GetLedger().PaymentIntents);
    }

    [Fact]
    public async Task Keys_are_scoped_to_the_connected_account()
    {
        await using var s = await Scenario.StartAsync();
        var connected = s.Emulator.CreateStripeClient(stripeAccount: "acct_connected");
        var options = new PaymentIntentCreateOptions { Amount = 1000, Currency = "aud", AllowedPaymentMethodTypes = ["card_present"] };

        var platform = await s.Stripe.V1.PaymentIntents.CreateAsync(options, Key("same"));
        var onConnected = await connected.V1.PaymentIntents.CreateAsync(options, Key("same"));

        Assert.NotEqual(platform.Id, onConnected.Id);
    }
}

/// <summary>Waits for something another task does, without sleeping: yields, bounded by a real-time limit.</summary>
internal static class Waiting
{
    public static async Task UntilAsync(Func<bool> condition)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (!condition())
        {
            if (watch.Elapsed > TimeSpan.FromSeconds(10))
            {
                throw new TimeoutException("The condition did not become true within 10 seconds.");
            }

            await Task.Yield();
        }
    }
}
