using System.Text.Json;
using Stripe;

namespace StripeTerminalKit.Emulator.Tests.Behaviour;

/// <summary>
/// Webhook behaviour Stripe documents (issue 13 item 9), driven through Stripe.net as a backend
/// would: <c>pending_webhooks</c>, Connect routing, <c>refund.updated</c> on every refund update.
/// </summary>
public sealed class WebhookDeliveryFidelityTests
{
    [Fact]
    public async Task Pending_webhooks_falls_as_each_endpoint_answers_2xx()
    {
        // API reference, the Event object: pending_webhooks is the "number of webhooks that haven't
        // been successfully delivered (for example, to return a 20x response)".
        await using var s = await Scenario.StartAsync();
        var healthy = new List<EmulatorWebhookDelivery>();
        var failing = true;
        using var good = s.Emulator.Webhooks.Subscribe((d, _) => { healthy.Add(d); return Task.CompletedTask; }, ["payment_intent.created"]);
        using var flaky = s.Emulator.Webhooks.Subscribe((_, _) => failing ? throw new InvalidOperationException("down") : Task.CompletedTask, ["payment_intent.created"]);
        s.Emulator.Webhooks.Pause();

        await s.CreatePaymentIntentAsync(1000);
        var evt = (await s.Stripe.V1.Events.ListAsync(new EventListOptions { Type = "payment_intent.created" })).Data.Single();
        Assert.Equal(2, evt.PendingWebhooks);

        s.Emulator.Webhooks.Resume();
        await s.Emulator.Webhooks.DrainAsync().WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(1, (await s.Stripe.V1.Events.GetAsync(evt.Id)).PendingWebhooks);

        // The body that was delivered (and signed) keeps the count it was published with.
        Assert.Equal(2, JsonDocument.Parse(Assert.Single(healthy).Payload).RootElement.GetProperty("pending_webhooks").GetInt32());

        failing = false;
        s.Time.Advance(EmulatorWebhookRetryPolicy.Default.FirstRetryDelay);
        await s.Emulator.Webhooks.DrainAsync().WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(0, (await s.Stripe.V1.Events.GetAsync(evt.Id)).PendingWebhooks);
        Assert.Equal(0, (await s.Stripe.V1.Events.ListAsync(new EventListOptions { Type = "payment_intent.created" })).Data.Single().PendingWebhooks);
    }

    [Fact]
    public async Task Connected_account_events_go_only_to_Connect_subscriptions_and_the_accounts_own_only_to_the_others()
    {
        // API reference, webhook endpoints: connect "Whether this endpoint should receive events
        // from connected accounts (true), or from your account (false)".
        await using var s = await Scenario.StartAsync();
        var own = new List<EmulatorWebhookDelivery>();
        var connected = new List<EmulatorWebhookDelivery>();
        using var accountEndpoint = s.Emulator.Webhooks.Subscribe((d, _) => { own.Add(d); return Task.CompletedTask; }, ["payment_intent.created"]);
        using var connectEndpoint = s.Emulator.Webhooks.Subscribe((d, _) => { connected.Add(d); return Task.CompletedTask; }, ["payment_intent.created"], connect: true);
        var shop = s.Emulator.CreateStripeClient(stripeAccount: "acct_1ConnectedShop");

        var platformIntent = await s.CreatePaymentIntentAsync(1000);
        var shopIntent = await shop.V1.PaymentIntents.CreateAsync(new PaymentIntentCreateOptions { Amount = 2000, Currency = "aud", AllowedPaymentMethodTypes = ["card_present"] });
        await s.Emulator.Webhooks.DrainAsync().WaitAsync(TimeSpan.FromSeconds(20));

        var ownEvent = EventUtility.ParseEvent(Assert.Single(own).Payload);
        Assert.Equal(platformIntent.Id, ((PaymentIntent)ownEvent.Data.Object).Id);
        Assert.Null(ownEvent.Account);
        var connectedEvent = EventUtility.ParseEvent(Assert.Single(connected).Payload);
        Assert.Equal(shopIntent.Id, ((PaymentIntent)connectedEvent.Data.Object).Id);
        Assert.Equal("acct_1ConnectedShop", connectedEvent.Account);
        Assert.Equal("acct_1ConnectedShop", connected[0].Event.Account);
        Assert.Equal(1, connectedEvent.PendingWebhooks);
        Assert.True(connectEndpoint.Connect);
        Assert.False(accountEndpoint.Connect);
    }

    [Fact]
    public async Task Every_refund_update_raises_refund_updated_with_the_previous_values()
    {
        // docs: api/events/types — refund.updated "Occurs whenever a refund is updated", with the
        // changed fields' earlier values in data.previous_attributes.
        await using var s = await Scenario.StartAsync();
        var (paid, _) = await s.PayAsync(1000);
        var refund = await s.Stripe.V1.Refunds.CreateAsync(new RefundCreateOptions
        {
            PaymentIntent = paid.Id,
            Amount = 400,
            Metadata = new Dictionary<string, string> { ["till"] = "1" },
        });
        int before = (await s.EventsAsync()).Count;

        await s.Stripe.V1.Refunds.UpdateAsync(refund.Id, new RefundUpdateOptions { Metadata = new Dictionary<string, string> { ["till"] = "2" } });
        await s.Stripe.V1.Refunds.UpdateAsync(refund.Id, new RefundUpdateOptions { Metadata = new Dictionary<string, string> { ["till"] = "2" } });

        var raised = (await s.EventsAsync()).Skip(before).ToArray();
        var (updated, json) = Assert.Single(raised);
        Assert.Equal("refund.updated", updated.Type);
        Assert.Equal(refund.Id, ((Refund)updated.Data.Object).Id);
        Assert.Equal("2", ((Refund)updated.Data.Object).Metadata["till"]);
        using var body = JsonDocument.Parse(json);
        Assert.Equal("1", body.RootElement.GetProperty("data").GetProperty("previous_attributes").GetProperty("metadata").GetProperty("till").GetString());
    }

    [Fact]
    public async Task A_refund_that_fails_later_raises_refund_updated_with_its_earlier_status()
    {
        await using var s = await Scenario.StartAsync();
        var (paid, _) = await s.PayAsync(1000, TestCards.RefundFails);
        await s.Stripe.V1.Refunds.CreateAsync(new RefundCreateOptions { PaymentIntent = paid.Id });
        int before = (await s.EventsAsync()).Count;

        s.Time.Advance(s.Emulator.Options.RefundFailureDelay);

        var raised = (await s.EventsAsync()).Skip(before).ToArray();
        Assert.Equal(["refund.failed", "refund.updated", "charge.refund.updated"], raised.Select(e => e.Event.Type));
        using var body = JsonDocument.Parse(raised[1].Json);
        var previous = body.RootElement.GetProperty("data").GetProperty("previous_attributes");
        Assert.Equal("succeeded", previous.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, previous.GetProperty("failure_reason").ValueKind);
    }
}
