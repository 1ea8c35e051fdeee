using Polly.Timeout;
using StripeTerminalKit.DependencyInjection;
using StripeTerminalKit.Diagnostics;
using StripeTerminalKit.Errors;

namespace StripeTerminalKit.Resilience;

/// <summary>
/// The resilience pipeline that wraps every Stripe call, and the table that decides which failures
/// it retries. Stripe.net's own retries are off, so every retry is counted, logged and timed here.
/// </summary>
/// <remarks>
/// <para>The kit builds its own pipeline on the <see cref="TimeProvider"/> from DI, and also registers it
/// with Polly's DI under <see cref="GetDefaultPipelineKey(string?)"/> (<c>StripeTerminalKit.Default</c>,
/// or <c>StripeTerminalKit.Default:{name}</c> for a named configuration) for replacements to wrap.
/// To replace it, register a pipeline with Polly's <c>AddResiliencePipeline</c> under
/// <see cref="GetPipelineKey(string?)"/> (<c>StripeTerminalKit</c> or <c>StripeTerminalKit:{name}</c>),
/// before or after <c>AddStripeTerminalKit</c>: when that key exists the kit uses it. A replacement
/// can wrap the default with <c>builder.AddPipeline(registry.GetPipeline(GetDefaultPipelineKey(name)))</c>.
/// To add strategies inside the kit's own pipeline, use <c>StripeTerminalKitBuilder.ConfigureResilience</c>.</para>
/// <para>A checkout's own calls are retried by the checkout alone: it re-reads Stripe before acting
/// again and chooses the idempotency key. The pipeline applies its timeouts to them and resends them
/// only when no answer arrived (connection failure, attempt timeout, unreadable response), under the
/// same key, so Stripe replays the real answer; every answer Stripe gave is the checkout's to handle.</para>
/// <para>Retry table for every other call (first matching row wins):</para>
/// <list type="table">
/// <listheader><term>Failure</term><description>Decision</description></listheader>
/// <item><term><c>Stripe-Should-Retry: false</c></term><description>no retry</description></item>
/// <item><term>HTTP 5xx answered to a request with an idempotency key</term><description>no retry: Stripe stored the failure under the key and would replay it (docs: api/idempotent_requests); read the object, and resend under a new key if still needed — unless Stripe said <c>Stripe-Should-Retry: true</c></description></item>
/// <item><term>reader busy / offline / hardware fault</term><description>no retry (typed error; look at the reader first)</description></item>
/// <item><term><c>terminal_reader_timeout</c>, command not delivered (reader read back)</term><description>retry, same key</description></item>
/// <item><term><c>terminal_reader_timeout</c>, delivery unknown</term><description>no retry</description></item>
/// <item><term>connection failure, attempt timeout, unreadable response</term><description>retry</description></item>
/// <item><term>HTTP 409, <c>idempotency_key_in_use</c>, <c>lock_timeout</c></term><description>retry</description></item>
/// <item><term>HTTP 429 <c>rate_limit</c></term><description>retry with jittered exponential backoff, whether or not Stripe sent <c>Retry-After</c> (it does not document one); a <c>Retry-After</c> that is present only lengthens the wait. The <c>Stripe-Rate-Limited-Reason</c> is logged (event 1004) and tagged on the call's activity (<c>stripe.rate_limited_reason</c>)</description></item>
/// <item><term>HTTP 5xx to a read, or with no Stripe error body (a proxy's page)</term><description>retry</description></item>
/// <item><term><c>Stripe-Should-Retry: true</c></term><description>retry</description></item>
/// <item><term>HTTP 400 / 401 / 402 / 403 / 404, declines, invalid state, configuration, validation</term><description>no retry</description></item>
/// </list>
/// </remarks>
public static class StripeTerminalResilience
{
    /// <summary>The key under which a user's replacement pipeline for the default configuration is looked up: <c>StripeTerminalKit</c>.</summary>
    public const string PipelineKey = "StripeTerminalKit";

    /// <summary>The key of the kit's own pipeline for the default configuration: <c>StripeTerminalKit.Default</c>.</summary>
    public const string DefaultPipelineKey = "StripeTerminalKit.Default";

    /// <summary>The Polly pipeline key under which a replacement pipeline for a configuration is looked up.</summary>
    /// <param name="configurationName">The configuration name; <see langword="null"/> or empty for the default.</param>
    /// <returns><c>StripeTerminalKit</c> or <c>StripeTerminalKit:{name}</c>.</returns>
    public static string GetPipelineKey(string? configurationName) =>
        StripeTerminalKitNames.IsDefault(configurationName) ? PipelineKey : $"{PipelineKey}:{configurationName}";

    /// <summary>The Polly pipeline key of the kit's own pipeline for a configuration.</summary>
    /// <param name="configurationName">The configuration name; <see langword="null"/> or empty for the default.</param>
    /// <returns><c>StripeTerminalKit.Default</c> or <c>StripeTerminalKit.Default:{name}</c>.</returns>
    public static string GetDefaultPipelineKey(string? configurationName) =>
        StripeTerminalKitNames.IsDefault(configurationName) ? DefaultPipelineKey : $"{DefaultPipelineKey}:{configurationName}";

    /// <summary>Classifies a failure by the kit's retry table.</summary>
    /// <param name="exception">The failure raised by one attempt.</param>
    /// <returns>Whether to retry, why, and how long Stripe asked to wait.</returns>
    public static RetryDecision Classify(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        if (exception is not (StripeTerminalException or TimeoutRejectedException))
        {
            return new RetryDecision(false, "unexpected_error");
        }

        // The failure was classified once, where the call failed; the table only reads it.
        var failure = StripeFailure.Of(exception);
        if (failure.ShouldRetry == false)
        {
            return new RetryDecision(false, "stripe_should_retry_false", failure.RetryAfter);
        }

        if (failure.StoredUnderKey && failure.ShouldRetry != true)
        {
            return new RetryDecision(false, "stored_under_key");
        }

        return exception switch
        {
            // The reader must be looked at first; its typed error says why.
            ReaderUnavailableException => new RetryDecision(false, Outcomes.Of(exception)),
            ReaderTimeoutException { CommandDelivered: false } => new RetryDecision(true, "reader_timeout_not_delivered"),
            ReaderTimeoutException => new RetryDecision(false, "reader_timeout"),
            _ when failure.IsTransient => new RetryDecision(true, ReasonFor(failure), failure.RetryAfter),
            _ when failure.ShouldRetry == true => new RetryDecision(true, "stripe_should_retry_true"),
            _ => new RetryDecision(false, Outcomes.Of(exception)),
        };
    }

    /// <summary>The reason a transient failure is retried, as tagged on the retry metric.</summary>
    private static string ReasonFor(StripeFailure failure) => failure switch
    {
        { Kind: StripeFailureKind.RateLimited } => "rate_limited",
        { Kind: StripeFailureKind.Network, Code: StripeFailure.ConnectionFailed } => "connection_failure",
        { Kind: StripeFailureKind.Network, Code: StripeFailure.Timeout } => "timeout",
        { Kind: StripeFailureKind.Network, Code: StripeFailure.InvalidResponse } => "invalid_response",
        { Kind: StripeFailureKind.Conflict, Code: "lock_timeout" } => "lock_timeout",
        { Kind: StripeFailureKind.Conflict } => "conflict",
        { Kind: StripeFailureKind.ServerError } => "server_error",
        _ => "transient",
    };
}
