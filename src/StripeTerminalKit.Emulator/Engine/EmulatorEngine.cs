using System.Buffers;
using System.Globalization;
using System.Text.Json;
using StripeTerminalKit.Emulator.Http;
using StripeTerminalKit.Emulator.Resources;

namespace StripeTerminalKit.Emulator.Engine;

/// <summary>
/// The request pipeline: authentication, routing, faults, rate limits, idempotency, then the
/// endpoint under one lock (so no update is ever lost), then webhooks once the lock is released.
/// </summary>
internal sealed partial class EmulatorEngine : IDisposable
{
    private readonly Lock _gate = new();
    private readonly StripeEmulatorOptions _options;
    private readonly TimeProvider _time;
    private readonly EmulatorState _state;
    private readonly EmulatorFaults _faults;
    private readonly EmulatorCustomer _customer;
    private readonly EmulatorWebhooks _webhooks;
    private readonly IdempotencyStore _idempotency = new();
    private readonly RateLimiter? _rateLimiter;
    private readonly List<EmulatorRequestRecord> _requestLog = [];
    // A set: every authorisation keeps a timer for its expiry (days away), so thousands can be pending,
    // and a list made each customer tap that fired scan them all to remove its own.
    private readonly HashSet<ITimer> _timers = [];
    private long _requestCounter;
    private bool _disposed;

    public EmulatorEngine(StripeEmulatorOptions options, EmulatorFaults faults, EmulatorCustomer customer, EmulatorWebhooks webhooks, Random random)
    {
        _options = options;
        _time = options.TimeProvider;
        _state = new EmulatorState(_time, random, webhooks.CountSubscriptionsFor);
        _faults = faults;
        _customer = customer;
        _webhooks = webhooks;
        _rateLimiter = options.RateLimits is null ? null : new RateLimiter(options.RateLimits);
    }

