using StripeTerminalKit.Polling;

namespace StripeTerminalKit.Benchmarks.Fleet;

/// <summary>
/// How long things take outside the kit, on the simulated clock. Stripe publishes no latency
/// figures; these are assumptions stated here so that the ratios can be read against them:
/// <list type="bullet">
/// <item>Stripe API call: log-normal, median 300 ms for a call that changes something (create,
/// process, capture), 150 ms for a read, 250 ms for a list (100 readers with expanded
/// PaymentIntents, or a page of events); σ = 0.4 (p99 ≈ 2.5 × median). Half the latency passes
/// before Stripe handles the request and half after (the answer travels back), so an answer is
/// never earlier than its effect, and a read handled just after an event still takes its way back.</item>
/// <item>Webhook delivery: uniform 0.2–1.0 s after the event (the emulator draws it).</item>
/// <item>The reader's authorisation: log-normal, median 1.5 s, σ = 0.25 (p99 ≈ 2.7 s), from the
/// moment the card is presented until the action shows succeeded.</item>
/// </list>
/// Every draw comes from a generator seeded from the run's seed.
/// </summary>
internal sealed class LatencyModel
{
    public static readonly TimeSpan MutationMedian = TimeSpan.FromMilliseconds(300);
    public static readonly TimeSpan ReadMedian = TimeSpan.FromMilliseconds(150);
    public static readonly TimeSpan ListMedian = TimeSpan.FromMilliseconds(250);
    public const double ApiSigma = 0.4;
    public static readonly TimeSpan WebhookMin = TimeSpan.FromMilliseconds(200);
    public static readonly TimeSpan WebhookMax = TimeSpan.FromMilliseconds(1000);
    public static readonly TimeSpan AuthorizationMedian = TimeSpan.FromMilliseconds(1500);
    public const double AuthorizationSigma = 0.25;

    private readonly Lock _gate = new();
    private readonly Random _random;

    public LatencyModel(int seed) => _random = new Random(seed);

    /// <summary>The latency of one API call (GET with no id segment after the resource = a list).</summary>
    public TimeSpan ApiCall(HttpMethod method, string path)
    {
        var median = method != HttpMethod.Get ? MutationMedian
            : path.EndsWith("/v1/terminal/readers", StringComparison.Ordinal) || path.EndsWith("/v1/events", StringComparison.Ordinal) ? ListMedian
            : ReadMedian;
        lock (_gate)
        {
            return LogNormal(_random, median, ApiSigma);
        }
    }

    /// <summary>How long a reader takes to authorise once the card is presented.</summary>
    public static TimeSpan Authorization(Random random) => LogNormal(random, AuthorizationMedian, AuthorizationSigma);

    /// <summary>
    /// The physical minimum of tap → outcome, drawn from the same distributions (100,000 draws):
    /// with webhooks, authorisation + webhook delivery + one capture call; without, authorisation
    /// + the wait until a read made once a batch interval is handled (uniform over the interval:
    /// half of it on average) + that read's way back + one capture call.
    /// </summary>
    public static (TimeSpan P50, TimeSpan P99) PhysicalMinimum(bool webhooks, TimeSpan batchInterval, int seed)
    {
        var random = new Random(seed);
        var draws = new TimeSpan[100_000];
        for (var i = 0; i < draws.Length; i++)
        {
            var t = Authorization(random) + LogNormal(random, MutationMedian, ApiSigma);
            t += webhooks
                ? WebhookMin + TimeSpan.FromTicks((long)(random.NextDouble() * (WebhookMax - WebhookMin).Ticks))
                : TimeSpan.FromTicks((long)(random.NextDouble() * batchInterval.Ticks)) + LogNormal(random, ReadMedian, ApiSigma) / 2;
            draws[i] = t;
        }

        Array.Sort(draws);
        return (draws[draws.Length / 2], draws[(int)(draws.Length * 0.99) - 1]);
    }

    private static TimeSpan LogNormal(Random random, TimeSpan median, double sigma)
    {
        // Box–Muller: one standard normal draw.
        var u1 = 1.0 - random.NextDouble();
        var u2 = random.NextDouble();
        var z = Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
        return TimeSpan.FromTicks((long)(median.Ticks * Math.Exp(sigma * z)));
    }
}

/// <summary>
/// Holds each Stripe call for its modelled latency on the simulated clock before the emulator
/// handles it. While it waits, the call does not count as the kit's work (the clock may move on),
/// and it counts again before it resumes: the same hand-over as the kit's own timed waits.
/// </summary>
internal sealed class LatencyHandler(HttpMessageHandler inner, LatencyModel model, TimeProvider time, Func<IWorkCounter?> work) : DelegatingHandler(inner)
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var delay = model.ApiCall(request.Method, request.RequestUri?.AbsolutePath ?? "");
        var counter = work();
        if (Environment.GetEnvironmentVariable("FLEET_DEBUG") == "1" && counter is StripeTerminalKit.Checkout.Runtime.WorkCounter w && w.PendingWork <= 0)
        {
            Console.Error.WriteLine($"UNCOUNTED {request.Method} {request.RequestUri?.AbsolutePath} pending={w.PendingWork}\n{Environment.StackTrace}");
        }

        // Half on the way to Stripe, half on the way back.
        await WaitAsync(counter, delay / 2).ConfigureAwait(false);
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        await WaitAsync(counter, delay - (delay / 2)).ConfigureAwait(false);
        return response;
    }

    private async Task WaitAsync(IWorkCounter? counter, TimeSpan delay)
    {
        if (counter is null || delay <= TimeSpan.Zero)
        {
            return;
        }

        var resumed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var timer = time.CreateTimer(_ =>
        {
            counter.WorkQueued();
            resumed.TrySetResult();
        }, null, delay, Timeout.InfiniteTimeSpan);

        // Handed over once the timer exists, so the clock never moves past it unfired.
        counter.WorkDone();
        await resumed.Task.ConfigureAwait(false);
    }
}
