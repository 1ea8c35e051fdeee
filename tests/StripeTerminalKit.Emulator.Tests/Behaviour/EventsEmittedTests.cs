using Stripe;
using Stripe.Terminal;
using TestHelpers = Stripe.TestHelpers.Terminal;

namespace StripeTerminalKit.Emulator.Tests.Behaviour;

/// <summary>
/// The events each flow raises, read back the way a backend reconciles: <c>GET /v1/events</c>
/// through Stripe.net. Every event body parses with <see cref="EventUtility.ParseEvent"/> (which
/// checks <c>api_version</c> against Stripe.net 53.1.0's <c>2026-10-28.endive</c>) into the
/// Stripe.net type its event type promises.
/// </summary>
public sealed class EventsEmittedTests
{
    /// <summary>Events raised after <paramref name="skip"/> earlier ones, each parsed and checked.</summary>
    private static async Task<IReadOnlyList<Event>> NewEventsAsync(Scenario s, int skip)
    {
        var events = (await s.EventsAsync()).Skip(skip).ToArray();
        foreach (var (listed, json) in events)
        {
            var parsed = EventUtility.ParseEvent(json);
            Assert.Equal(StripeEmulator.ApiVersion, parsed.ApiVersion);
            Assert.Equal(listed.Id, parsed.Id);
            Assert.Equal(listed.Type, parsed.Type);
            Assert.False(parsed.Livemode);
            Assert.IsType(ExpectedType(parsed.Type), parsed.Data.Object);
        }

        return events.Select(e => EventUtility.ParseEvent(e.Json)).ToArray();
    }

    private static Type ExpectedType(string eventType) => eventType switch
    {
        _ when eventType.StartsWith("terminal.reader.", StringComparison.Ordinal) => typeof(Reader),
        _ when eventType.StartsWith("payment_intent.", StringComparison.Ordinal) => typeof(PaymentIntent),
        "charge.refund.updated" => typeof(Refund),
        _ when eventType.StartsWith("charge.", StringComparison.Ordinal) => typeof(Charge),
        _ when eventType.StartsWith("refund.", StringComparison.Ordinal) => typeof(Refund),
        _ when eventType.StartsWith("setup_intent.", StringComparison.Ordinal) => typeof(SetupIntent),
        _ => throw new Xunit.Sdk.XunitException("Unexpected event type " + eventType),
    };

    private static async Task<int> CountAsync(Scenario s) => (await s.EventsAsync()).Count;

    [Fact]
    public async Task Creating_a_payment_intent_raises_payment_intent_created()
    {
        await using var s = await Scenario.StartAsync();

        var pi = await s.CreatePaymentIntentAsync(1000, requestOptions: new RequestOptions { IdempotencyKey = "create-7" });

        var e = Assert.Single(await NewEventsAsync(s, 0));
        Assert.Equal("payment_intent.created", e.Type);
        Assert.Equal(pi.Id, ((PaymentIntent)e.Data.Object).Id);
        Assert.Equal(pi.StripeResponse.RequestId, e.Request.Id);
        Assert.Equal("create-7", e.Request.IdempotencyKey);
        Assert.Equal(Scenario.Start.UtcDateTime, e.Created);
    }

    [Fact]
    public async Task An_automatic_capture_payment_raises_charge_intent_and_reader_events()
    {
        await using var s = await Scenario.StartAsync();
        var pi = await s.CreatePaymentIntentAsync(1000);
        var before = await CountAsync(s);
        await s.ProcessAsync(pi.Id);
        var tapped = await s.PresentAsync(TestCards.Visa);

        var events = await NewEventsAsync(s, before);

        Assert.Equal(["charge.succeeded", "payment_intent.succeeded", "terminal.reader.action_succeeded"], events.Select(e => e.Type));
        Assert.Equal("succeeded", ((PaymentIntent)events[1].Data.Object).Status);
        Assert.Equal("requires_payment_method", events[1].Data.PreviousAttributes["status"]?.ToString());
        var reader = (Reader)events[2].Data.Object;
        Assert.Equal("succeeded", reader.Action.Status);
        Assert.Equal(pi.Id, reader.Action.ProcessPaymentIntent.PaymentIntentId);
        Assert.Equal(tapped.StripeResponse.RequestId, events[2].Request.Id);
    }

