using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Timeout;
using Stripe;
using StripeTerminalKit.Diagnostics;
using StripeTerminalKit.Errors;
using StripeTerminalKit.Idempotency;
using StripeTerminalKit.Resilience;

namespace StripeTerminalKit.Internal;

/// <summary>Calls Stripe through Stripe.net with the request options the executor prepared.</summary>
internal delegate Task<T> StripeCall<T>(StripeClient client, RequestOptions requestOptions, CancellationToken cancellationToken);

/// <summary>
/// How to tell, after <c>terminal_reader_timeout</c>, whether the command reached the reader:
/// the reader is read back and <paramref name="Arrived"/> inspects it.
/// </summary>
/// <param name="ReaderId">The reader the command was sent to.</param>
/// <param name="Arrived">Whether the reader read back shows the command.</param>
internal sealed record ReaderCommandCheck(string ReaderId, Func<Stripe.Terminal.Reader, bool> Arrived);

/// <summary>
/// The single path every Stripe call takes: request options (idempotency key, connected account)
/// are prepared and validated first, then the call runs inside the resilience pipeline, Stripe.net
/// exceptions become the kit's typed exceptions, and the outcome is logged, traced and counted.
/// </summary>
internal sealed class StripeCallExecutor
{
    private readonly string _configuration;
    private readonly StripeTerminalOptions _options;
    private readonly StripeClientFactory _clientFactory;
    private readonly ResiliencePipeline _pipeline;
    private readonly TimeProvider _timeProvider;
    private readonly StripeTerminalTelemetry _telemetry;
    private readonly ILogger _logger;

    public StripeCallExecutor(
        string configuration,
        StripeTerminalOptions options,
        StripeClientFactory clientFactory,
        ResiliencePipeline pipeline,
        TimeProvider timeProvider,
        StripeTerminalTelemetry telemetry,
        ILogger logger)
    {
        _configuration = configuration;
        _options = options;
        _clientFactory = clientFactory;
        _pipeline = pipeline;
        _timeProvider = timeProvider;
        _telemetry = telemetry;
        _logger = logger;
    }

    public StripeTerminalOptions Options => _options;

    public TimeProvider TimeProvider => _timeProvider;

    public ILogger Logger => _logger;

    public Task<T> ExecuteAsync<T>(
        StripeOperation operation,
        TerminalCallOptions? callOptions,
        StripeCallContext context,
        StripeCall<T> call,
        CancellationToken cancellationToken) =>
        ExecuteCoreAsync(operation, callOptions, context, call, readerCheck: null, cancellationToken);

    /// <summary>Runs a reader command; on <c>terminal_reader_timeout</c> the reader is read back before any resend.</summary>
    public Task<Stripe.Terminal.Reader> ExecuteReaderCommandAsync(
        StripeOperation operation,
        TerminalCallOptions? callOptions,
        StripeCallContext context,
        ReaderCommandCheck readerCheck,
        StripeCall<Stripe.Terminal.Reader> call,
        CancellationToken cancellationToken) =>
        ExecuteCoreAsync(operation, callOptions, context, call, readerCheck, cancellationToken);

