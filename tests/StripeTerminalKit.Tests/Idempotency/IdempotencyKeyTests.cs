using System.Net;
using StripeTerminalKit.Errors;
using StripeTerminalKit.Idempotency;
using StripeTerminalKit.Payments;
using StripeTerminalKit.Tests.TestSupport;
using static StripeTerminalKit.Tests.TestSupport.StripeResponses;

namespace StripeTerminalKit.Tests.Idempotency;

public sealed class IdempotencyKeyTests
{
    // A server error to a request with a key is resent only when Stripe says so (it stored the answer otherwise).
    private static readonly (string, string) RetryAllowed = ("Stripe-Should-Retry", "true");

    [Fact]
    public void Derived_keys_are_deterministic_and_distinct_per_step_and_attempt()
    {
        var key = IdempotencyKey.Derive("order-42", "payment_intents.create");

        Assert.Equal("stk:order-42:payment_intents.create:1", key.Value);
        Assert.Equal(key, IdempotencyKey.Derive("order-42", "payment_intents.create", 1));
        Assert.NotEqual(key, IdempotencyKey.Derive("order-42", "readers.process_payment_intent"));
        Assert.NotEqual(key, IdempotencyKey.Derive("order-42", "payment_intents.create", 2));
        Assert.NotEqual(key, IdempotencyKey.Derive("order-43", "payment_intents.create"));
    }

    [Fact]
    public void A_scope_too_long_for_the_header_is_hashed_deterministically()
    {
        var scope = new string('o', 300);

        var key = IdempotencyKey.Derive(scope, "payment_intents.create");

        Assert.True(key.Value.Length <= IdempotencyKey.MaxLength);
        Assert.StartsWith("stk:sha256-", key.Value, StringComparison.Ordinal);
        Assert.Equal(key, IdempotencyKey.Derive(scope, "payment_intents.create"));
        Assert.NotEqual(key, IdempotencyKey.Derive(scope + "x", "payment_intents.create"));
    }

    [Fact]
    public void A_non_ascii_scope_is_hashed_so_the_header_stays_valid()
    {
        var key = IdempotencyKey.Derive("commande-é-42", "refunds.create");

        Assert.All(key.Value, c => Assert.InRange(c, ' ', '~'));
    }

    [Theory]
    [InlineData("")]
    [InlineData("line\nbreak")]
    public void Explicit_keys_must_be_printable_and_present(string value)
    {
        var error = Assert.Throws<TerminalValidationException>(() => new IdempotencyKey(value));

        Assert.Equal("IdempotencyKey", error.Parameter);
    }

    [Fact]
    public void An_explicit_key_of_255_characters_is_accepted()
    {
        var key = new IdempotencyKey(new string('k', 255));

        Assert.Equal(255, key.Value.Length);
    }

    [Fact]
    public void Steps_cannot_contain_the_separator()
    {
        Assert.Throws<TerminalValidationException>(() => IdempotencyKey.Derive("order-1", "a:b"));
        Assert.Throws<TerminalValidationException>(() => IdempotencyKey.Derive("order-1", "step", 0));
        Assert.Throws<TerminalValidationException>(() => new IdempotencyScope(" "));
    }

    [Fact]
    public async Task One_scope_gives_each_step_its_own_key_and_retries_reuse_it()
    {
        var handler = new ScriptedHandler()
            .On("POST /v1/payment_intents", Answer(() => Error(HttpStatusCode.InternalServerError, "api_error", null, "boom", null, null, RetryAllowed)), Answer(() => Json(HttpStatusCode.OK, PaymentIntent())))
            .On("POST /v1/terminal/readers/tmr_1/process_payment_intent", Answer(() => Json(HttpStatusCode.OK, Reader("tmr_1", "process_payment_intent", "pi_123"))))
            .On("POST /v1/payment_intents/pi_123/capture", Answer(() => Json(HttpStatusCode.OK, PaymentIntent(status: "succeeded"))));
        await using var kit = TestKit.OnHandler(handler);
        var call = TerminalCallOptions.ForScope("checkout-9");

        await kit.Time.RunAdvancingAsync(() => kit.Payments.CreateAsync(new CreatePaymentRequest(1000), call));
        await kit.Payments.ProcessOnReaderAsync("tmr_1", "pi_123", callOptions: call);
        await kit.Payments.CaptureAsync("pi_123", callOptions: call);

        var keys = handler.Requests.Select(r => r.IdempotencyKey!).ToArray();
        Assert.Equal(
            [
                "stk:checkout-9:payment_intents.create:1",
                "stk:checkout-9:payment_intents.create:1",
                "stk:checkout-9:readers.process_payment_intent:1",
                "stk:checkout-9:payment_intents.capture:1",
            ],
            keys);
    }

    [Fact]
    public async Task Without_a_scope_each_call_gets_one_key_for_all_its_retries()
    {
        var handler = new ScriptedHandler().On(
            "POST /v1/payment_intents",
            Answer(() => Error(HttpStatusCode.ServiceUnavailable, "api_error", null, "down", null, null, RetryAllowed)),
            Answer(() => Error(HttpStatusCode.ServiceUnavailable, "api_error", null, "down", null, null, RetryAllowed)),
            Answer(() => Json(HttpStatusCode.OK, PaymentIntent())));
        await using var kit = TestKit.OnHandler(handler);

        await kit.Time.RunAdvancingAsync(() => kit.Payments.CreateAsync(new CreatePaymentRequest(1000)));
        await kit.Payments.CreateAsync(new CreatePaymentRequest(1000));

        var keys = handler.Requests.Select(r => r.IdempotencyKey!).ToArray();
        Assert.Equal(4, keys.Length);
        Assert.Single(keys[..3].Distinct());
        Assert.NotEqual(keys[0], keys[3]);
        Assert.All(keys, k => Assert.StartsWith("stk:auto-", k, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Reads_and_deletes_carry_no_idempotency_key()
    {
        var handler = new ScriptedHandler()
            .On("GET /v1/payment_intents/pi_123", Answer(() => Json(HttpStatusCode.OK, PaymentIntent())))
            .On("DELETE /v1/terminal/readers/tmr_1", Answer(() => Json(HttpStatusCode.OK, """{"id":"tmr_1","object":"terminal.reader","deleted":true}""")));
        await using var kit = TestKit.OnHandler(handler);

        await kit.Payments.GetAsync("pi_123");
        await kit.Readers.DeleteAsync("tmr_1");

        Assert.All(handler.Requests, r => Assert.Null(r.IdempotencyKey));
    }
}
