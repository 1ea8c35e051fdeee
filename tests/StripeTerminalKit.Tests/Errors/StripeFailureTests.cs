using System.Net;
using Polly.Timeout;
using Stripe;
using StripeTerminalKit.Diagnostics;
using StripeTerminalKit.Errors;
using StripeTerminalKit.Resilience;

namespace StripeTerminalKit.Tests.Errors;

/// <summary>
/// A failed call is classified once, where it failed: the typed exception, the retry table, the
/// telemetry outcome and the checkout machine's kind all read that one value and agree.
/// </summary>
public sealed class StripeFailureTests
{
    public static TheoryData<int, string?, string?, Type, string, string, bool, string> StripeAnswers => new()
    {
        { 400, "invalid_request_error", "terminal_reader_busy", typeof(ReaderBusyException), nameof(StripeFailureKind.ReaderBusy), "reader_busy", false, "reader_busy" },
        { 400, "invalid_request_error", "terminal_reader_offline", typeof(ReaderOfflineException), nameof(StripeFailureKind.ReaderOffline), "reader_offline", false, "reader_offline" },
        { 400, "invalid_request_error", "terminal_reader_hardware_fault", typeof(ReaderHardwareFaultException), nameof(StripeFailureKind.ReaderUnavailable), "reader_hardware_fault", false, "reader_hardware_fault" },
        { 400, "invalid_request_error", "terminal_reader_invalid_location_for_payment", typeof(StripeTerminalConfigurationException), nameof(StripeFailureKind.ReaderUnavailable), "configuration", false, "configuration" },
        { 400, "invalid_request_error", "terminal_location_country_unsupported", typeof(StripeTerminalConfigurationException), nameof(StripeFailureKind.ReaderUnavailable), "configuration", false, "configuration" },
        { 400, "invalid_request_error", "country_unsupported", typeof(StripeTerminalConfigurationException), nameof(StripeFailureKind.Rejected), "configuration", false, "configuration" },
        { 400, "invalid_request_error", "terminal_reader_timeout", typeof(ReaderTimeoutException), nameof(StripeFailureKind.ReaderTimeout), "reader_timeout", false, "reader_timeout" },
        { 400, "invalid_request_error", "intent_invalid_state", typeof(IntentStateException), nameof(StripeFailureKind.InvalidState), "intent_state", false, "intent_state" },
        { 400, "invalid_request_error", "payment_intent_unexpected_state", typeof(IntentStateException), nameof(StripeFailureKind.InvalidState), "intent_state", false, "intent_state" },
        { 400, "invalid_request_error", "setup_intent_unexpected_state", typeof(IntentStateException), nameof(StripeFailureKind.InvalidState), "intent_state", false, "intent_state" },
        { 409, "idempotency_error", "idempotency_key_in_use", typeof(StripeUnavailableException), nameof(StripeFailureKind.Conflict), "conflict", true, "conflict" },
        { 409, "api_error", null, typeof(StripeUnavailableException), nameof(StripeFailureKind.Conflict), "conflict", true, "conflict" },
        { 429, "invalid_request_error", "lock_timeout", typeof(StripeUnavailableException), nameof(StripeFailureKind.Conflict), "unavailable", true, "lock_timeout" },
        { 429, "invalid_request_error", "rate_limit", typeof(RateLimitedException), nameof(StripeFailureKind.RateLimited), "rate_limited", true, "rate_limited" },
        { 429, null, null, typeof(RateLimitedException), nameof(StripeFailureKind.RateLimited), "rate_limited", true, "rate_limited" },
        { 404, "invalid_request_error", "resource_missing", typeof(ResourceNotFoundException), nameof(StripeFailureKind.NotFound), "not_found", false, "not_found" },
        { 404, "invalid_request_error", null, typeof(ResourceNotFoundException), nameof(StripeFailureKind.NotFound), "not_found", false, "not_found" },
        { 400, "idempotency_error", null, typeof(InvalidRequestException), nameof(StripeFailureKind.IdempotencyMismatch), "invalid_request", false, "invalid_request" },
        { 500, "api_error", null, typeof(StripeUnavailableException), nameof(StripeFailureKind.ServerError), "unavailable", true, "server_error" },
        { 503, "api_error", null, typeof(StripeUnavailableException), nameof(StripeFailureKind.ServerError), "unavailable", true, "server_error" },
        { 402, "card_error", "card_declined", typeof(CardDeclinedException), nameof(StripeFailureKind.CardDeclined), "card_declined", false, "card_declined" },
        { 400, "invalid_request_error", "parameter_invalid_integer", typeof(InvalidRequestException), nameof(StripeFailureKind.Rejected), "invalid_request", false, "invalid_request" },
        { 424, "invalid_request_error", null, typeof(InvalidRequestException), nameof(StripeFailureKind.Rejected), "invalid_request", false, "invalid_request" },
        { 401, "invalid_request_error", null, typeof(StripeAuthenticationException), nameof(StripeFailureKind.Rejected), "authentication", false, "authentication" },
        { 403, "invalid_request_error", null, typeof(StripeAuthenticationException), nameof(StripeFailureKind.Rejected), "permission", false, "permission" },
        { 418, "invalid_request_error", null, typeof(StripeTerminalException), nameof(StripeFailureKind.Rejected), "error", false, "error" },
    };