    private async Task<T> ExecuteCoreAsync<T>(
        StripeOperation operation,
        TerminalCallOptions? callOptions,
        StripeCallContext context,
        StripeCall<T> call,
        ReaderCommandCheck? readerCheck,
        CancellationToken cancellationToken)
    {
        RequestOptions requestOptions;
        try
        {
            requestOptions = BuildRequestOptions(operation, callOptions);
        }
        catch (TerminalValidationException exception)
        {
            Log.RejectedLocally(_logger, operation.Name, exception.Parameter);
            throw;
        }

        using var activity = StripeTerminalTelemetry.ActivitySource.StartActivity(operation.Name, ActivityKind.Client);
        activity?.SetTag("stripe_terminal_kit.operation", operation.Name);
        activity?.SetTag("stripe_terminal_kit.configuration", _configuration);

        var client = _clientFactory.Create();
        var attempt = new Attempt<T>(this, operation, client, requestOptions, context with { Keyed = operation.UsesIdempotencyKey }, call, readerCheck);
        var started = _timeProvider.GetTimestamp();
        var resilienceContext = ResilienceContextPool.Shared.Get(operation.Name, cancellationToken);
        if (callOptions?.RetriedByCaller == true)
        {
            resilienceContext.Properties.Set(StripeTerminalPipeline.RetriedByCaller, true);
        }

        try
        {
            var result = (await _pipeline.ExecuteAsync(
                static async (ctx, state) => new Sealed<T>(await state.RunAsync(ctx.CancellationToken).ConfigureAwait(false)),
                resilienceContext,
                attempt).ConfigureAwait(false)).Value;

            var elapsed = _timeProvider.GetElapsedTime(started);
            _telemetry.RecordCall(_configuration, operation.Name, Outcomes.Success, elapsed);
            Log.CallSucceeded(_logger, operation.Name, attempt.Count, elapsed.TotalMilliseconds, _configuration);
            activity?.SetTag("stripe_terminal_kit.outcome", Outcomes.Success);
            activity?.SetTag("stripe_terminal_kit.attempts", attempt.Count);
            return result;
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            var failure = exception is TimeoutRejectedException timeout ? TimedOut(operation, timeout) : exception;
            var elapsed = _timeProvider.GetElapsedTime(started);
            var outcome = Outcomes.Of(failure);
            var typed = failure as StripeTerminalException;
            _telemetry.RecordCall(_configuration, operation.Name, outcome, elapsed);
            Log.CallFailed(
                _logger, operation.Name, outcome, typed?.ErrorCode, (int?)typed?.HttpStatusCode, typed?.RequestId, attempt.Count, elapsed.TotalMilliseconds);
            activity?.SetStatus(ActivityStatusCode.Error, outcome);
            activity?.SetTag("stripe_terminal_kit.outcome", outcome);
            activity?.SetTag("stripe_terminal_kit.attempts", attempt.Count);
            activity?.SetTag("stripe.request_id", typed?.RequestId);
            if (failure is RateLimitedException rateLimited)
            {
                StripeTerminalTelemetry.NoteRateLimited(_logger, operation.Name, rateLimited, activity);
            }

            if (ReferenceEquals(failure, exception))
            {
                throw;
            }

            throw failure;
        }
        catch (OperationCanceledException)
        {
            _telemetry.RecordCall(_configuration, operation.Name, Outcomes.Canceled, _timeProvider.GetElapsedTime(started));
            activity?.SetTag("stripe_terminal_kit.outcome", Outcomes.Canceled);
            throw;
        }
        finally
        {
            ResilienceContextPool.Shared.Return(resilienceContext);
        }
    }

    private static StripeUnavailableException TimedOut(StripeOperation operation, TimeoutRejectedException timeout)
    {
        var exception = new StripeUnavailableException(
            string.Create(CultureInfo.InvariantCulture, $"Stripe did not answer {operation.Name} within {timeout.Timeout.TotalSeconds:0.###} s."),
            timeout)
        {
            ErrorCode = StripeFailure.Timeout,
            OutcomeUnknown = operation.UsesIdempotencyKey,
            Failure = StripeFailure.NoAnswer(StripeFailure.Timeout),
        };
        exception.AttachCallDetails(null, null, null, null, operation.Name);
        return exception;
    }

    private RequestOptions BuildRequestOptions(StripeOperation operation, TerminalCallOptions? callOptions)
    {
        var requestOptions = new RequestOptions();
        var account = callOptions?.ConnectedAccount ?? _options.ConnectedAccount;
        if (account is not null)
        {
            Validation.Guard.Id(account, "ConnectedAccount", "acct_");
            requestOptions.StripeAccount = account;
        }

        if (operation.UsesIdempotencyKey)
        {
            requestOptions.IdempotencyKey = ResolveIdempotencyKey(operation, callOptions);
        }

        return requestOptions;
    }

    private static string ResolveIdempotencyKey(StripeOperation operation, TerminalCallOptions? callOptions)
    {
        if (callOptions?.IdempotencyKey is { } explicitKey)
        {
            IdempotencyKey.Validate(explicitKey.Value);
            return explicitKey.Value;
        }

        if (callOptions?.IdempotencyScope is { } scope)
        {
            return scope.KeyFor(operation.Name).Value;
        }

        // No caller scope: one random key per logical call, fixed before the first attempt so that
        // every retry of this call carries it (Stripe.net would otherwise invent one per attempt).
        return IdempotencyKey.Derive("auto-" + Guid.NewGuid().ToString("N"), operation.Name).Value;
    }

    /// <summary>
    /// Carries a Stripe.net object through the pipeline. Resilience telemetry logs each attempt's
    /// result with ToString(), and a Stripe object's ToString() is its JSON — client secrets included.
    /// </summary>
    private sealed class Sealed<T>(T value)
    {
        public T Value { get; } = value;

