using System.Net;
using StripeTerminalKit.Errors;
using StripeTerminalKit.Payments;
using StripeTerminalKit.Readers;
using StripeTerminalKit.Tests.TestSupport;
using static StripeTerminalKit.Tests.TestSupport.StripeResponses;

namespace StripeTerminalKit.Tests.Errors;

/// <summary>Stripe's error bodies, as Stripe.net surfaces them, become the kit's typed exceptions.</summary>
public sealed class ErrorMappingTests
{
    private static async Task<TException> FailCreate<TException>(HttpResponseMessage response)
        where TException : Exception
    {
        var handler = new ScriptedHandler().On("POST /v1/payment_intents", Answer(() => response));
        await using var kit = TestKit.OnHandler(handler, configure: o => o.Retry.MaxRetries = 0);
        return await TestKit.ThrowsAsync<TException>(() => kit.Payments.CreateAsync(new CreatePaymentRequest(1000)));
    }

    [Fact]
    public async Task A_card_error_carries_decline_code_brand_last4_and_request_id()
    {
        const string body = """
            {"error":{"type":"card_error","code":"card_declined","decline_code":"insufficient_funds","message":"Your card has insufficient funds.",
              "payment_intent":{"id":"pi_9","object":"payment_intent","status":"requires_payment_method","amount":1000,"currency":"aud"},
              "payment_method":{"id":"pm_1","object":"payment_method","type":"card_present","card_present":{"brand":"mastercard","last4":"4444","funding":"debit"}}}}
            """;

        var error = await FailCreate<CardDeclinedException>(Json(HttpStatusCode.PaymentRequired, body));

        Assert.Equal("insufficient_funds", error.DeclineCode);
        Assert.Equal("mastercard", error.CardBrand);
        Assert.Equal("4444", error.CardLast4);
        Assert.Equal("pi_9", error.PaymentIntentId);
        Assert.StartsWith("req_test", error.RequestId, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.PaymentRequired, error.HttpStatusCode);
        Assert.Equal("card_error", error.ErrorType);
        Assert.Equal("payment_intents.create", error.Operation);
    }

    [Fact]
    public async Task An_intent_state_error_says_which_state_the_intent_is_in()
    {
        const string body = """
            {"error":{"type":"invalid_request_error","code":"payment_intent_unexpected_state","message":"This PaymentIntent could not be captured because it has a status of requires_payment_method.",
              "payment_intent":{"id":"pi_5","object":"payment_intent","status":"requires_payment_method","amount":1000,"currency":"aud"}}}
            """;

        var error = await FailCreate<IntentStateException>(Json(HttpStatusCode.BadRequest, body));

        Assert.Equal("pi_5", error.IntentId);
        Assert.Equal("requires_payment_method", error.IntentStatus);
    }

    [Theory]
    [InlineData("terminal_reader_invalid_location_for_payment")]
    [InlineData("terminal_location_country_unsupported")]
    [InlineData("payment_method_types_no_longer_supported")]
    public async Task Configuration_problems_are_configuration_errors(string code)
    {
        var error = await FailCreate<StripeTerminalConfigurationException>(Error(HttpStatusCode.BadRequest, "invalid_request_error", code, "nope"));

        Assert.Equal(code, error.ErrorCode);
        Assert.False(error.IsTransient);
    }

    [Fact]
    public async Task A_hardware_fault_is_a_reader_unavailable_error()
    {
        var error = await FailCreate<ReaderHardwareFaultException>(Error(HttpStatusCode.BadRequest, "invalid_request_error", "terminal_reader_hardware_fault", "broken"));

        Assert.IsAssignableFrom<ReaderUnavailableException>(error);
    }

