using System.Collections.Concurrent;
using System.Net;
using System.Text;

namespace StripeTerminalKit.Tests.TestSupport;

/// <summary>One request the fake Stripe saw.</summary>
public sealed record SeenRequest(HttpMethod Method, string Path, string? IdempotencyKey, string? StripeAccount, string? Authorization, string Body);

/// <summary>
/// A fake Stripe at the HTTP layer: answers each request from a per-route script (or a default),
/// records what it saw, and lets a test wait for the n-th request.
/// </summary>
public sealed class ScriptedHandler : HttpMessageHandler
{
    private readonly ConcurrentQueue<SeenRequest> _seen = new();
    private readonly ConcurrentDictionary<string, ConcurrentQueue<Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>>>> _scripts = new();
    private readonly SemaphoreSlim _signal = new(0);

    public IReadOnlyList<SeenRequest> Requests => _seen.ToArray();

    /// <summary>Queues answers for requests whose "METHOD path" starts with <paramref name="route"/>; the last one repeats.</summary>
    public ScriptedHandler On(string route, params Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>>[] answers)
    {
        var queue = _scripts.GetOrAdd(route, _ => new ConcurrentQueue<Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>>>());
        foreach (var answer in answers)
        {
            queue.Enqueue(answer);
        }

        return this;
    }

    public async Task WaitForRequestsAsync(int count)
    {
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (_seen.Count < count)
        {
            try
            {
                await _signal.WaitAsync(guard.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"Expected {count} requests, saw {_seen.Count}.");
            }
        }
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? string.Empty : await request.Content.ReadAsStringAsync(cancellationToken);
        var key = request.Headers.TryGetValues("Idempotency-Key", out var keys) ? keys.FirstOrDefault() : null;
        var account = request.Headers.TryGetValues("Stripe-Account", out var accounts) ? accounts.FirstOrDefault() : null;
        var path = request.RequestUri!.AbsolutePath;
        _seen.Enqueue(new SeenRequest(request.Method, path, key, account, request.Headers.Authorization?.ToString(), body));
        _signal.Release();

        var routeKey = $"{request.Method.Method} {path}";
        var script = _scripts
            .Where(s => routeKey.StartsWith(s.Key, StringComparison.Ordinal))
            .OrderByDescending(s => s.Key.Length)
            .Select(s => s.Value)
            .FirstOrDefault();
        if (script is null || script.IsEmpty)
        {
            return StripeResponses.Error(HttpStatusCode.NotFound, "invalid_request_error", "resource_missing", $"No script for {routeKey}");
        }

        // The last answer repeats for every further request.
        var answer = script.Count > 1 && script.TryDequeue(out var next) ? next : script.TryPeek(out var last) ? last : null;
        return await answer!(request, cancellationToken);
    }
}

/// <summary>Stripe-shaped HTTP responses for scripts.</summary>
public static class StripeResponses
{
    private static int _requestCounter;

    public static HttpResponseMessage Json(HttpStatusCode status, string json, params (string Name, string Value)[] headers)
    {
        var response = new HttpResponseMessage(status) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        response.Headers.TryAddWithoutValidation("Request-Id", $"req_test{Interlocked.Increment(ref _requestCounter):D6}");
        foreach (var (name, value) in headers)
        {
            response.Headers.TryAddWithoutValidation(name, value);
        }

        return response;
    }

    public static HttpResponseMessage Error(HttpStatusCode status, string type, string? code, string message, string? param = null, string? declineCode = null, params (string Name, string Value)[] headers)
    {
        var json = "{\"error\":{\"type\":\"" + type + "\",\"code\":" + Quote(code) + ",\"message\":" + Quote(message)
            + ",\"param\":" + Quote(param) + ",\"decline_code\":" + Quote(declineCode) + "}}";
        return Json(status, json, headers);
    }

    public static Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> Answer(Func<HttpResponseMessage> make) =>
        (_, _) => Task.FromResult(make());

    public static Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> Throw(Exception exception) =>
        (_, _) => Task.FromException<HttpResponseMessage>(exception);

    /// <summary>Never answers until the request is canceled (a hung connection).</summary>
    public static Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> Hang() =>
        async (_, ct) =>
        {
            await Task.Delay(Timeout.Infinite, ct);
            throw new InvalidOperationException("unreachable");
        };

    public static string PaymentIntent(string id = "pi_123", long amount = 1000, string status = "requires_payment_method") => $$"""
        {"id":"{{id}}","object":"payment_intent","amount":{{amount}},"currency":"aud","status":"{{status}}","capture_method":"automatic","livemode":false,"metadata":{},"amount_capturable":0,"amount_received":0,"created":1795000000}
        """;

    public static string Reader(string id = "tmr_123", string? actionType = null, string? paymentIntent = null, string actionStatus = "in_progress")
    {
        var action = actionType is null
            ? "null"
            : "{\"type\":\"" + actionType + "\",\"status\":\"" + actionStatus + "\",\"failure_code\":null,\"failure_message\":null,\""
              + actionType + "\":{\"payment_intent\":" + Quote(paymentIntent) + "}}";
        return $$"""
            {"id":"{{id}}","object":"terminal.reader","device_type":"simulated_stripe_s700","label":"Till","livemode":false,"metadata":{},"serial_number":"sim-1","status":"online","location":"tml_1","action":{{action}}}
            """;
    }

    private static string Quote(string? value) => value is null ? "null" : System.Text.Json.JsonSerializer.Serialize(value);
}
