using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Reflection;

namespace StripeTerminalKit.Diagnostics;

/// <summary>The kit's meter instruments and activity source. One per service provider.</summary>
internal sealed class StripeTerminalTelemetry : IDisposable
{
    private static readonly string Version =
        typeof(StripeTerminalTelemetry).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";

    public static readonly ActivitySource ActivitySource = new(StripeTerminalDiagnostics.ActivitySourceName, Version);

    private readonly Meter _meter;
    private readonly bool _ownsMeter;

    public StripeTerminalTelemetry(IMeterFactory? meterFactory = null)
    {
        // A meter from IMeterFactory is scoped to its container, which keeps parallel tests and
        // several hosts in one process apart.
        if (meterFactory is not null)
        {
            _meter = meterFactory.Create(new MeterOptions(StripeTerminalDiagnostics.MeterName) { Version = Version });
        }
        else
        {
            _meter = new Meter(StripeTerminalDiagnostics.MeterName, Version);
            _ownsMeter = true;
        }

        Calls = _meter.CreateCounter<long>(
            StripeTerminalDiagnostics.ApiCallsInstrument, unit: "{call}", description: "Stripe API calls made by the kit, by operation and outcome.");
        Retries = _meter.CreateCounter<long>(
            StripeTerminalDiagnostics.ApiRetriesInstrument, unit: "{retry}", description: "Retries of Stripe API calls, by operation and reason.");
        Duration = _meter.CreateHistogram<double>(
            StripeTerminalDiagnostics.ApiDurationInstrument, unit: "s", description: "Latency of Stripe API calls including retries, by operation and outcome.");
    }

    public Counter<long> Calls { get; }

    public Counter<long> Retries { get; }

    public Histogram<double> Duration { get; }

    public void RecordCall(string configuration, string operation, string outcome, TimeSpan elapsed)
    {
        var tags = new TagList
        {
            { "configuration", configuration },
            { "operation", operation },
            { "outcome", outcome },
        };
        Calls.Add(1, tags);
        Duration.Record(elapsed.TotalSeconds, tags);
    }

    /// <summary>The activity tag and event attribute that carry Stripe's <c>Stripe-Rate-Limited-Reason</c>.</summary>
    public const string RateLimitedReasonTag = "stripe.rate_limited_reason";

    /// <summary>The activity event recorded for each 429 a call met.</summary>
    public const string RateLimitedEvent = "stripe_terminal_kit.rate_limited";

    /// <summary>
    /// Surfaces a 429 in telemetry: a log record (event 1004) and, on the call's activity, the
    /// <see cref="RateLimitedReasonTag"/> tag (the latest reason) and one event per 429.
    /// </summary>
    public static void NoteRateLimited(Microsoft.Extensions.Logging.ILogger logger, string operation, Errors.RateLimitedException exception, Activity? activity)
    {
        var reason = exception.RateLimitedReason ?? "unknown";
        Log.RateLimited(logger, operation, reason, exception.RetryAfter?.TotalMilliseconds);
        if (activity is not null && activity.Source == ActivitySource)
        {
            activity.SetTag(RateLimitedReasonTag, reason);
            activity.AddEvent(new ActivityEvent(RateLimitedEvent, tags: new ActivityTagsCollection { [RateLimitedReasonTag] = reason }));
        }
    }

    public void RecordRetry(string configuration, string operation, string reason)
    {
        Retries.Add(1, new TagList
        {
            { "configuration", configuration },
            { "operation", operation },
            { "reason", reason },
        });
    }

    public void Dispose()
    {
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }
}