    [Fact]
    public async Task A_manual_capture_payment_raises_amount_capturable_updated_then_capture_events()
    {
        await using var s = await Scenario.StartAsync();
        var pi = await s.CreatePaymentIntentAsync(1000, captureMethod: "manual");
        var before = await CountAsync(s);
        await s.ProcessAsync(pi.Id);
        await s.PresentAsync(TestCards.Visa);
        await s.Stripe.V1.PaymentIntents.CaptureAsync(pi.Id);

        var events = await NewEventsAsync(s, before);

        Assert.Equal(
            ["charge.succeeded", "payment_intent.amount_capturable_updated", "terminal.reader.action_succeeded", "charge.captured", "payment_intent.succeeded"],
            events.Select(e => e.Type));
        Assert.Equal(1000, ((PaymentIntent)events[1].Data.Object).AmountCapturable);
        Assert.True(((Charge)events[3].Data.Object).Captured);
    }

    [Fact]
    public async Task A_decline_raises_charge_failed_payment_failed_and_action_failed()
    {
        await using var s = await Scenario.StartAsync();
        var pi = await s.CreatePaymentIntentAsync(1000);
        var before = await CountAsync(s);
        await s.ProcessAsync(pi.Id);
        await s.PresentAsync(TestCards.InsufficientFunds);

        var events = await NewEventsAsync(s, before);

        Assert.Equal(["charge.failed", "payment_intent.payment_failed", "terminal.reader.action_failed"], events.Select(e => e.Type));
        Assert.Equal("insufficient_funds", ((PaymentIntent)events[1].Data.Object).LastPaymentError.DeclineCode);
        var reader = (Reader)events[2].Data.Object;
        Assert.Equal("card_declined", reader.Action.FailureCode);
        Assert.Equal("insufficient_funds", reader.Action.ApiError.DeclineCode);
    }

    [Fact]
    public async Task The_two_step_flow_raises_action_updated_at_collection()
    {
        await using var s = await Scenario.StartAsync();
        var pi = await s.CreatePaymentIntentAsync(1000);
        var before = await CountAsync(s);
        await s.CollectAsync(pi.Id);
        await s.PresentAsync(TestCards.Mastercard);
        var afterCollect = await CountAsync(s);
        await s.ConfirmAsync(pi.Id);

        var events = await NewEventsAsync(s, before);

        Assert.Equal(before + 1, afterCollect);
        Assert.Equal(["terminal.reader.action_updated", "charge.succeeded", "payment_intent.succeeded", "terminal.reader.action_succeeded"], events.Select(e => e.Type));
        var collected = (Reader)events[0].Data.Object;
        Assert.Equal("collect_payment_method", collected.Action.Type);
        Assert.Equal("mastercard", collected.Action.CollectPaymentMethod.PaymentMethod.CardPresent.Brand);
        Assert.Equal("confirm_payment_intent", ((Reader)events[3].Data.Object).Action.Type);
    }

    [Fact]
    public async Task Display_and_cancel_action_raise_no_event()
    {
        await using var s = await Scenario.StartAsync();
        var pi = await s.CreatePaymentIntentAsync(1000);
        var before = await CountAsync(s);
        await s.Stripe.V1.Terminal.Readers.SetReaderDisplayAsync(s.ReaderId, new ReaderSetReaderDisplayOptions
        {
            Type = "cart",
            Cart = new ReaderCartOptions { Currency = "aud", LineItems = [new ReaderCartLineItemOptions { Amount = 1000, Description = "Lunch", Quantity = 1 }], Total = 1000 },
        });
        await s.ProcessAsync(pi.Id);
        await s.CancelActionAsync();

        Assert.Empty(await NewEventsAsync(s, before));
    }

