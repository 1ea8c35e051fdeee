using StripeTerminalKit.Checkout;
using StripeTerminalKit.Webhooks;

namespace StripeTerminalKit.Tests.Checkout;

public sealed class StripeValuesTests
{
    [Theory]
    [InlineData(null, null, null, nameof(ApiFailureKind.Network))]
    [InlineData(400, "invalid_request_error", "terminal_reader_timeout", nameof(ApiFailureKind.ReaderTimeout))]
    [InlineData(400, "invalid_request_error", "terminal_reader_busy", nameof(ApiFailureKind.ReaderBusy))]
    [InlineData(400, "invalid_request_error", "terminal_reader_offline", nameof(ApiFailureKind.ReaderOffline))]
    [InlineData(400, "invalid_request_error", "terminal_reader_hardware_fault", nameof(ApiFailureKind.ReaderUnavailable))]
    [InlineData(400, "invalid_request_error", "terminal_reader_invalid_location_for_payment", nameof(ApiFailureKind.ReaderUnavailable))]
    [InlineData(400, "invalid_request_error", "intent_invalid_state", nameof(ApiFailureKind.InvalidState))]
    [InlineData(400, "invalid_request_error", "payment_intent_unexpected_state", nameof(ApiFailureKind.InvalidState))]
    [InlineData(409, "invalid_request_error", "idempotency_key_in_use", nameof(ApiFailureKind.Conflict))]
    [InlineData(409, "api_error", null, nameof(ApiFailureKind.Conflict))]
    [InlineData(429, "invalid_request_error", "rate_limit", nameof(ApiFailureKind.RateLimited))]
    [InlineData(429, null, null, nameof(ApiFailureKind.RateLimited))]
    [InlineData(404, "invalid_request_error", "resource_missing", nameof(ApiFailureKind.NotFound))]
    [InlineData(400, "idempotency_error", null, nameof(ApiFailureKind.IdempotencyMismatch))]
    [InlineData(500, "api_error", null, nameof(ApiFailureKind.ServerError))]
    [InlineData(503, null, null, nameof(ApiFailureKind.ServerError))]
    [InlineData(402, "card_error", "card_declined", nameof(ApiFailureKind.CardDeclined))]
    [InlineData(400, "invalid_request_error", "parameter_invalid_integer", nameof(ApiFailureKind.Rejected))]
    [InlineData(401, "invalid_request_error", null, nameof(ApiFailureKind.Rejected))]
    public void Stripe_errors_are_classified_by_code_then_type_then_status(int? status, string? type, string? code, string expected)
    {
        var failure = StripeValues.Failure(status, type, code);

        Assert.Equal(Enum.Parse<ApiFailureKind>(expected), failure.Kind);
        Assert.Equal(code, failure.Code);
    }

    [Fact]
    public void Unknown_wire_values_map_to_safe_defaults()
    {
        Assert.Equal(PaymentIntentStatus.Unknown, StripeValues.PaymentIntentStatus("requires_something_new"));
        Assert.Equal(ReaderActionType.Other, StripeValues.ReaderActionType("print_content"));
        Assert.Equal(ReaderActionType.None, StripeValues.ReaderActionType(null));
        Assert.Equal(ReaderActionStatus.None, StripeValues.ReaderActionStatus(null));
        Assert.Equal(RefundStatus.Pending, StripeValues.RefundStatus(null));
        Assert.Equal(PaymentIntentStatus.RequiresCapture, StripeValues.PaymentIntentStatus("requires_capture"));
        Assert.Equal(ReaderActionStatus.Failed, StripeValues.ReaderActionStatus("failed"));
    }

    [Fact]
    public void A_reader_webhook_becomes_a_reader_hint()
    {
        var webhook = new TerminalWebhookEvent
        {
            Id = "evt_1",
            Type = "terminal.reader.action_failed",
            ObjectType = "terminal.reader",
            ObjectId = "tmr_1",
            ReaderActionType = "process_payment_intent",
            ReaderActionStatus = "failed",
            ReaderActionFailureCode = "card_declined",
            DeclineCode = "insufficient_funds",
            PaymentIntentId = "pi_1",
            Body = ReadOnlyMemory<byte>.Empty,
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
        Assert.Equal(PaymentIntentStatus.RequiresCapture, hint.Intent.Status);
        Assert.Null(StripeValues.Hint(webhook with { ObjectType = "charge" }, MachineHarness.T0));
    }
}