    [Theory]
    [MemberData(nameof(StripeAnswers))]
    public void Every_reader_of_a_Stripe_answer_reads_the_one_classification(
        int status, string? type, string? code, Type exceptionType, string kindName, string outcome, bool retried, string reason)
    {
        var kind = Enum.Parse<StripeFailureKind>(kindName);
        var mapped = StripeErrorMapper.Map(Answer(status, type, code), new StripeCallContext("payment_intents.create"));

        Assert.IsType(exceptionType, mapped);
        Assert.Equal(kind, mapped.Failure.Kind);
        Assert.Equal(kind, StripeFailure.KindOf(status, type, code));
        Assert.Equal(kind, StripeFailure.Of(mapped).Kind);
        Assert.Equal(code, mapped.Failure.Code);
        Assert.Equal(mapped.ErrorCode, mapped.Failure.Code);
        Assert.Equal(status, mapped.Failure.HttpStatus);
        Assert.Equal(outcome, Outcomes.Of(mapped));
        Assert.Equal(new RetryDecision(retried, reason), StripeTerminalResilience.Classify(mapped));
    }

    [Fact]
    public void The_retry_advice_is_read_once_from_Stripe_s_headers()
    {
        var mapped = StripeErrorMapper.Map(
            Answer(429, "invalid_request_error", "rate_limit", ("Retry-After", "7"), ("Stripe-Should-Retry", "true")), new StripeCallContext("payment_intents.create"));

        Assert.Equal(TimeSpan.FromSeconds(7), mapped.Failure.RetryAfter);
        Assert.True(mapped.Failure.ShouldRetry);
        Assert.Equal(TimeSpan.FromSeconds(7), ((RateLimitedException)mapped).RetryAfter);
        Assert.True(((RateLimitedException)mapped).StripeShouldRetry);
        Assert.Equal(new RetryDecision(true, "rate_limited", TimeSpan.FromSeconds(7)), StripeTerminalResilience.Classify(mapped));
    }

    [Fact]
    public void A_server_error_to_a_keyed_request_is_stored_under_the_key_for_the_exception_the_table_and_the_machine()
    {
        var mapped = StripeErrorMapper.Map(Answer(500, "api_error", null), new StripeCallContext("payment_intents.create", Keyed: true));

        Assert.True(mapped.Failure.StoredUnderKey);
        Assert.True(((StripeUnavailableException)mapped).StoredUnderKey);
        Assert.True(mapped.Failure.IsStoredUnderKey);
        Assert.True(mapped.Failure.IsAmbiguous);
        Assert.Equal(new RetryDecision(false, "stored_under_key"), StripeTerminalResilience.Classify(mapped));
    }

    [Fact]
    public void A_card_error_carries_its_decline_code()
    {
        var mapped = StripeErrorMapper.Map(Answer(402, "card_error", "card_declined", decline: "insufficient_funds"), new StripeCallContext("payment_intents.confirm"));

        Assert.Equal("insufficient_funds", mapped.Failure.DeclineCode);
        Assert.Equal("insufficient_funds", ((CardDeclinedException)mapped).DeclineCode);
    }