    public async Task<EmulatorResponse> HandleAsync(EmulatorRequest request, CancellationToken cancellationToken)
    {
        var requestId = "req_" + Interlocked.Increment(ref _requestCounter).ToString("x14", CultureInfo.InvariantCulture);
        var route = Router.Match(request.Method, request.Path);
        var operation = route?.Operation ?? "unknown";
        var readerId = route?.ReaderId;

        var auth = CheckAuthorization(request.Authorization);
        if (auth is not null)
        {
            return Finish(request, route, operation, Error(auth, requestId), null);
        }

        if (request.StripeVersion is { } version && !IsKnownApiVersion(version))
        {
            // "An unknown Stripe-Version is refused with 400" (docs: api/versioning; corrections table).
            var badVersion = ApiErrorException.InvalidRequest($"Invalid Stripe API version: {Truncate(version, 64)}. The emulator speaks {StripeEmulator.ApiVersion}; see https://docs.stripe.com/api/versioning.", "Stripe-Version");
            return Finish(request, route, operation, Error(badVersion, requestId), null);
        }

        if (route is null)
        {
            var notFound = new ApiErrorException(404, "invalid_request_error", null, $"Unrecognized request URL ({request.Method}: {request.Path}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.");
            return Finish(request, route, operation, Error(notFound, requestId), null);
        }

        if (_rateLimiter?.TryAcquire(operation, _time.GetUtcNow()) is { } limitedReason)
        {
            var limited = new ApiErrorException(429, "invalid_request_error", "rate_limit", "Request rate limit exceeded. Learn more about rate limits here https://stripe.com/docs/rate-limits.");
            return Finish(request, route, operation, Error(limited, requestId) with { RateLimitedReason = limitedReason }, null);
        }

        // Reader faults only apply to what the reader must acknowledge: its actions and test helpers.
        var readerAction = readerId is not null && operation is not (EmulatorOperations.ReadersGet or EmulatorOperations.ReadersUpdate or EmulatorOperations.ReadersDelete);
        var fault = _faults.Match(operation, readerId, request.IdempotencyKey, readerAction);
        if (fault is not null && PreExecutionFault(fault, readerId is not null) is { } faultError)
        {
            if (fault.Kind == FaultKind.ConnectionFailure)
            {
                Finish(request, route, operation, new EmulatorResponse(0, [], requestId), fault.Kind);
                throw new EmulatedConnectionException("Emulated connection failure: the request never reached Stripe.");
            }

            var faulted = Error(faultError, requestId, fault.ShouldRetry ?? faultError.ShouldRetry);
            if (fault.Kind == FaultKind.RateLimited)
            {
                // An injected rate limit looks like the account's overall limit (docs: rate-limits).
                faulted = faulted with { RateLimitedReason = RateLimiter.GlobalRate };
            }

            return Finish(request, route, operation, faulted, fault.Kind);
        }

        var idempotent = request.Method == "POST" && !string.IsNullOrEmpty(request.IdempotencyKey);
        var scopeKey = idempotent ? (request.StripeAccount ?? "") + "\n" + request.IdempotencyKey : null;
        var fingerprint = idempotent ? request.Method + " " + request.Path + "\n" + FormParser.Canonical(request.Body) : null;
        if (idempotent)
        {
            if (request.IdempotencyKey!.Length > 255)
            {
                var tooLong = ApiErrorException.InvalidRequest("Idempotency-Key must be at most 255 characters long.", "idempotency_key");
                return Finish(request, route, operation, Error(tooLong, requestId), null);
            }

            switch (_idempotency.Begin(scopeKey!, fingerprint!, _time.GetUtcNow(), out var stored))
            {
                case IdempotencyStore.Outcome.Replay:
                    return Finish(request, route, operation, stored! with { Replayed = true }, null);
                case IdempotencyStore.Outcome.Mismatch:
                    var mismatch = new ApiErrorException(400, "idempotency_error", null, $"Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '{request.IdempotencyKey}' if you meant to execute a different request.");
                    return Finish(request, route, operation, Error(mismatch, requestId), null);
                case IdempotencyStore.Outcome.InFlight:
                    var conflict = new ApiErrorException(409, "idempotency_error", "idempotency_key_in_use", "There is currently another in-progress request using this Idempotent Key (that probably means you submitted twice, and the other request is still going through): " + request.IdempotencyKey + ". Please try again later.");
                    return Finish(request, route, operation, Error(conflict, requestId), null);
            }
        }

        EmulatorResponse response;
        EmulatorEvent[] events;
        var saved = false;
        try
        {
            if (fault?.Kind == FaultKind.SlowReaderAck)
            {
                await Task.Delay(fault.Delay, _time, cancellationToken).ConfigureAwait(false);
            }

            (response, events, var store) = Execute(route, request, requestId);
            if (idempotent && store)
            {
                _idempotency.Complete(scopeKey!, fingerprint!, response);
                saved = true;
            }
        }
        finally
        {
            if (idempotent && !saved)
            {
                _idempotency.Abandon(scopeKey!);
            }
        }

        Publish(events);

        if (fault?.Kind == FaultKind.ReaderTimeoutAfterDelivery)
        {
            var timeout = new ApiErrorException(400, "invalid_request_error", "terminal_reader_timeout", "There was a timeout when sending this command to the reader.");
            return Finish(request, route, operation, Error(timeout, requestId), fault.Kind);
        }

        if (fault?.Kind == FaultKind.ResponseLost)
        {
            Finish(request, route, operation, response, fault.Kind);
            throw new EmulatedConnectionException("Emulated lost response: the request was applied but the connection closed before the response arrived.");
        }

        return Finish(request, route, operation, response, fault?.Kind);
    }

    private (EmulatorResponse Response, EmulatorEvent[] Events, bool Store) Execute(Route route, EmulatorRequest request, string requestId)
    {
        var formText = request.Method == "POST" ? request.Body : request.Query;
        lock (_gate)
        {
            try
            {
                var form = FormParser.Parse(formText);
                var ctx = new RequestContext
                {
                    State = _state,
                    Params = new Params(form),
                    Args = route.Args,
                    Account = request.StripeAccount,
                    Info = new RequestInfo(requestId, request.IdempotencyKey),
                };
                ExpireAuthorizations();
                var result = route.Handler(this, ctx);
                var body = Render(result, ctx);
                var paymentIntentId = ConcernedPaymentIntent(result) ?? NamedPaymentIntent(route, form);
                return (new EmulatorResponse(200, body, requestId, PaymentIntentId: paymentIntentId), _state.TakePendingEvents(), true);
            }
            catch (ApiErrorException e)
            {
                return (Error(e, requestId) with { PaymentIntentId = NamedPaymentIntent(route, request) }, _state.TakePendingEvents(), !e.BeforeExecution);
            }
        }
    }

