namespace StripeTerminalKit.Diagnostics;

/// <summary>
/// The names under which the kit reports telemetry, for OpenTelemetry or a <c>MeterListener</c>:
/// <code>
/// builder.Services.AddOpenTelemetry()
///     .WithTracing(t => t.AddSource(StripeTerminalDiagnostics.ActivitySourceName))
///     .WithMetrics(m => m.AddMeter(StripeTerminalDiagnostics.MeterName));
/// </code>
/// Tags are low-cardinality: <c>operation</c> (such as <c>payment_intents.create</c>),
/// <c>outcome</c> (<c>success</c>, <c>card_declined</c>, <c>reader_busy</c>, <c>unavailable</c>, …),
/// <c>reason</c> for retries, and <c>configuration</c> (the configuration name). Never ids or secrets.
/// </summary>
public static class StripeTerminalDiagnostics
{
    /// <summary>The <see cref="System.Diagnostics.ActivitySource"/> name: <c>StripeTerminalKit</c>.</summary>
    public const string ActivitySourceName = "StripeTerminalKit";

    /// <summary>The <see cref="System.Diagnostics.Metrics.Meter"/> name: <c>StripeTerminalKit</c>.</summary>
    public const string MeterName = "StripeTerminalKit";

    /// <summary>Counter of logical API calls, tagged by operation and outcome.</summary>
    public const string ApiCallsInstrument = "stripe_terminal_kit.api.calls";

    /// <summary>Counter of retries the resilience pipeline made, tagged by operation and reason.</summary>
    public const string ApiRetriesInstrument = "stripe_terminal_kit.api.retries";

    /// <summary>Histogram of logical call latency in seconds (all attempts and delays), tagged by operation and outcome.</summary>
    public const string ApiDurationInstrument = "stripe_terminal_kit.api.duration";
}