    [Fact]
    public async Task An_authentication_error_never_repeats_stripes_masked_key()
    {
        var error = await FailCreate<StripeAuthenticationException>(
            Error(HttpStatusCode.Unauthorized, "invalid_request_error", null, "Invalid API Key provided: sk_test_****************************XYZ"));

        Assert.DoesNotContain("sk_test", error.ToString(), StringComparison.Ordinal);
        Assert.Null(error.InnerException);
        Assert.Contains("StripeTerminal:ApiKey", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Secrets_echoed_in_any_stripe_message_are_redacted_and_the_cause_is_dropped()
    {
        var error = await FailCreate<InvalidRequestException>(Error(
            HttpStatusCode.BadRequest, "invalid_request_error", "parameter_unknown",
            $"Received unknown parameter: {TestSecrets.ApiKey} and {TestSecrets.WebhookSecret} and pi_1_secret_abc", "x"));

        Assert.DoesNotContain(TestSecrets.ApiKey, error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(TestSecrets.WebhookSecret, error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("_secret_abc", error.ToString(), StringComparison.Ordinal);
        Assert.Contains("[redacted]", error.Message, StringComparison.Ordinal);
        Assert.Null(error.InnerException);
    }

    [Fact]
    public async Task A_clean_stripe_message_keeps_stripe_nets_exception_as_the_cause()
    {
        var error = await FailCreate<InvalidRequestException>(Error(HttpStatusCode.BadRequest, "invalid_request_error", "parameter_missing", "Missing required param: amount.", "amount"));

        Assert.IsType<Stripe.StripeException>(error.InnerException);
        Assert.Contains("Missing required param: amount.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_failed_reader_action_maps_to_its_typed_exception()
    {
        var declined = new TerminalReaderAction
        {
            Type = ReaderActionType.ProcessPaymentIntent,
            StripeType = "process_payment_intent",
            Status = ReaderActionStatus.Failed,
            ReaderId = "tmr_1",
            PaymentIntentId = "pi_1",
            Failure = new ReaderActionFailure(ReaderActionFailureKind.CardDeclined, "card_declined", "Declined", "do_not_honor", new CardDetails("visa", "0002", "credit")),
        };
        var lostConnection = declined with { Failure = new ReaderActionFailure(ReaderActionFailureKind.ConnectionError, "connection_error", "Could not connect to Stripe.", null, null) };

        var decline = Assert.Throws<CardDeclinedException>(declined.ThrowIfFailed);
        var connection = Assert.Throws<ReaderActionFailedException>(lostConnection.ThrowIfFailed);
        (declined with { Status = ReaderActionStatus.Succeeded, Failure = null }).ThrowIfFailed();

        Assert.Equal(("do_not_honor", "visa", "0002", "tmr_1"), (decline.DeclineCode, decline.CardBrand, decline.CardLast4, decline.ReaderId));
        Assert.Equal("connection_error", connection.ErrorCode);
        Assert.Equal("process_payment_intent", connection.ActionType);
    }

    [Fact]
    public async Task A_reader_action_failure_read_from_stripe_is_classified()
    {
        const string reader = """
            {"id":"tmr_1","object":"terminal.reader","device_type":"stripe_s700","label":"Till","livemode":false,"metadata":{},"serial_number":"s1","status":"online",
             "action":{"type":"process_payment_intent","status":"failed","failure_code":"card_declined","failure_message":"Your card was declined.",
               "api_error":{"type":"card_error","code":"card_declined","decline_code":"lost_card","message":"Your card was declined.",
                 "payment_method":{"id":"pm_2","object":"payment_method","type":"card_present","card_present":{"brand":"eftpos_au","last4":"0978"}}},
               "process_payment_intent":{"payment_intent":"pi_3"}}}
            """;
        var handler = new ScriptedHandler().On("GET /v1/terminal/readers/tmr_1", Answer(() => Json(HttpStatusCode.OK, reader)));
        await using var kit = TestKit.OnHandler(handler);

        var action = await kit.Readers.WaitForActionAsync("tmr_1");

        Assert.Equal(ReaderActionFailureKind.CardDeclined, action!.Failure!.Kind);
        Assert.Equal("lost_card", action.Failure.DeclineCode);
        Assert.Equal(new CardDetails("eftpos_au", "0978", null), action.Failure.Card);
        Assert.Equal("pi_3", action.PaymentIntentId);
    }
}