    /// <summary>
    /// An answer without Stripe's error body (a proxy's page, a 200 whose JSON does not parse) is no
    /// answer for everyone. The machine used to read a proxy's 502 as a server error stored under
    /// the key and an unreadable 200 as a refusal, while the retry table resent both under the same key.
    /// </summary>
    [Theory]
    [InlineData(502)]
    [InlineData(200)]
    [InlineData(404)]
    public void An_unreadable_answer_is_no_answer_for_the_exception_the_table_and_the_machine(int status)
    {
        var unreadable = new StripeException((HttpStatusCode)status, null, "Invalid response object from API")
        {
            StripeResponse = new StripeResponse((HttpStatusCode)status, new HttpResponseMessage().Headers, "<html>Bad gateway</html>"),
        };

        var mapped = StripeErrorMapper.Map(unreadable, new StripeCallContext("payment_intents.create", Keyed: true));

        var unavailable = Assert.IsType<StripeUnavailableException>(mapped);
        Assert.True(unavailable.OutcomeUnknown);
        Assert.False(unavailable.StoredUnderKey);
        Assert.Equal(StripeFailure.NoAnswer(StripeFailure.InvalidResponse) with { HttpStatus = status }, mapped.Failure);
        Assert.True(mapped.Failure.IsAmbiguous);
        Assert.False(mapped.Failure.IsStoredUnderKey);
        Assert.Equal(new RetryDecision(true, "invalid_response"), StripeTerminalResilience.Classify(mapped));
    }

    [Fact]
    public void A_call_that_got_no_answer_is_a_network_failure_with_the_kit_s_code()
    {
        Assert.Equal(StripeFailure.NoAnswer(StripeFailure.Timeout), StripeFailure.Of(new TimeoutRejectedException()));
        Assert.Equal(new StripeFailure(StripeFailureKind.Network), StripeFailure.Of(new InvalidOperationException()));
        Assert.Equal(new RetryDecision(true, "timeout"), StripeTerminalResilience.Classify(new TimeoutRejectedException()));
        Assert.Equal("timeout", Outcomes.Of(new TimeoutRejectedException()));
    }

    /// <summary>
    /// An exception built outside a failed call stands for what its type says. The readers module
    /// reports a deleted reader with <see cref="ResourceNotFoundException"/>: the machine used to
    /// read it as a lost answer (no HTTP status) and re-read the reader for ever.
    /// </summary>
    [Fact]
    public void An_exception_built_by_a_module_stands_for_what_its_type_says()
    {
        var deleted = new ResourceNotFoundException("Reader tmr_1 was deleted.") { ResourceId = "tmr_1", ErrorCode = "resource_missing" };

        Assert.Equal(new StripeFailure(StripeFailureKind.NotFound, "resource_missing"), StripeFailure.Of(deleted));
        Assert.Equal(new StripeFailure(StripeFailureKind.Rejected, "validation_failed"), StripeFailure.Of(TerminalValidationException.For("Amount", "must be positive")));
        Assert.Equal(StripeFailureKind.RateLimited, StripeFailure.Of(new RateLimitedException()).Kind);
        Assert.Equal(StripeFailureKind.ReaderBusy, StripeFailure.Of(new ReaderBusyException()).Kind);
        Assert.Equal(StripeFailureKind.CardDeclined, StripeFailure.Of(new CardDeclinedException { DeclineCode = "do_not_honor" }).Kind);
        Assert.Equal(StripeFailureKind.Rejected, StripeFailure.Of(new StripeTerminalException()).Kind);
    }

    [Theory]
    [InlineData(null, null, "connection_failed", "connection_failure")]
    [InlineData(null, null, "timeout", "timeout")]
    [InlineData(null, null, null, "transient")]
    [InlineData(409, null, null, "conflict")]
    [InlineData(503, null, null, "server_error")]
    [InlineData(503, null, "timeout", "timeout")]
    [InlineData(null, null, "lock_timeout", "lock_timeout")]
    public void An_unavailable_exception_built_by_a_caller_is_retried_for_what_it_says(int? status, string? type, string? code, string reason)
    {
        var built = new StripeUnavailableException("Stripe is unavailable.") { HttpStatusCode = (HttpStatusCode?)status, ErrorType = type, ErrorCode = code };

        Assert.Equal(new RetryDecision(true, reason), StripeTerminalResilience.Classify(built));
    }

    private static StripeException Answer(int status, string? type, string? code, params (string Name, string Value)[] headers) =>
        Answer(status, type, code, null, headers);

    private static StripeException Answer(int status, string? type, string? code, string? decline, params (string Name, string Value)[] headers)
    {
        var response = new HttpResponseMessage((HttpStatusCode)status);
        foreach (var (name, value) in headers)
        {
            response.Headers.TryAddWithoutValidation(name, value);
        }

        return new StripeException((HttpStatusCode)status, new StripeError { Type = type, Code = code, DeclineCode = decline, Message = "failed" }, "failed")
        {
            StripeResponse = new StripeResponse((HttpStatusCode)status, response.Headers, "{}"),
        };
    }
}
