using System.Net;

namespace StripeTerminalKit.Emulator.Tests.Webhooks;

/// <summary>What a fake endpoint saw of one request.</summary>
internal sealed record ReceivedRequest(
    HttpMethod Method,
    Uri? Url,
    string? MediaType,
    string? CharSet,
    string? Signature,
    string? UserAgent,
    string Body,
    DateTimeOffset ReceivedAt);

/// <summary>
/// A webhook endpoint behind a fake <see cref="HttpMessageHandler"/>: records each request and
/// answers with the status (or exception) that <c>respond</c> picks for the nth request (from 1).
/// No network is involved.
/// </summary>
internal class FakeWebhookEndpoint(TimeProvider time, Func<int, HttpStatusCode> respond) : HttpMessageHandler
{
    private readonly List<ReceivedRequest> _requests = [];

    public IReadOnlyList<ReceivedRequest> Requests
    {
        get
        {
            lock (_requests)
            {
                return [.. _requests];
            }
        }
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        string body = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
        int number;
        lock (_requests)
        {
            _requests.Add(new ReceivedRequest(
                request.Method,
                request.RequestUri,
                request.Content?.Headers.ContentType?.MediaType,
                request.Content?.Headers.ContentType?.CharSet,
                request.Headers.TryGetValues("Stripe-Signature", out var signature) ? string.Join(",", signature) : null,
                request.Headers.TryGetValues("User-Agent", out var agent) ? string.Join(" ", agent) : null,
                body,
                time.GetUtcNow()));
            number = _requests.Count;
        }

        return new HttpResponseMessage(respond(number)) { RequestMessage = request };
    }
}

/// <summary>An endpoint that always answers with one status.</summary>
internal sealed class StatusHandler(int status)
    : FakeWebhookEndpoint(TimeProvider.System, _ => (HttpStatusCode)status);
