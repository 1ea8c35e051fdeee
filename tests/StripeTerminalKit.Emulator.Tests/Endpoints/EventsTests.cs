using System.Net;
using Stripe;
using StripeTerminalKit.Emulator.Tests.Support;

namespace StripeTerminalKit.Emulator.Tests.Endpoints;

public sealed class EventsTests
{
    [Fact]
    public async Task A_payment_leaves_its_events_newest_first_with_typed_payloads()
    {
        await using var h = new WireHarness();
        var reader = await h.RegisterReaderAsync();
        var intent = await h.CreateIntentAsync(1000);
        await h.PayOnReaderAsync(reader, intent);

        var events = await h.Stripe.V1.Events.ListAsync(new EventListOptions { Limit = 100 });

        Assert.Equal("/v1/events", events.Url);
        Assert.False(events.HasMore);
        var types = events.Data.Select(e => e.Type).ToList();
        Assert.Equal("payment_intent.created", types[^1]);
        Assert.Contains("payment_intent.succeeded", types);
        Assert.Contains("charge.succeeded", types);
        Assert.Contains("terminal.reader.action_succeeded", types);
        Assert.True(events.Data.Zip(events.Data.Skip(1)).All(p => p.First.Created >= p.Second.Created));
        Assert.All(events.Data, e =>
        {
            Assert.StartsWith("evt_", e.Id);
            Assert.Equal(StripeEmulator.ApiVersion, e.ApiVersion);
            Assert.False(e.Livemode);
        });
        var succeeded = events.Data.First(e => e.Type == "payment_intent.succeeded");
        Assert.Equal(intent.Id, Assert.IsType<PaymentIntent>(succeeded.Data.Object).Id);
        Assert.IsType<Stripe.Terminal.Reader>(events.Data.First(e => e.Type == "terminal.reader.action_succeeded").Data.Object);
        Assert.IsType<Charge>(events.Data.First(e => e.Type == "charge.succeeded").Data.Object);
        Assert.Contains("event", h.Conformance.ValidatedComponents.Keys);
        await h.Emulator.Webhooks.DrainAsync();
        var delivered = h.Conformance.WebhookEvents.Select(json => System.Text.Json.JsonDocument.Parse(json).RootElement.GetProperty("id").GetString()).ToHashSet();
        Assert.Superset(events.Data.Select(e => e.Id).ToHashSet(), delivered!);
    }

    [Fact]
    public async Task Get_returns_one_event_and_unknown_ids_are_404()
    {
        await using var h = new WireHarness();
        var intent = await h.CreateIntentAsync();
        var listed = (await h.Stripe.V1.Events.ListAsync()).Data.Single();

        var fetched = await h.Stripe.V1.Events.GetAsync(listed.Id);
        await StripeAssert.FailsAsync(() => h.Stripe.V1.Events.GetAsync("evt_nope"), HttpStatusCode.NotFound, "resource_missing");

        Assert.Equal("payment_intent.created", fetched.Type);
        Assert.Equal(intent.Id, ((PaymentIntent)fetched.Data.Object).Id);
        Assert.Equal(listed.Created, fetched.Created);
    }

    [Fact]
    public async Task The_event_names_the_request_and_idempotency_key_that_caused_it()
    {
        await using var h = new WireHarness();
        await h.Stripe.V1.PaymentIntents.CreateAsync(new PaymentIntentCreateOptions { Amount = 1000, Currency = "aud" }, new RequestOptions { IdempotencyKey = "order-7-create" });

        var evt = (await h.Stripe.V1.Events.ListAsync(new EventListOptions { Type = "payment_intent.created" })).Data.Single();

        Assert.Equal("order-7-create", evt.Request.IdempotencyKey);
        var createRequestId = h.Conformance.Exchanges.First(x => x.Method == "POST" && x.PathAndQuery == "/v1/payment_intents").RequestId;
        Assert.Equal(createRequestId, evt.Request.Id);
    }

