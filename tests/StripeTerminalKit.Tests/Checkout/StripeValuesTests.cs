using StripeTerminalKit.Checkout;
using StripeTerminalKit.Payments;
using StripeTerminalKit.Readers;
using StripeTerminalKit.Webhooks;

namespace StripeTerminalKit.Tests.Checkout;

public sealed class StripeValuesTests
{
    [Fact]
    public void Unknown_wire_values_map_to_safe_defaults()
    {
        var reader = ReaderWebhook("evt_0", "terminal.reader.action_updated", "something_new", "something_new");
        var intent = reader with { ObjectType = "payment_intent", ObjectId = "pi_1", PaymentIntentStatus = "requires_something_new" };

        Assert.Equal(new ReaderObservation("tmr_1", ReaderActionType.Unknown, ReaderActionStatus.Unknown), StripeValues.Hint(reader, MachineHarness.T0)!.Value.Reader);
        Assert.Equal(new ReaderObservation("tmr_1", ActionType: null), StripeValues.Hint(reader with { ReaderActionType = null, ReaderActionStatus = null }, MachineHarness.T0)!.Value.Reader);
        Assert.Equal(ReaderActionType.PrintContent, StripeValues.Hint(reader with { ReaderActionType = "print_content" }, MachineHarness.T0)!.Value.Reader.ActionType);
        Assert.Equal(IntentStatus.Unknown, StripeValues.Hint(intent, MachineHarness.T0)!.Value.Intent.Status);
    }

    [Fact]
    public void A_reader_webhook_becomes_a_reader_hint()
    {
        var webhook = ReaderWebhook("evt_1", "terminal.reader.action_failed", "process_payment_intent", "failed") with
        {
            ReaderActionFailureCode = "card_declined",
            DeclineCode = "insufficient_funds",
            PaymentIntentId = "pi_1",
        };

        var hint = StripeValues.Hint(webhook, MachineHarness.T0)!.Value;

        Assert.Equal(CheckoutEventKind.ReaderWebhook, hint.Kind);
        Assert.Equal(new ReaderObservation("tmr_1", ReaderActionType.ProcessPaymentIntent, ReaderActionStatus.Failed, "pi_1", "card_declined", "insufficient_funds"), hint.Reader);
    }

    [Fact]
    public void A_payment_intent_webhook_becomes_an_intent_hint_and_other_objects_none()
    {
        var webhook = new TerminalWebhookEvent
        {
            Id = "evt_2",
            Type = "payment_intent.amount_capturable_updated",
            ObjectType = "payment_intent",
            ObjectId = "pi_1",
            PaymentIntentStatus = "requires_capture",
            Body = ReadOnlyMemory<byte>.Empty,
        };

        var hint = StripeValues.Hint(webhook, MachineHarness.T0)!.Value;

        Assert.Equal(CheckoutEventKind.PaymentIntentWebhook, hint.Kind);
        Assert.Equal(IntentStatus.RequiresCapture, hint.Intent.Status);
        Assert.Null(StripeValues.Hint(webhook with { ObjectType = "charge" }, MachineHarness.T0));
    }

    [Fact]
    public void A_payment_intent_webhook_with_its_amounts_becomes_an_observation_with_the_tip_above_the_sale()
    {
        var webhook = new TerminalWebhookEvent
        {
            Id = "evt_3",
            Type = "payment_intent.amount_capturable_updated",
            ObjectType = "payment_intent",
            ObjectId = "pi_1",
            PaymentIntentStatus = "requires_capture",
            Amount = 1150,
            AmountCapturable = 1150,
            AmountReceived = 0,
            LatestChargeId = "ch_1",
            Body = ReadOnlyMemory<byte>.Empty,
        };

        var observed = StripeValues.Observation(webhook, requestAmount: 1000, MachineHarness.T0)!.Value;

        Assert.Equal(CheckoutEventKind.PaymentIntentObserved, observed.Kind);
        Assert.Equal(new PaymentIntentObservation("pi_1", IntentStatus.RequiresCapture, 1150, 1150, 0, 150, ChargeId: "ch_1"), observed.Intent);
        Assert.Equal(CheckoutEventKind.PaymentIntentWebhook, StripeValues.Observation(webhook with { Amount = null }, 1000, MachineHarness.T0)!.Value.Kind);
    }

    [Fact]
    public void A_reader_webhook_becomes_a_reader_observation()
    {
        var webhook = ReaderWebhook("evt_4", "terminal.reader.action_succeeded", "process_payment_intent", "succeeded") with { PaymentIntentId = "pi_1" };

        var observed = StripeValues.Observation(webhook, 1000, MachineHarness.T0)!.Value;

        Assert.Equal(CheckoutEventKind.ReaderObserved, observed.Kind);
        Assert.Equal(new ReaderObservation("tmr_1", ReaderActionType.ProcessPaymentIntent, ReaderActionStatus.Succeeded, "pi_1"), observed.Reader);
        Assert.Null(StripeValues.Observation(webhook with { ObjectType = "charge" }, 1000, MachineHarness.T0));
    }

    private static TerminalWebhookEvent ReaderWebhook(string id, string type, string? actionType, string? actionStatus) => new()
    {
        Id = id,
        Type = type,
        ObjectType = "terminal.reader",
        ObjectId = "tmr_1",
        ReaderActionType = actionType,
        ReaderActionStatus = actionStatus,
        Body = ReadOnlyMemory<byte>.Empty,
    };
}