    private byte[] Render(object result, RequestContext ctx)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        using (var w = new Utf8JsonWriter(buffer))
        {
            switch (result)
            {
                case Resource r:
                    r.Write(w, _state, ctx.Expand);
                    break;
                case ListPage page:
                    w.WriteStartObject();
                    w.WriteString("object", "list");
                    w.WriteStartArray("data");
                    var inner = ctx.Expand.Under("data");
                    foreach (var item in page.Data)
                    {
                        item.Write(w, _state, inner);
                    }

                    w.WriteEndArray();
                    w.WriteBoolean("has_more", page.HasMore);
                    w.WriteString("url", page.Url);
                    w.WriteEndObject();
                    break;
                case Action<Utf8JsonWriter> custom:
                    custom(w);
                    break;
                default:
                    throw new InvalidOperationException("Endpoint returned " + result.GetType().Name);
            }
        }

        return buffer.WrittenSpan.ToArray();
    }

    private EmulatorResponse Error(ApiErrorException e, string requestId, bool? shouldRetry = null)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var w = new Utf8JsonWriter(buffer))
        {
            lock (_gate)
            {
                ErrorWriter.WriteErrorBody(w, e, _state);
            }
        }

        return new EmulatorResponse(e.Status, buffer.WrittenSpan.ToArray(), requestId, shouldRetry ?? e.ShouldRetry);
    }

    private void Publish(EmulatorEvent[] events)
    {
        foreach (var e in events)
        {
            _webhooks.Publish(e);
        }
    }

    /// <summary>Runs <paramref name="work"/> under the lock and publishes what it raised.</summary>
    private T Mutate<T>(Func<T> work)
    {
        T result;
        EmulatorEvent[] events;
        lock (_gate)
        {
            ExpireAuthorizations();
            result = work();
            events = _state.TakePendingEvents();
        }

        Publish(events);
        return result;
    }

    /// <summary>Schedules <paramref name="work"/> on the emulator's clock (customer taps, timeouts, refund failures).</summary>
    private void Schedule(TimeSpan delay, Action work)
    {
        if (_disposed)
        {
            return;
        }

        ITimer? timer = null;
        timer = _time.CreateTimer(_ =>
        {
            lock (_timers)
            {
                _timers.Remove(timer!);
            }

            timer!.Dispose();
            Mutate(() =>
            {
                work();
                return 0;
            });
        }, null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        lock (_timers)
        {
            _timers.Add(timer);
        }

        timer.Change(delay < TimeSpan.Zero ? TimeSpan.Zero : delay, Timeout.InfiniteTimeSpan);
    }

    public EmulatorLedger Snapshot()
    {
        lock (_gate)
        {
            ExpireAuthorizations();
            var pis = _state.PaymentIntents.Values.OrderBy(p => p.Sequence).Select(p => new PaymentIntentRecord(
                p.Id, p.Amount, p.Currency, p.Status, p.EffectiveCardPresentCapture, p.AmountCapturable, p.AmountReceived, p.TipAmount,
                p.LatestChargeId, p.CancellationReason, new Dictionary<string, string>(p.Metadata), DateTimeOffset.FromUnixTimeSeconds(p.Created))).ToArray();
            var charges = _state.Charges.Values.OrderBy(c => c.Sequence).Select(c => new ChargeRecord(
                c.Id, c.PaymentIntentId, c.Amount, c.AmountCaptured, c.AmountRefunded, c.Captured, c.Voided, c.Status,
                c.Card.Info.Brand, c.Card.Info.Last4, c.Card.Network, c.FailureCode)).ToArray();
            var refunds = _state.Refunds.Values.OrderBy(r => r.Sequence).Select(r => new RefundRecord(
                r.Id, r.ChargeId, r.PaymentIntentId, r.Amount, r.Status, r.InPerson)).ToArray();
            return new EmulatorLedger(pis, charges, refunds, _state.ActionHistory.ToArray());
        }
    }

    public void Dispose()
    {
        _disposed = true;
        lock (_timers)
        {
            foreach (var t in _timers)
            {
                t.Dispose();
            }

            _timers.Clear();
        }
    }
}
