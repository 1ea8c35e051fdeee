using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using StripeTerminalKit.Diagnostics;
using StripeTerminalKit.Errors;
using StripeTerminalKit.Payments;
using StripeTerminalKit.Tests.TestSupport;
using static StripeTerminalKit.Tests.TestSupport.StripeResponses;

namespace StripeTerminalKit.Tests.Diagnostics;

public sealed class TelemetryTests
{
    // A server error to a request with a key is resent only when Stripe says so (it stored the answer otherwise).
    private static readonly (string, string) RetryAllowed = ("Stripe-Should-Retry", "true");

    private static readonly ActivitySource TestSource = new("StripeTerminalKit.Tests");

    private static ScriptedHandler FlakyThenDeclined() => new ScriptedHandler()
        .On(
            "POST /v1/payment_intents",
            Answer(() => Error(HttpStatusCode.ServiceUnavailable, "api_error", null, "down", null, null, RetryAllowed)),
            Answer(() => Json(HttpStatusCode.OK, PaymentIntent())))
        .On("POST /v1/payment_intents/pi_123/capture", Answer(() => Error(HttpStatusCode.PaymentRequired, "card_error", "card_declined", "Declined", declineCode: "generic_decline")));

    [Fact]
    public async Task Calls_retries_and_latency_are_measured_with_low_cardinality_tags()
    {
        await using var kit = TestKit.OnHandler(FlakyThenDeclined());
        var meters = kit.Provider.GetRequiredService<IMeterFactory>();
        using var calls = new MetricCollector<long>(meters, StripeTerminalDiagnostics.MeterName, StripeTerminalDiagnostics.ApiCallsInstrument);
        using var retries = new MetricCollector<long>(meters, StripeTerminalDiagnostics.MeterName, StripeTerminalDiagnostics.ApiRetriesInstrument);
        using var duration = new MetricCollector<double>(meters, StripeTerminalDiagnostics.MeterName, StripeTerminalDiagnostics.ApiDurationInstrument);

        await kit.Time.RunAdvancingAsync(() => kit.Payments.CreateAsync(new CreatePaymentRequest(1000)));
        await TestKit.ThrowsAsync<CardDeclinedException>(() => kit.Payments.CaptureAsync("pi_123"));

        Assert.Collection(
            calls.GetMeasurementSnapshot(),
            m => Assert.Equal(("payment_intents.create", "success"), (m.Tags["operation"], m.Tags["outcome"])),
            m => Assert.Equal(("payment_intents.capture", "card_declined"), (m.Tags["operation"], m.Tags["outcome"])));
        var retry = Assert.Single(retries.GetMeasurementSnapshot());
        Assert.Equal(("payment_intents.create", "server_error"), (retry.Tags["operation"], retry.Tags["reason"]));
        var latencies = duration.GetMeasurementSnapshot();
        Assert.Equal(2, latencies.Count);
        Assert.Equal(0.404, latencies[0].Value, 3);
        Assert.All(latencies, m => Assert.Equal(["configuration", "operation", "outcome"], m.Tags.Keys.Order()));
    }

