namespace StripeTerminalKit.Farm.Tests;

/// <summary>The farm's request-log checks on made-up logs: what counts as two drivers, and how the rate is counted.</summary>
public sealed class RequestLogAuditTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);
    private static readonly Dictionary<string, string> PaymentIntents = new(StringComparer.Ordinal) { ["pi_1"] = "co-1" };

    [Fact]
    public void A_takeover_is_one_change_of_driver()
    {
        var log = new[] { Write(1, 0, "web-0", "stk:co-1:create:1"), Write(2, 1, "web-0", key: null, pi: "pi_1"), Write(3, 5, "web-1", "stk:co-1:capture:1") };

        var report = RequestLogAudit.OneDriverPerCheckout(log, PaymentIntents, []);

        Assert.Empty(report.Findings);
        Assert.Equal((3, 1), (report.Writes, report.Handovers));
    }

    [Fact]
    public void The_old_driver_writing_again_without_a_restart_is_two_drivers()
    {
        var log = new[] { Write(1, 0, "web-0", "stk:co-1:create:1"), Write(2, 1, "web-1", "stk:co-1:process:1"), Write(3, 2, "web-0", key: null, pi: "pi_1") };

        var finding = Assert.Single(RequestLogAudit.OneDriverPerCheckout(log, PaymentIntents, [new InstanceStart("web-0", T0.AddSeconds(-60))]).Findings);

        Assert.StartsWith("co-1: web-0 writes again", finding, StringComparison.Ordinal);
    }

    [Fact]
    public void A_restarted_instance_may_take_a_checkout_back()
    {
        var log = new[] { Write(1, 0, "web-0", "stk:co-1:create:1"), Write(2, 1, "web-1", "stk:co-1:process:1"), Write(3, 9, "web-0", "stk:co-1:capture:1") };

        var report = RequestLogAudit.OneDriverPerCheckout(log, PaymentIntents, [new InstanceStart("web-0", T0.AddSeconds(5))]);

        Assert.Empty(report.Findings);
        Assert.Equal((3, 2, 2), (report.Writes, report.DriversByCheckout["co-1"], report.Handovers));
    }

    [Fact]
    public void Reads_and_the_tests_own_writes_never_count_as_a_driver()
    {
        var log = new[]
        {
            Write(1, 0, "web-0", "stk:co-1:create:1"),
            Write(2, 1, "web-1", "stk:co-1:process:1"),
            Write(3, 2, "web-0", key: null, pi: "pi_1") with { Method = "GET" },
            Write(4, 3, instance: null, key: null, pi: "pi_1"),
        };

        Assert.Empty(RequestLogAudit.OneDriverPerCheckout(log, PaymentIntents, []).Findings);
    }

    [Fact]
    public void The_rate_is_counted_per_second_overall_and_per_endpoint_with_429s_by_sender()
    {
        var log = new List<LoggedRequest>();
        for (var i = 0; i < 30; i++)
        {
            log.Add(Write(i + 1, 0.03 * i, i % 2 == 0 ? "web-0" : null, key: null) with { Method = "GET", Operation = "terminal.readers.get", Status = i >= 25 ? 429 : 200 });
        }

        log.Add(Write(31, 1.5, "web-1", "stk:co-1:capture:1") with { Status = 429 });

        var rates = RequestLogAudit.Rates(log);

        Assert.Equal((30, 15, 30, "terminal.readers.get"), (rates.PeakPerSecond, rates.PeakInstancesPerSecond, rates.PeakEndpointPerSecond, rates.PeakEndpoint));
        Assert.Equal((6, 2, 1, 3), (rates.Throttled, rates.ThrottledInstanceReads, rates.ThrottledInstanceWrites, rates.ThrottledTest));
        Assert.Equal(3, RequestLogAudit.ThrottledInstanceRequests(log).Count());
    }

    [Theory]
    [InlineData("Stripe/V1 .NetBindings/53.1.0 StripeTerminalKit/0.1.0 stk-instance/web-2", "web-2")]
    [InlineData("Stripe/V1 .NetBindings/53.1.0 stk-farm-test", null)]
    [InlineData(null, null)]
    public void The_instance_is_read_from_the_user_agent(string? userAgent, string? instance)
    {
        Assert.Equal(instance, RequestLogAudit.InstanceOf(userAgent));
    }

    private static LoggedRequest Write(long sequence, double seconds, string? instance, string? key, string? pi = null) =>
        new(sequence, T0.AddSeconds(seconds), "POST", "/v1/x", "payment_intents.capture", 200, null, key, false,
            instance is null ? "Stripe/V1 .NetBindings/53.1.0 stk-farm-test" : "Stripe/V1 .NetBindings/53.1.0 stk-instance/" + instance, pi);
}