    [Fact]
    public async Task Customer_cancellation_raises_action_failed_only()
    {
        await using var s = await Scenario.StartAsync();
        var pi = await s.CreatePaymentIntentAsync(1000);
        var before = await CountAsync(s);
        await s.ProcessAsync(pi.Id, new ReaderProcessConfigOptions { EnableCustomerCancellation = true });
        s.Emulator.Customer.CancelOnReader(s.ReaderId);

        var e = Assert.Single(await NewEventsAsync(s, before));

        Assert.Equal("terminal.reader.action_failed", e.Type);
        Assert.Null(((Reader)e.Data.Object).Action.ApiError);
        Assert.Null(e.Request.Id);
    }

    [Fact]
    public async Task Cancelling_an_authorised_intent_raises_charge_refunded_and_canceled()
    {
        await using var s = await Scenario.StartAsync();
        var (pi, _) = await s.PayAsync(1000, TestCards.Visa, captureMethod: "manual");
        var before = await CountAsync(s);

        await s.Stripe.V1.PaymentIntents.CancelAsync(pi.Id);

        var events = await NewEventsAsync(s, before);
        Assert.Equal(["charge.refunded", "payment_intent.canceled"], events.Select(e => e.Type));
        Assert.Equal("requires_capture", events[1].Data.PreviousAttributes["status"]?.ToString());
    }

    [Fact]
    public async Task A_refund_raises_refund_created_and_charge_refunded()
    {
        await using var s = await Scenario.StartAsync();
        var (pi, _) = await s.PayAsync(1000, TestCards.EftposAuDebit);
        var before = await CountAsync(s);

        var refund = await s.Stripe.V1.Refunds.CreateAsync(new RefundCreateOptions { PaymentIntent = pi.Id, Amount = 250 });

        var events = await NewEventsAsync(s, before);
        Assert.Equal(["refund.created", "charge.refunded"], events.Select(e => e.Type));
        Assert.Equal(refund.Id, ((Refund)events[0].Data.Object).Id);
        Assert.Equal(250, ((Charge)events[1].Data.Object).AmountRefunded);
    }

    [Fact]
    public async Task An_in_person_refund_raises_refund_events_and_action_succeeded()
    {
        await using var s = await Scenario.StartAsync();
        var (pi, _) = await s.PayAsync(1000, TestCards.Interac, currency: "cad", types: ["interac_present"]);
        var before = await CountAsync(s);
        await s.Stripe.V1.Terminal.Readers.RefundPaymentAsync(s.ReaderId, new ReaderRefundPaymentOptions { PaymentIntent = pi.Id });
        await s.PresentAsync(TestCards.Interac, type: "interac_present");

        var events = await NewEventsAsync(s, before);

        Assert.Equal(["refund.created", "charge.refunded", "terminal.reader.action_succeeded"], events.Select(e => e.Type));
        Assert.Equal(((Refund)events[0].Data.Object).Id, ((Reader)events[2].Data.Object).Action.RefundPayment.RefundId);
    }

    [Fact]
    public async Task A_refund_that_fails_later_raises_refund_failed_refund_updated_and_charge_refund_updated()
    {
        await using var s = await Scenario.StartAsync();
        var (pi, _) = await s.PayAsync(1000, TestCards.RefundFails);
        await s.Stripe.V1.Refunds.CreateAsync(new RefundCreateOptions { PaymentIntent = pi.Id });
        var before = await CountAsync(s);

        s.Time.Advance(s.Emulator.Options.RefundFailureDelay);

        var events = await NewEventsAsync(s, before);
        Assert.Equal(["refund.failed", "refund.updated", "charge.refund.updated"], events.Select(e => e.Type));
        Assert.All(events, e => Assert.Equal("failed", ((Refund)e.Data.Object).Status));
        Assert.All(events, e => Assert.Equal("succeeded", e.Data.PreviousAttributes["status"]?.ToString()));
    }

    [Fact]
    public async Task An_expired_authorisation_raises_charge_expired_and_canceled()
    {
        await using var s = await Scenario.StartAsync();
        await s.PayAsync(1000, TestCards.Visa, captureMethod: "manual");
        var before = await CountAsync(s);

        s.Time.Advance(TimeSpan.FromDays(2));

        var events = await NewEventsAsync(s, before);
        Assert.Equal(["charge.expired", "payment_intent.canceled"], events.Select(e => e.Type));
        Assert.Equal("automatic", ((PaymentIntent)events[1].Data.Object).CancellationReason);
    }