    [Fact]
    public async Task Each_call_is_an_activity_named_after_the_operation()
    {
        var seen = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is StripeTerminalDiagnostics.ActivitySourceName or "StripeTerminalKit.Tests",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                lock (seen)
                {
                    seen.Add(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        await using var kit = TestKit.OnHandler(FlakyThenDeclined());

        using (var parent = TestSource.StartActivity("test"))
        {
            await kit.Time.RunAdvancingAsync(() => kit.Payments.CreateAsync(new CreatePaymentRequest(1000)));
            await TestKit.ThrowsAsync<CardDeclinedException>(() => kit.Payments.CaptureAsync("pi_123"));
            Assert.NotNull(parent);
        }

        Activity[] mine;
        lock (seen)
        {
            var parentId = seen.Single(a => a.Source == TestSource).Id;
            mine = seen.Where(a => a.ParentId == parentId).ToArray();
        }

        Assert.Equal(["payment_intents.create", "payment_intents.capture"], mine.Select(a => a.OperationName));
        Assert.Equal(StripeTerminalDiagnostics.ActivitySourceName, mine[0].Source.Name);
        Assert.Equal(ActivityKind.Client, mine[0].Kind);
        Assert.Equal(2, mine[0].GetTagItem("stripe_terminal_kit.attempts"));
        Assert.Equal(ActivityStatusCode.Error, mine[1].Status);
        Assert.StartsWith("req_test", (string?)mine[1].GetTagItem("stripe.request_id"), StringComparison.Ordinal);
    }

    /// <summary>
    /// A 429 carries Stripe-Rate-Limited-Reason (docs: rate-limits; facts corrections table, row
    /// "Rate limits"): the kit logs it (event 1004) and tags the call's activity with it.
    /// </summary>
    [Fact]
    public async Task The_rate_limited_reason_is_logged_and_tagged_on_the_activity()
    {
        var seen = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is StripeTerminalDiagnostics.ActivitySourceName or "StripeTerminalKit.Tests",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                lock (seen)
                {
                    seen.Add(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        var handler = new ScriptedHandler()
            .On(
                "POST /v1/payment_intents",
                Answer(() => Error(HttpStatusCode.TooManyRequests, "invalid_request_error", "rate_limit", "Too many", headers: ("Stripe-Rate-Limited-Reason", "endpoint-rate"))),
                Answer(() => Json(HttpStatusCode.OK, PaymentIntent())))
            .On("POST /v1/payment_intents/pi_123/cancel", Answer(() => Error(HttpStatusCode.TooManyRequests, "invalid_request_error", "rate_limit", "Too many", headers: ("Stripe-Rate-Limited-Reason", "global-rate"))));
        await using var kit = TestKit.OnHandler(handler, configure: o => o.Retry.MaxRetries = 0);
        await using var retrying = TestKit.OnHandler(handler);

        RateLimitedException failed;
        string? parentId;
        using (var parent = TestSource.StartActivity("rate-limited"))
        {
            await retrying.Time.RunAdvancingAsync(() => retrying.Payments.CreateAsync(new CreatePaymentRequest(1000)));
            failed = await TestKit.ThrowsAsync<RateLimitedException>(() => kit.Payments.CancelAsync("pi_123"));
            parentId = parent?.Id;
        }

        Activity[] mine;
        lock (seen)
        {
            mine = seen.Where(a => a.ParentId == parentId).ToArray();
        }

        var created = Assert.Single(mine, a => a.OperationName == "payment_intents.create");
        var canceled = Assert.Single(mine, a => a.OperationName == "payment_intents.cancel");
        Assert.Equal("endpoint-rate", created.GetTagItem("stripe.rate_limited_reason"));
        Assert.Equal("endpoint-rate", Assert.Single(created.Events, e => e.Name == "stripe_terminal_kit.rate_limited").Tags.Single().Value);
        Assert.Equal("global-rate", canceled.GetTagItem("stripe.rate_limited_reason"));
        Assert.Equal("global-rate", failed.RateLimitedReason);
        Assert.Contains(retrying.Logs.GetSnapshot(), r => r.Id.Id == 1004 && r.Message.Contains("Stripe-Rate-Limited-Reason endpoint-rate", StringComparison.Ordinal));
        Assert.Contains(kit.Logs.GetSnapshot(), r => r.Id.Id == 1004 && r.Message.Contains("Stripe-Rate-Limited-Reason global-rate", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Logs_are_source_generated_with_stable_event_ids()
    {
        await using var kit = TestKit.OnHandler(FlakyThenDeclined());

        await kit.Time.RunAdvancingAsync(() => kit.Payments.CreateAsync(new CreatePaymentRequest(1000)));
        await TestKit.ThrowsAsync<CardDeclinedException>(() => kit.Payments.CaptureAsync("pi_123"));
        await TestKit.ThrowsAsync<TerminalValidationException>(() => kit.Payments.CaptureAsync("pi_123", 0));

        var records = kit.Logs.GetSnapshot().Where(r => r.Category == "StripeTerminalKit").ToArray();
        Assert.Contains(records, r => r.Id.Id == 1002 && r.Message == "Retrying Stripe call payment_intents.create (retry 1) in 404 ms because of server_error");
        Assert.Contains(records, r => r.Id.Id == 1000 && r.Message.StartsWith("Stripe call payment_intents.create succeeded after 2 attempt(s)", StringComparison.Ordinal));
        Assert.Contains(records, r => r.Id.Id == 1001 && r.Message.Contains("failed with card_declined (code card_declined, HTTP 402, request req_test", StringComparison.Ordinal));
        Assert.DoesNotContain(records, r => r.Id.Id == 1003);
    }

    [Fact]
    public async Task Manual_capture_in_australia_warns_that_eftpos_will_decline()
    {
        await using var kit = TestKit.OnEmulator("AU");

        await kit.Payments.CreateAsync(new CreatePaymentRequest(1000) { CaptureMethod = CaptureMethod.Manual });

        Assert.Contains(kit.Logs.GetSnapshot(), r => r.Id.Id == 1030 && r.Level == Microsoft.Extensions.Logging.LogLevel.Warning);
    }
}
