using System.Net;
using Polly;
using Polly.Simmy;
using Polly.Simmy.Fault;
using Polly.Simmy.Latency;
using Polly.Simmy.Outcomes;

namespace StripeTerminalKit.Simulation.Tests.Simulation;

/// <summary>How much chaos Polly injected.</summary>
internal sealed class ChaosCounters
{
    private long _faults;
    private long _outcomes;
    private long _latencies;
    private long _requests;

    public long Faults => Interlocked.Read(ref _faults);

    public long Outcomes => Interlocked.Read(ref _outcomes);

    public long Latencies => Interlocked.Read(ref _latencies);

    public long Requests => Interlocked.Read(ref _requests);

    public void Fault() => Interlocked.Increment(ref _faults);

    public void Outcome() => Interlocked.Increment(ref _outcomes);

    public void Latency() => Interlocked.Increment(ref _latencies);

    public void Request() => Interlocked.Increment(ref _requests);
}

/// <summary>
/// Polly's chaos strategies on the kit's Stripe <see cref="HttpClient"/>: a connection fault,
/// an error response (429, 500, 502, 503, 409) or 0.5–8 s of latency, each injected into a
/// share of requests, with seeded randomness on the simulation's clock. Injected faults and
/// outcomes never reach Stripe; latency delays the request on its way there. Active only during
/// the world's fault window.
/// </summary>
internal sealed class HttpChaos : DelegatingHandler
{
    private static readonly (HttpStatusCode Status, string Body)[] Outcomes =
    [
        (HttpStatusCode.TooManyRequests, """{"error":{"type":"invalid_request_error","code":"rate_limit","message":"Request rate limit exceeded."}}"""),
        (HttpStatusCode.InternalServerError, """{"error":{"type":"api_error","message":"Something went wrong on Stripe's end."}}"""),
        (HttpStatusCode.BadGateway, """{"error":{"type":"api_error","message":"Bad gateway."}}"""),
        (HttpStatusCode.ServiceUnavailable, """{"error":{"type":"api_error","message":"Stripe is temporarily unavailable."}}"""),
        (HttpStatusCode.Conflict, """{"error":{"type":"invalid_request_error","code":"lock_timeout","message":"This object cannot be accessed right now because another API request or Stripe process is currently accessing it."}}"""),
    ];

    private readonly ResiliencePipeline<HttpResponseMessage> _chaos;

    private readonly Func<bool> _active;

    public HttpChaos(double injectionRate, Random random, TimeProvider time, ChaosCounters counters, Func<bool> active)
    {
        Counters = counters;
        _active = active;
        var randomizer = () => random.NextDouble();
        _chaos = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = time }
            .AddChaosLatency(new ChaosLatencyStrategyOptions
            {
                InjectionRate = injectionRate,
                Randomizer = randomizer,
                LatencyGenerator = _ => new ValueTask<TimeSpan>(TimeSpan.FromMilliseconds(500 + (random.NextDouble() * 7500))),
                OnLatencyInjected = _ =>
                {
                    counters.Latency();
                    return default;
                },
            })
            .AddChaosFault(new ChaosFaultStrategyOptions
            {
                InjectionRate = injectionRate,
                Randomizer = randomizer,
                FaultGenerator = new FaultGenerator().AddException(() => new HttpRequestException(HttpRequestError.ConnectionError, "Chaos: the connection broke before the request left.")),
                OnFaultInjected = _ =>
                {
                    counters.Fault();
                    return default;
                },
            })
            .AddChaosOutcome(new ChaosOutcomeStrategyOptions<HttpResponseMessage>
            {
                InjectionRate = injectionRate,
                Randomizer = randomizer,
                OutcomeGenerator = _ =>
                {
                    var (status, body) = Outcomes[random.Next(Outcomes.Length)];
                    var response = new HttpResponseMessage(status) { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json") };
                    if (status == HttpStatusCode.TooManyRequests)
                    {
                        response.Headers.TryAddWithoutValidation("Retry-After", "1");
                    }

                    return new ValueTask<Outcome<HttpResponseMessage>?>(Outcome.FromResult(response));
                },
                OnOutcomeInjected = _ =>
                {
                    counters.Outcome();
                    return default;
                },
            })
            .Build();
    }

    public ChaosCounters Counters { get; }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        // Off while the world sets up its fleet and once the fault window is over.
        if (!_active())
        {
            return await base.SendAsync(request, cancellationToken);
        }

        Counters.Request();
        return await _chaos.ExecuteAsync(async ct => await base.SendAsync(request, ct), cancellationToken);
    }
}
