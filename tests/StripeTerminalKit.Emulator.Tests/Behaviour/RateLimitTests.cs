using System.Net;
using Stripe;

namespace StripeTerminalKit.Emulator.Tests.Behaviour;

/// <summary>
/// <see cref="EmulatorRateLimits"/>: requests counted per second of the emulator's clock, overall
/// and per endpoint; over the limit Stripe answers 429 <c>rate_limit</c>.
/// </summary>
public sealed class RateLimitTests
{
    private static async Task<Scenario> StartAsync(EmulatorRateLimits limits)
    {
        var s = await Scenario.StartAsync(o => o.RateLimits = limits);
        s.Time.Advance(TimeSpan.FromSeconds(1)); // a fresh second: the set-up requests do not count
        return s;
    }

    [Fact]
    public async Task The_sandbox_limit_allows_25_requests_a_second_then_answers_429()
    {
        await using var s = await StartAsync(EmulatorRateLimits.Sandbox);

        for (var i = 0; i < 25; i++)
        {
            await s.GetReaderAsync();
        }

        var e = await Scenario.FailsAsync(() => s.GetReaderAsync());
        s.Time.Advance(TimeSpan.FromSeconds(1));
        var next = await s.GetReaderAsync();

        Assert.Equal(HttpStatusCode.TooManyRequests, e.HttpStatusCode);
        Assert.Equal("rate_limit", e.StripeError.Code);
        Assert.Equal(s.ReaderId, next.Id);
        Assert.Equal(429, s.Emulator.RequestLog[^2].StatusCode);
    }

    [Fact]
    public async Task Each_endpoint_has_its_own_limit_under_the_global_one()
    {
        await using var s = await StartAsync(EmulatorRateLimits.Live);
        var pi = await s.CreatePaymentIntentAsync(1000);

        for (var i = 0; i < 25; i++)
        {
            await s.GetReaderAsync();
        }

        var limited = await Scenario.FailsAsync(() => s.GetReaderAsync());
        var otherEndpoint = await s.GetPaymentIntentAsync(pi.Id);

        Assert.Equal("rate_limit", limited.StripeError.Code);
        Assert.Equal(pi.Id, otherEndpoint.Id);
    }

    [Fact]
    public async Task The_global_limit_counts_every_endpoint_together()
    {
        await using var s = await StartAsync(new EmulatorRateLimits(GlobalPerSecond: 10, PerEndpointPerSecond: 25));
        var pi = await s.CreatePaymentIntentAsync(1000);

        for (var i = 0; i < 9; i++)
        {
            if (i % 2 == 0)
            {
                await s.GetReaderAsync();
            }
            else
            {
                await s.GetPaymentIntentAsync(pi.Id);
            }
        }

        var e = await Scenario.FailsAsync(() => s.Stripe.V1.Terminal.Locations.GetAsync(s.LocationId));

        Assert.Equal(HttpStatusCode.TooManyRequests, e.HttpStatusCode);
    }

    [Fact]
    public async Task A_limited_request_is_not_applied_nor_stored_under_its_key()
    {
        await using var s = await StartAsync(new EmulatorRateLimits(GlobalPerSecond: 2, PerEndpointPerSecond: 2));
        await s.GetReaderAsync();
        await s.GetReaderAsync();
        var key = new RequestOptions { IdempotencyKey = "order-rl" };

        var limited = await Scenario.FailsAsync(() => s.CreatePaymentIntentAsync(1000, requestOptions: key));
        var none = s.Emulator.GetLedger().PaymentIntents.Count;
        s.Time.Advance(TimeSpan.FromSeconds(1));
        var created = await s.CreatePaymentIntentAsync(1000, requestOptions: key);

        Assert.Equal("rate_limit", limited.StripeError.Code);
        Assert.Equal(0, none);
        Assert.Equal(created.Id, s.Emulator.GetLedger().PaymentIntents.Single().Id);
        Assert.False(s.Emulator.RequestLog[^1].Replayed);
    }

    /// <summary>
    /// "Over a limit Stripe answers 429 rate_limit with a Stripe-Rate-Limited-Reason header;
    /// Retry-After is not documented" (docs: rate-limits; facts corrections table, row "Rate limits").
    /// The reason tells the account's overall limit (global-rate) from one endpoint's (endpoint-rate).
    /// </summary>
    [Fact]
    public async Task A_429_names_the_limit_in_Stripe_Rate_Limited_Reason_and_sends_no_Retry_After()
    {
        await using var s = await StartAsync(new EmulatorRateLimits(GlobalPerSecond: 5, PerEndpointPerSecond: 2));
        var pi = await s.CreatePaymentIntentAsync(1000);
        await s.GetReaderAsync();
        await s.GetReaderAsync();

        var endpoint = await Scenario.FailsAsync(() => s.GetReaderAsync());
        await s.GetPaymentIntentAsync(pi.Id);
        await s.Stripe.V1.Terminal.Locations.GetAsync(s.LocationId);
        var global = await Scenario.FailsAsync(() => s.Stripe.V1.Terminal.Locations.ListAsync());

        Assert.Equal(["endpoint-rate"], endpoint.StripeResponse.Headers.GetValues("Stripe-Rate-Limited-Reason"));
        Assert.Equal(["global-rate"], global.StripeResponse.Headers.GetValues("Stripe-Rate-Limited-Reason"));
        Assert.False(endpoint.StripeResponse.Headers.Contains("Retry-After"));
        Assert.False(global.StripeResponse.Headers.Contains("Retry-After"));
    }

    [Fact]
    public async Task An_injected_rate_limit_fault_carries_the_reason_too()
    {
        await using var s = await Scenario.StartAsync();
        using var rule = s.Emulator.Faults.Add(new FaultRule(FaultKind.RateLimited) { MaxTimes = 1 });

        var e = await Scenario.FailsAsync(() => s.GetReaderAsync());
        var ok = await s.GetReaderAsync();

        Assert.Equal(HttpStatusCode.TooManyRequests, e.HttpStatusCode);
        Assert.Equal(["global-rate"], e.StripeResponse.Headers.GetValues("Stripe-Rate-Limited-Reason"));
        Assert.False(e.StripeResponse.Headers.Contains("Retry-After"));
        Assert.Equal(s.ReaderId, ok.Id);
    }

    [Fact]
    public async Task Without_limits_nothing_is_limited()
    {
        await using var s = await Scenario.StartAsync();

        for (var i = 0; i < 60; i++)
        {
            await s.GetReaderAsync();
        }

        Assert.DoesNotContain(s.Emulator.RequestLog, r => r.StatusCode == 429);
    }
}