    [Fact]
    public async Task Collect_inputs_raises_action_succeeded_or_action_failed()
    {
        await using var s = await Scenario.StartAsync();
        await s.Stripe.V1.Terminal.Readers.CollectInputsAsync(s.ReaderId, CollectInputsTests.EmailForm());
        await s.Stripe.V1.TestHelpers.Terminal.Readers.SucceedInputCollectionAsync(s.ReaderId, new TestHelpers.ReaderSucceedInputCollectionOptions { SkipNonRequiredInputs = "none" });
        await s.Stripe.V1.Terminal.Readers.CollectInputsAsync(s.ReaderId, CollectInputsTests.EmailForm());
        await s.Stripe.V1.TestHelpers.Terminal.Readers.TimeoutInputCollectionAsync(s.ReaderId);

        var events = await NewEventsAsync(s, 0);

        Assert.Equal(["terminal.reader.action_succeeded", "terminal.reader.action_failed"], events.Select(e => e.Type));
        var filled = (Reader)events[0].Data.Object;
        Assert.Equal("42", filled.Action.CollectInputs.Metadata["order"]);
        Assert.False(string.IsNullOrEmpty(filled.Action.CollectInputs.Inputs[0].Email.Value));
    }

    [Fact]
    public async Task Saving_a_card_raises_setup_intent_succeeded_and_action_succeeded()
    {
        await using var s = await Scenario.StartAsync();
        var si = await s.Stripe.V1.SetupIntents.CreateAsync(new SetupIntentCreateOptions());
        var before = await CountAsync(s);
        await s.Stripe.V1.Terminal.Readers.ProcessSetupIntentAsync(s.ReaderId, new ReaderProcessSetupIntentOptions { SetupIntent = si.Id, AllowRedisplay = "always" });
        await s.PresentAsync(TestCards.Visa);

        var events = await NewEventsAsync(s, before);

        Assert.Equal(["setup_intent.succeeded", "terminal.reader.action_succeeded"], events.Select(e => e.Type));
        Assert.Equal(si.Id, ((SetupIntent)events[0].Data.Object).Id);
    }

    [Fact]
    public async Task Events_can_be_read_one_by_one_and_filtered_by_type()
    {
        await using var s = await Scenario.StartAsync();
        await s.PayAsync(1000, TestCards.Visa);
        await s.PayAsync(1005, TestCards.Visa);
        var all = await s.EventsAsync();

        var readerEvents = await s.Stripe.V1.Events.ListAsync(new EventListOptions { Type = "terminal.reader.*" });
        var succeeded = await s.Stripe.V1.Events.ListAsync(new EventListOptions { Types = ["payment_intent.succeeded", "payment_intent.payment_failed"] });
        var one = await s.Stripe.V1.Events.GetAsync(all[0].Event.Id);

        Assert.Equal(["terminal.reader.action_failed", "terminal.reader.action_succeeded"], readerEvents.Data.Select(e => e.Type));
        Assert.Equal(["payment_intent.payment_failed", "payment_intent.succeeded"], succeeded.Data.Select(e => e.Type));
        Assert.Equal(all[0].Json, one.StripeResponse.Content);
        Assert.Equal(all.Count, all.Select(e => e.Event.Id).Distinct().Count());
    }

    [Fact]
    public async Task Events_of_a_connected_account_name_it_and_stay_in_its_list()
    {
        await using var s = await Scenario.StartAsync();
        var connected = s.Emulator.CreateStripeClient(stripeAccount: "acct_connected");

        await connected.V1.PaymentIntents.CreateAsync(new PaymentIntentCreateOptions { Amount = 1000, Currency = "aud", AllowedPaymentMethodTypes = ["card_present"] });
        var theirs = await connected.V1.Events.ListAsync();
        var ours = await s.Stripe.V1.Events.ListAsync();

        var e = Assert.Single(theirs.Data);
        Assert.Equal("acct_connected", e.Account);
        Assert.Empty(ours.Data);
    }
}
