namespace StripeTerminalKit.Emulator;

/// <summary>The failures the emulator can inject.</summary>
public enum FaultKind
{
    /// <summary>Reader actions answer <c>terminal_reader_offline</c>; nothing is applied.</summary>
    ReaderOffline,

    /// <summary>Reader actions answer <c>terminal_reader_busy</c>; nothing is applied.</summary>
    ReaderBusy,

    /// <summary>Reader actions answer <c>terminal_reader_hardware_fault</c>; nothing is applied.</summary>
    ReaderHardwareFault,

    /// <summary>The request is held for <see cref="FaultRule.Delay"/> before it is handled (a slow reader acknowledgement).</summary>
    SlowReaderAck,

    /// <summary>The command reaches the reader and is applied, but the caller gets <c>terminal_reader_timeout</c> (a false negative).</summary>
    ReaderTimeoutAfterDelivery,

    /// <summary>The request is applied and stored, then the connection drops before the response arrives.</summary>
    ResponseLost,

    /// <summary>The connection fails before the request reaches Stripe; nothing is applied.</summary>
    ConnectionFailure,

    /// <summary>429 <c>rate_limit</c>, with <c>Stripe-Should-Retry</c> when <see cref="FaultRule.ShouldRetry"/> is set.</summary>
    RateLimited,

    /// <summary>429 <c>lock_timeout</c>: another request holds the object's lock.</summary>
    LockTimeout,

    /// <summary>500 <c>api_error</c>; nothing is applied.</summary>
    ServerError,

    /// <summary>503; nothing is applied.</summary>
    ServiceUnavailable,
}

/// <summary>
/// When and how to inject a fault. A rule matches requests by <see cref="Operation"/> and
/// <see cref="ReaderId"/> (null matches all), then fires on the <see cref="NthMatch"/>-th match or,
/// without it, with <see cref="Probability"/> drawn from the emulator's seeded randomness, at most
/// <see cref="MaxTimes"/> times.
/// </summary>
/// <param name="Kind">What goes wrong.</param>
public sealed record FaultRule(FaultKind Kind)
{
    /// <summary>The operation to match (see <see cref="EmulatorOperations"/>), or null for every operation.</summary>
    public string? Operation { get; init; }

    /// <summary>The reader to match (requests on <c>/v1/terminal/readers/{id}…</c>), or null for any.</summary>
    public string? ReaderId { get; init; }

    /// <summary>Fire only on this match (1 = the first matching request).</summary>
    public int? NthMatch { get; init; }

    /// <summary>The chance that a matching request fails, from 0 to 1.</summary>
    public double Probability { get; init; } = 1;

    /// <summary>The most times the rule fires; null for no limit.</summary>
    public int? MaxTimes { get; init; }

    /// <summary>The hold time of <see cref="FaultKind.SlowReaderAck"/>.</summary>
    public TimeSpan Delay { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The <c>Stripe-Should-Retry</c> header sent with the failure, or null for none.</summary>
    public bool? ShouldRetry { get; init; }
}

/// <summary>One fault the emulator injected.</summary>
public sealed record InjectedFault(DateTimeOffset At, FaultKind Kind, string Operation, string? ReaderId, string? IdempotencyKey);