    [Fact]
    public async Task Type_filters_take_exact_names_and_wildcards_and_types_takes_a_list()
    {
        await using var h = new WireHarness();
        var paid = await h.PaidIntentAsync(1000);
        await h.Stripe.V1.Refunds.CreateAsync(new RefundCreateOptions { PaymentIntent = paid.Id });

        var created = await h.Stripe.V1.Events.ListAsync(new EventListOptions { Type = "payment_intent.created" });
        var anyIntent = await h.Stripe.V1.Events.ListAsync(new EventListOptions { Type = "payment_intent.*", Limit = 100 });
        var refundOrCharge = await h.Stripe.V1.Events.ListAsync(new EventListOptions { Types = ["refund.created", "charge.refunded"], Limit = 100 });

        Assert.Equal(["payment_intent.created"], created.Data.Select(e => e.Type));
        Assert.NotEmpty(anyIntent.Data);
        Assert.All(anyIntent.Data, e => Assert.StartsWith("payment_intent.", e.Type));
        Assert.Equal(["charge.refunded", "refund.created"], refundOrCharge.Data.Select(e => e.Type).Order());
        await StripeAssert.FailsAsync(() => h.Stripe.V1.Events.ListAsync(new EventListOptions { Type = "refund.created", Types = ["charge.refunded"] }), HttpStatusCode.BadRequest, null);
    }

    [Fact]
    public async Task Created_filters_by_the_emulator_clock()
    {
        await using var h = new WireHarness();
        await h.CreateIntentAsync();
        h.Time.Advance(TimeSpan.FromMinutes(10));
        var later = await h.CreateIntentAsync();
        var cutoff = WireHarness.Start.AddMinutes(5).UtcDateTime;

        var after = await h.Stripe.V1.Events.ListAsync(new EventListOptions { Created = new DateRangeOptions { GreaterThan = cutoff } });
        var before = await h.Stripe.V1.Events.ListAsync(new EventListOptions { Created = new DateRangeOptions { LessThan = cutoff } });

        Assert.Equal(later.Id, ((PaymentIntent)after.Data.Single().Data.Object).Id);
        Assert.Equal(WireHarness.Start.AddMinutes(10).UtcDateTime, after.Data.Single().Created);
        Assert.Single(before.Data);
    }

    [Fact]
    public async Task Pages_forward_and_back_and_auto_paging_sees_each_event_once()
    {
        await using var h = new WireHarness();
        for (var i = 0; i < 7; i++)
        {
            await h.CreateIntentAsync(1000 + i);
        }

        var all = (await h.Stripe.V1.Events.ListAsync(new EventListOptions { Limit = 100 })).Data.Select(e => e.Id).ToList();

        var first = await h.Stripe.V1.Events.ListAsync(new EventListOptions { Limit = 3 });
        var second = await h.Stripe.V1.Events.ListAsync(new EventListOptions { Limit = 3, StartingAfter = first.Data[^1].Id });
        var back = await h.Stripe.V1.Events.ListAsync(new EventListOptions { Limit = 3, EndingBefore = second.Data[0].Id });
        var walked = new List<string>();
        await foreach (var e in h.Stripe.V1.Events.ListAutoPagingAsync(new EventListOptions { Limit = 2 }))
        {
            walked.Add(e.Id);
        }

        Assert.Equal(7, all.Count);
        Assert.Equal(all[..3], first.Data.Select(e => e.Id));
        Assert.True(first.HasMore);
        Assert.Equal(all[3..6], second.Data.Select(e => e.Id));
        Assert.True(second.HasMore);
        Assert.Equal(all[..3], back.Data.Select(e => e.Id));
        Assert.False(back.HasMore);
        Assert.Equal(all, walked);
        await StripeAssert.FailsAsync(() => h.Stripe.V1.Events.ListAsync(new EventListOptions { StartingAfter = "evt_nope" }), HttpStatusCode.NotFound, "resource_missing", "starting_after");
    }
}
