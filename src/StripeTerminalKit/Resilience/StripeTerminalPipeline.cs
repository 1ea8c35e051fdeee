using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;
using Polly.Timeout;
using StripeTerminalKit.Diagnostics;
using StripeTerminalKit.Errors;

namespace StripeTerminalKit.Resilience;

/// <summary>Builds the kit's default pipeline: total timeout → retry → attempt timeout.</summary>
internal static class StripeTerminalPipeline
{
    /// <summary>Set on calls whose caller retries them itself (see <c>TerminalCallOptions.RetriedByCaller</c>).</summary>
    public static readonly ResiliencePropertyKey<bool> RetriedByCaller = new("StripeTerminalKit.RetriedByCaller");

    public static void Configure(
        ResiliencePipelineBuilder builder,
        StripeTerminalOptions options,
        TimeProvider timeProvider,
        StripeTerminalTelemetry telemetry,
        ILogger logger,
        string configuration)
    {
        builder.TimeProvider = timeProvider;
        builder.AddTimeout(new TimeoutStrategyOptions { Name = "StripeTerminalKit.TotalTimeout", Timeout = options.TotalTimeout });

        var retry = options.Retry;
        if (retry.MaxRetries > 0)
        {
            var backoff = new RetryBackoff(retry);
            builder.AddRetry(new RetryStrategyOptions
            {
                Name = "StripeTerminalKit.Retry",
                MaxRetryAttempts = retry.MaxRetries,
                ShouldHandle = args => new ValueTask<bool>(ShouldRetry(args.Outcome.Exception, retry, transportOnly: args.Context.Properties.GetValue(RetriedByCaller, false))),
                DelayGenerator = args =>
                {
                    // Jittered exponential backoff whether or not Stripe sent Retry-After (Stripe
                    // does not document one on 429: docs rate-limits); a Retry-After only lengthens it.
                    var retryAfter = args.Outcome.Exception is { } exception ? StripeTerminalResilience.Classify(exception).RetryAfter : null;
                    return new ValueTask<TimeSpan?>(backoff.NextDelay(args.AttemptNumber, retryAfter));
                },
                OnRetry = args =>
                {
                    var operation = args.Context.OperationKey ?? "unknown";
                    var reason = args.Outcome.Exception is { } exception ? StripeTerminalResilience.Classify(exception).Reason : "result";
                    if (args.Outcome.Exception is Errors.RateLimitedException rateLimited)
                    {
                        // The call's activity is current here: the retry runs inside it.
                        StripeTerminalTelemetry.NoteRateLimited(logger, operation, rateLimited, System.Diagnostics.Activity.Current);
                    }

                    telemetry.RecordRetry(configuration, operation, reason);
                    Log.Retrying(logger, operation, args.AttemptNumber + 1, args.RetryDelay.TotalMilliseconds, reason);
                    return default;
                },
            });
        }

        builder.AddTimeout(new TimeoutStrategyOptions { Name = "StripeTerminalKit.AttemptTimeout", Timeout = options.AttemptTimeout });
    }

    private static bool ShouldRetry(Exception? exception, StripeTerminalRetryOptions retry, bool transportOnly)
    {
        if (exception is null)
        {
            return false;
        }

        var decision = StripeTerminalResilience.Classify(exception);

        // A caller that retries its calls itself (the checkout machine handles every answer) has
        // only those resent where no answer from Stripe arrived: a resend under the same key is
        // safe and tells what happened (Stripe either never saw the request or replays its real answer).
        // A Retry-After beyond the configured patience is Stripe saying "not now": fail fast and let
        // the caller schedule the retry instead of holding a POS request open.
        return decision.ShouldRetry
            && (!transportOnly || StripeFailure.Of(exception).Kind == StripeFailureKind.Network)
            && !(decision.RetryAfter > retry.MaxRetryAfter);
    }
}