        public override string ToString() => typeof(T).Name;
    }

    /// <summary>The state of one logical call across its attempts.</summary>
    private sealed class Attempt<T>(
        StripeCallExecutor executor,
        StripeOperation operation,
        StripeClient client,
        RequestOptions requestOptions,
        StripeCallContext context,
        StripeCall<T> call,
        ReaderCommandCheck? readerCheck)
    {
        private int _count;

        public int Count => Volatile.Read(ref _count);

        public async ValueTask<T> RunAsync(CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _count);
            try
            {
                return await call(client, requestOptions, cancellationToken).ConfigureAwait(false);
            }
            catch (StripeException exception)
            {
                var mapped = StripeErrorMapper.Map(exception, context);
                if (mapped is ReaderTimeoutException readerTimeout && readerCheck is not null)
                {
                    var reader = await executor.CheckReaderAsync(operation, client, requestOptions, readerCheck, readerTimeout, cancellationToken)
                        .ConfigureAwait(false);
                    if (reader is not null)
                    {
                        return (T)(object)reader;
                    }
                }

                throw mapped;
            }
            catch (HttpRequestException exception)
            {
                var unavailable = new StripeUnavailableException(
                    $"Could not connect to Stripe for {operation.Name} ({exception.HttpRequestError}).", exception)
                {
                    ErrorCode = StripeFailure.ConnectionFailed,
                    Failure = StripeFailure.NoAnswer(StripeFailure.ConnectionFailed),

                    // The request may have left before the connection broke.
                    OutcomeUnknown = operation.UsesIdempotencyKey,
                };
                unavailable.AttachCallDetails(null, null, null, null, operation.Name);
                throw unavailable;
            }
            catch (OperationCanceledException exception) when (!cancellationToken.IsCancellationRequested)
            {
                // HttpClient's own timeout fired (the kit sets it to infinite, but a user's handler may not).
                var unavailable = new StripeUnavailableException($"Stripe did not answer {operation.Name} in time.", exception)
                {
                    ErrorCode = StripeFailure.Timeout,
                    OutcomeUnknown = operation.UsesIdempotencyKey,
                    Failure = StripeFailure.NoAnswer(StripeFailure.Timeout),
                };
                unavailable.AttachCallDetails(null, null, null, null, operation.Name);
                throw unavailable;
            }
            catch (Exception exception) when (exception is System.Text.Json.JsonException or Newtonsoft.Json.JsonException)
            {
                var unavailable = new StripeUnavailableException(
                    $"Stripe returned a response the kit could not read for {operation.Name}.", exception)
                {
                    ErrorCode = StripeFailure.InvalidResponse,
                    OutcomeUnknown = operation.UsesIdempotencyKey,
                    Failure = StripeFailure.NoAnswer(StripeFailure.InvalidResponse),
                };
                unavailable.AttachCallDetails(null, null, null, null, operation.Name);
                throw unavailable;
            }
        }
    }

    /// <summary>
    /// After <c>terminal_reader_timeout</c>: reads the reader. Returns it when the command arrived
    /// (the call then succeeds with it); otherwise marks the timeout as not delivered (retryable with
    /// the same key) or unknown (not retried) and returns <see langword="null"/>.
    /// </summary>
    private async Task<Stripe.Terminal.Reader?> CheckReaderAsync(
        StripeOperation operation,
        StripeClient client,
        RequestOptions requestOptions,
        ReaderCommandCheck check,
        ReaderTimeoutException timeout,
        CancellationToken cancellationToken)
    {
        try
        {
            var readOptions = new RequestOptions { StripeAccount = requestOptions.StripeAccount };
            var reader = await client.V1.Terminal.Readers.GetAsync(check.ReaderId, null, readOptions, cancellationToken).ConfigureAwait(false);
            if (check.Arrived(reader))
            {
                Log.ReaderTimeoutDelivered(_logger, check.ReaderId, operation.Name);
                return reader;
            }

            Log.ReaderTimeoutMissing(_logger, check.ReaderId, operation.Name);
            timeout.SetCommandDelivered(false);
            return null;
        }
        catch (Exception exception) when (exception is StripeException or HttpRequestException or System.Text.Json.JsonException or Newtonsoft.Json.JsonException
                                          || (exception is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            Log.ReaderTimeoutCheckFailed(_logger, check.ReaderId, operation.Name, (exception as StripeException)?.StripeError?.Code ?? exception.GetType().Name);
            timeout.SetCommandDelivered(null);
            return null;
        }
    }
}
