using System.Net;
using StripeTerminalKit.Errors;
using StripeTerminalKit.Payments;
using StripeTerminalKit.Readers;
using StripeTerminalKit.Tests.TestSupport;
using static StripeTerminalKit.Tests.TestSupport.StripeResponses;

namespace StripeTerminalKit.Tests.Resilience;

/// <summary>
/// The retry classification table, row by row, on a scripted Stripe: how many attempts are made,
/// which typed error comes out, and exactly which delays were waited on the fake clock
/// (exponential backoff, 500 ms base, 8 s cap, jitter seeded with 7).
/// </summary>
public sealed class RetryTableTests
{
    private const string Create = "POST /v1/payment_intents";
    private const string Process = "POST /v1/terminal/readers/tmr_123/process_payment_intent";
    private const string ReadReader = "GET /v1/terminal/readers/tmr_123";
    private const string ReadIntent = "GET /v1/payment_intents/pi_123";

    private static readonly Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> Created =
        Answer(() => Json(HttpStatusCode.OK, PaymentIntent()));

    private static readonly Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> Processing =
        Answer(() => Json(HttpStatusCode.OK, Reader(actionType: "process_payment_intent", paymentIntent: "pi_123")));

    public static TheoryData<string> Cases => new(RetryCase.All.Keys);

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Retry_table_row(string name)
    {
        var row = RetryCase.All[name];
        var handler = new ScriptedHandler();
        foreach (var (route, answers) in row.Script)
        {
            handler.On(route, answers);
        }

        await using var kit = TestKit.OnHandler(handler, configure: row.Configure);
        var started = kit.Time.GetUtcNow();
        Exception? error = null;
        IReadOnlyList<TimeSpan> delays;
        if (row.ExpectedError is null)
        {
            (_, delays) = await kit.Time.RunAdvancingAsync(async () =>
            {
                await row.Call(kit);
                return true;
            });
        }
        else
        {
            (error, delays) = await kit.Time.RunAdvancingExpectingAsync<Exception>(() => row.Call(kit));
            Assert.IsType(row.ExpectedError, error);
        }

        var sent = handler.Requests.Where(r => r.Method == HttpMethod.Post).ToArray();
        Assert.Equal(row.ExpectedPosts, sent.Length);
        Assert.Equal(row.ExpectedGets, handler.Requests.Count(r => r.Method == HttpMethod.Get));
        Assert.Equal(ExpectedDelays(row), delays);
        Assert.Equal(kit.Time.GetUtcNow() - started, delays.Aggregate(TimeSpan.Zero, (a, b) => a + b));
        if (sent.Length > 0)
        {
            Assert.Single(sent.Select(r => r.IdempotencyKey).Distinct());
            Assert.All(sent, r => Assert.False(string.IsNullOrEmpty(r.IdempotencyKey)));
        }

        row.Check?.Invoke(error);
    }

    /// <summary>
    /// The delays the table promises: for retry n (0-based), min(8 s, 500 ms × 2^n) × (1 − 0.5 × r_n),
    /// with r_n the n-th draw of Random(7), in whole milliseconds, and never less than Stripe's Retry-After.
    /// </summary>
    private static TimeSpan[] ExpectedDelays(RetryCase row)
    {
        var random = new Random(7);
        return row.RetryAfter.Select((retryAfter, n) =>
        {
            var exponential = Math.Min(8000, 500 * Math.Pow(2, n));
            var jittered = TimeSpan.FromMilliseconds(Math.Floor(exponential * (1 - (0.5 * random.NextDouble()))));
            return retryAfter is { } wait && wait > jittered ? wait : jittered;
        }).ToArray();
    }

    [Fact]
    public void The_seeded_delays_are_pinned()
    {
        var expected = ExpectedDelays(new RetryCase { RetryAfter = [null, null, null, null, null] })
            .Select(d => d.TotalMilliseconds);

        Assert.Equal([404d, 564d, 1339d, 3895d, 6534d], expected);
    }

    [Fact]
    public void There_are_at_least_sixteen_rows()
    {
        Assert.True(RetryCase.All.Count >= 16, $"{RetryCase.All.Count} rows");
    }

    /// <summary>One row of the table.</summary>
    public sealed record RetryCase
    {
        public (string Route, Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>>[] Answers)[] Script { get; init; } = [];

