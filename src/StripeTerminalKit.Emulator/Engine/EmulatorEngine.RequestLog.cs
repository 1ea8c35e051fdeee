using System.Text.Json;
using StripeTerminalKit.Emulator.Http;
using StripeTerminalKit.Emulator.Resources;

namespace StripeTerminalKit.Emulator.Engine;

// The request log: every request answered is recorded (with the PaymentIntent it concerned and its
// error code), in order, for tests and for the emulator server's log endpoint.
internal sealed partial class EmulatorEngine
{
    private EmulatorResponse Finish(EmulatorRequest request, Route? route, string operation, EmulatorResponse response, FaultKind? fault)
    {
        string? errorCode = null;
        if (response.StatusCode >= 400)
        {
            errorCode = TryReadErrorCode(response.Body);
        }

        var record = new EmulatorRequestRecord(_time.GetUtcNow(), request.Method, request.Path, operation, request.IdempotencyKey, request.StripeAccount, response.StatusCode, errorCode, response.Replayed, fault)
        {
            UserAgent = request.UserAgent,
            PaymentIntentId = response.PaymentIntentId ?? NamedPaymentIntent(route, request),
        };
        lock (_requestLog)
        {
            // The sequence is the record's place in the log (from 1), so a reader can page with "after".
            _requestLog.Add(record with { Sequence = _requestLog.Count + 1 });
        }

        return response;
    }

    /// <summary>The PaymentIntent an answered request concerned: the one it returned, or the one the returned reader's action or refund carries.</summary>
    private static string? ConcernedPaymentIntent(object result) => result switch
    {
        PaymentIntent pi => pi.Id,
        Reader { Action.PaymentIntentId: { } id } => id,
        Refund refund => refund.PaymentIntentId,
        _ => null,
    };

    /// <summary>The PaymentIntent a request names: in its path (<c>/v1/payment_intents/pi_…/…</c>) or its <c>payment_intent</c> parameter.</summary>
    private static string? NamedPaymentIntent(Route? route, FormNode form)
    {
        if (route is { Args: [var id, ..] } && route.Operation.StartsWith("payment_intents.", StringComparison.Ordinal))
        {
            return id;
        }

        return form.Children.TryGetValue("payment_intent", out var named) && named.IsLeaf && !string.IsNullOrEmpty(named.Value) ? named.Value : null;
    }

    /// <summary>As above for a request refused before it ran (its body not parsed yet): parses the body only when it names one.</summary>
    private static string? NamedPaymentIntent(Route? route, EmulatorRequest request)
    {
        if (route is null)
        {
            return null;
        }

        var form = request.Method == "POST" && request.Body is { } body && body.Contains("payment_intent=", StringComparison.Ordinal)
            ? TryParse(body)
            : null;
        return NamedPaymentIntent(route, form ?? FormNode.Empty());

        static FormNode? TryParse(string body)
        {
            try
            {
                return FormParser.Parse(body);
            }
            catch (ApiErrorException)
            {
                return null;
            }
        }
    }

    private static string? TryReadErrorCode(byte[] body)
    {
        try
        {
            var reader = new Utf8JsonReader(body);
            using var doc = JsonDocument.ParseValue(ref reader);
            return doc.RootElement.TryGetProperty("error", out var e) && e.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Up to <paramref name="limit"/> records whose sequence is above <paramref name="afterSequence"/>, oldest first.</summary>
    public IReadOnlyList<EmulatorRequestRecord> RequestLogAfter(long afterSequence, int limit)
    {
        lock (_requestLog)
        {
            // Sequence n sits at index n - 1.
            var start = (int)Math.Clamp(afterSequence, 0, _requestLog.Count);
            var count = Math.Min(limit, _requestLog.Count - start);
            return _requestLog.GetRange(start, count).ToArray();
        }
    }

    public IReadOnlyList<EmulatorRequestRecord> RequestLog
    {
        get
        {
            lock (_requestLog)
            {
                return _requestLog.ToArray();
            }
        }
    }
}