        public Func<TestKit, Task> Call { get; init; } = kit => kit.Payments.CreateAsync(new CreatePaymentRequest(1000));

        public int ExpectedPosts { get; init; }

        public int ExpectedGets { get; init; }

        public Type? ExpectedError { get; init; }

        /// <summary>One entry per expected retry: the Retry-After Stripe sent for it, if any.</summary>
        public TimeSpan?[] RetryAfter { get; init; } = [];

        public Action<StripeTerminalOptions>? Configure { get; init; }

        public Action<Exception?>? Check { get; init; }

        private static Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> E(
            HttpStatusCode status, string type, string? code, string message = "failed", string? param = null, string? decline = null, params (string, string)[] headers) =>
            Answer(() => Error(status, type, code, message, param, decline, headers));

        private static Func<TestKit, Task> ReadPayment => kit => kit.Payments.GetAsync("pi_123");

        private static Func<TestKit, Task> ProcessOnReader => kit => kit.Payments.ProcessOnReaderAsync("tmr_123", "pi_123");

        public static IReadOnlyDictionary<string, RetryCase> All { get; } = new Dictionary<string, RetryCase>
        {
            ["500 to a read, then success: retried once"] = new()
            {
                Script = [(ReadIntent, [E(HttpStatusCode.InternalServerError, "api_error", null), Created])],
                Call = ReadPayment, ExpectedGets = 2, RetryAfter = [null],
            },
            ["502 then 503 to a read, then success: retried twice with growing delays"] = new()
            {
                Script = [(ReadIntent, [E(HttpStatusCode.BadGateway, "api_error", null), E(HttpStatusCode.ServiceUnavailable, "api_error", null), Created])],
                Call = ReadPayment, ExpectedGets = 3, RetryAfter = [null, null],
            },
            ["500 to a request with an idempotency key: not resent, Stripe stored the 500 under the key"] = new()
            {
                // Stripe replays a stored 500 to every resend with the same key (docs: api/idempotent_requests).
                Script = [(Create, [E(HttpStatusCode.InternalServerError, "api_error", null), Created])],
                ExpectedPosts = 1, ExpectedError = typeof(StripeUnavailableException),
                Check = error => Assert.True(((StripeUnavailableException)error!).StoredUnderKey),
            },
            ["500 with Stripe-Should-Retry true to a request with a key: resent with the same key"] = new()
            {
                Script = [(Create, [E(HttpStatusCode.InternalServerError, "api_error", null, headers: ("Stripe-Should-Retry", "true")), Created])],
                ExpectedPosts = 2, RetryAfter = [null],
            },
            ["502 without a Stripe error body (a proxy's page) to a request with a key: resent, nothing was stored"] = new()
            {
                Script = [(Create, [Answer(() => new HttpResponseMessage(HttpStatusCode.BadGateway) { Content = new StringContent("<html>Bad gateway</html>") }), Created])],
                ExpectedPosts = 2, RetryAfter = [null],
            },
            ["504 to a read every time: gives up after three retries"] = new()
            {
                Script = [(ReadIntent, [E(HttpStatusCode.GatewayTimeout, "api_error", null)])],
                Call = ReadPayment, ExpectedGets = 4, RetryAfter = [null, null, null], ExpectedError = typeof(StripeUnavailableException),
                Check = e => Assert.Equal(HttpStatusCode.GatewayTimeout, ((StripeUnavailableException)e!).HttpStatusCode),
            },
            ["409 idempotency_key_in_use then success: retried"] = new()
            {
                Script = [(Create, [E(HttpStatusCode.Conflict, "idempotency_error", "idempotency_key_in_use"), Created])],
                ExpectedPosts = 2, RetryAfter = [null],
            },
            ["429 rate_limit then success: retried"] = new()
            {
                Script = [(Create, [E(HttpStatusCode.TooManyRequests, "invalid_request_error", "rate_limit"), Created])],
                ExpectedPosts = 2, RetryAfter = [null],
            },
            // Stripe documents no Retry-After on a 429 (docs: rate-limits; facts corrections table,
            // row "Rate limits"): three bare 429s are backed off exactly as the exponential table says.
            ["429 without Retry-After three times then success: jittered exponential backoff"] = new()
            {
                Script = [(Create, [
                    E(HttpStatusCode.TooManyRequests, "invalid_request_error", "rate_limit", headers: ("Stripe-Rate-Limited-Reason", "global-rate")),
                    E(HttpStatusCode.TooManyRequests, "invalid_request_error", "rate_limit", headers: ("Stripe-Rate-Limited-Reason", "endpoint-rate")),
                    E(HttpStatusCode.TooManyRequests, "invalid_request_error", "rate_limit"),
                    Created])],
                ExpectedPosts = 4, RetryAfter = [null, null, null],
            },
            ["429 without Retry-After every time: fails with the reason after the retries"] = new()
            {
                Script = [(Create, [E(HttpStatusCode.TooManyRequests, "invalid_request_error", "rate_limit", headers: ("Stripe-Rate-Limited-Reason", "endpoint-rate"))])],
                ExpectedPosts = 4, RetryAfter = [null, null, null], ExpectedError = typeof(RateLimitedException),
                Check = e => Assert.Equal(("endpoint-rate", (TimeSpan?)null), (((RateLimitedException)e!).RateLimitedReason, ((RateLimitedException)e!).RetryAfter)),
            },
            ["429 with Retry-After 7: waits 7 seconds"] = new()
            {
                Script = [(Create, [E(HttpStatusCode.TooManyRequests, "invalid_request_error", "rate_limit", headers: ("Retry-After", "7")), Created])],
                ExpectedPosts = 2, RetryAfter = [TimeSpan.FromSeconds(7)],
            },
            ["429 with Retry-After beyond MaxRetryAfter: fails fast with the advice"] = new()
            {
                Script = [(Create, [E(HttpStatusCode.TooManyRequests, "invalid_request_error", "rate_limit", headers: ("Retry-After", "120"))])],
                ExpectedPosts = 1, ExpectedError = typeof(RateLimitedException),
                Check = e => Assert.Equal(TimeSpan.FromSeconds(120), ((RateLimitedException)e!).RetryAfter),
            },
            ["429 lock_timeout then success: retried"] = new()
            {
                Script = [(Create, [E(HttpStatusCode.TooManyRequests, "invalid_request_error", "lock_timeout"), Created])],
                ExpectedPosts = 2, RetryAfter = [null],
            },
            ["429 with Stripe-Should-Retry false: not retried"] = new()
            {
                Script = [(Create, [E(HttpStatusCode.TooManyRequests, "invalid_request_error", "rate_limit", headers: ("Stripe-Should-Retry", "false"))])],
                ExpectedPosts = 1, ExpectedError = typeof(RateLimitedException),
            },
            ["500 with Stripe-Should-Retry false: not retried"] = new()
            {
                Script = [(Create, [E(HttpStatusCode.InternalServerError, "api_error", null, headers: ("Stripe-Should-Retry", "false"))])],
                ExpectedPosts = 1, ExpectedError = typeof(StripeUnavailableException),
                Check = e => Assert.False(((StripeUnavailableException)e!).IsTransient),
            },
            ["400 with Stripe-Should-Retry true: retried"] = new()
            {
                Script = [(Create, [E(HttpStatusCode.BadRequest, "invalid_request_error", "some_new_code", headers: ("Stripe-Should-Retry", "true")), Created])],
                ExpectedPosts = 2, RetryAfter = [null],
            },
            ["connection failure then success: retried"] = new()
            {
                Script = [(Create, [Throw(new HttpRequestException(HttpRequestError.ConnectionError, "Connection reset by peer")), Created])],
                ExpectedPosts = 2, RetryAfter = [null],
            },
            ["malformed JSON then success: retried with the same key"] = new()
            {
                Script = [(Create, [Answer(() => Json(HttpStatusCode.OK, "{\"id\": \"pi_1\", ")), Created])],
                ExpectedPosts = 2, RetryAfter = [null],
            },
            ["400 invalid parameter: not retried"] = new()
            {
                Script = [(Create, [E(HttpStatusCode.BadRequest, "invalid_request_error", "parameter_invalid_integer", "Invalid integer", "amount")])],
                ExpectedPosts = 1, ExpectedError = typeof(InvalidRequestException),
                Check = e => Assert.Equal("amount", ((InvalidRequestException)e!).Parameter),
            },
            ["401: not retried"] = new()
            {
                Script = [(Create, [E(HttpStatusCode.Unauthorized, "invalid_request_error", null, "Invalid API Key provided: sk_test_****XYZ")])],
                ExpectedPosts = 1, ExpectedError = typeof(StripeAuthenticationException),
            },
            ["402 card_declined: not retried"] = new()
            {
                Script = [(Create, [E(HttpStatusCode.PaymentRequired, "card_error", "card_declined", "Your card was declined.", decline: "do_not_honor")])],
                ExpectedPosts = 1, ExpectedError = typeof(CardDeclinedException),
                Check = e => Assert.Equal("do_not_honor", ((CardDeclinedException)e!).DeclineCode),
            },
            ["403: not retried"] = new()
            {
                Script = [(Create, [E(HttpStatusCode.Forbidden, "invalid_request_error", null, "The provided key does not have access")])],
                ExpectedPosts = 1, ExpectedError = typeof(StripeAuthenticationException),
                Check = e => Assert.True(((StripeAuthenticationException)e!).IsPermissionError),
            },
            ["404 resource_missing: not retried"] = new()
            {
                Script = [(Create, [E(HttpStatusCode.NotFound, "invalid_request_error", "resource_missing", "No such customer", "customer")])],
                ExpectedPosts = 1, ExpectedError = typeof(ResourceNotFoundException),
            },
            ["terminal_reader_busy: typed error, not retried, reader not read"] = new()
            {
                Script = [(Process, [E(HttpStatusCode.BadRequest, "invalid_request_error", "terminal_reader_busy")])],
                Call = ProcessOnReader, ExpectedPosts = 1, ExpectedError = typeof(ReaderBusyException),
            },
            ["terminal_reader_offline: typed error, not retried"] = new()
            {
                Script = [(Process, [E(HttpStatusCode.BadRequest, "invalid_request_error", "terminal_reader_offline")])],
                Call = ProcessOnReader, ExpectedPosts = 1, ExpectedError = typeof(ReaderOfflineException),
            },
            ["terminal_reader_timeout, command arrived: reader read, not resent"] = new()
            {
                Script =
                [
                    (Process, [E(HttpStatusCode.BadRequest, "invalid_request_error", "terminal_reader_timeout")]),
                    (ReadReader, [Processing]),
                ],
                Call = ProcessOnReader, ExpectedPosts = 1, ExpectedGets = 1,
            },
            ["terminal_reader_timeout, command missing: reader read, resent with the same key"] = new()
            {
                Script =
                [
                    (Process, [E(HttpStatusCode.BadRequest, "invalid_request_error", "terminal_reader_timeout"), Processing]),
                    (ReadReader, [Answer(() => Json(HttpStatusCode.OK, Reader()))]),
                ],
                Call = ProcessOnReader, ExpectedPosts = 2, ExpectedGets = 1, RetryAfter = [null],
            },
            ["terminal_reader_timeout, reader unreadable: not resent"] = new()
            {
                Script =
                [
                    (Process, [E(HttpStatusCode.BadRequest, "invalid_request_error", "terminal_reader_timeout")]),
                    (ReadReader, [E(HttpStatusCode.InternalServerError, "api_error", null)]),
                ],
                Call = ProcessOnReader, ExpectedPosts = 1, ExpectedGets = 1, ExpectedError = typeof(ReaderTimeoutException),
                Check = e => Assert.Null(((ReaderTimeoutException)e!).CommandDelivered),
            },
            ["retries switched off: a 500 is not retried"] = new()
            {
                Script = [(Create, [E(HttpStatusCode.InternalServerError, "api_error", null), Created])],
                ExpectedPosts = 1, ExpectedError = typeof(StripeUnavailableException),
                Configure = o => o.Retry.MaxRetries = 0,
            },
            ["Retry-After shorter than the backoff: the backoff wins"] = new()
            {
                Script = [(ReadIntent, [E(HttpStatusCode.ServiceUnavailable, "api_error", null, headers: ("Retry-After", "0")), Created])],
                Call = ReadPayment, ExpectedGets = 2, RetryAfter = [TimeSpan.Zero],
            },
        };
    }
}
