using System.Net;
using System.Net.Http.Headers;
using StripeTerminalKit.Emulator.Engine;

namespace StripeTerminalKit.Emulator.Http;

/// <summary>Turns HTTP requests into engine requests and back, without a socket.</summary>
internal sealed class EmulatorHttpHandler(StripeEmulator emulator) : HttpMessageHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        var uri = request.RequestUri ?? throw new InvalidOperationException("The request has no URI.");
        var engineRequest = new EmulatorRequest(
            request.Method.Method,
            uri.AbsolutePath,
            uri.Query,
            body,
            Header(request.Headers, "Authorization"),
            Header(request.Headers, "Idempotency-Key"),
            Header(request.Headers, "Stripe-Account"),
            Header(request.Headers, "Stripe-Version"),
            UserAgent(request.Headers));

        EmulatorResponse response;
        try
        {
            response = await emulator.SendAsync(engineRequest, cancellationToken).ConfigureAwait(false);
        }
        catch (EmulatedConnectionException e)
        {
            throw new HttpRequestException(HttpRequestError.ConnectionError, e.Message, e);
        }

        var message = new HttpResponseMessage((HttpStatusCode)response.StatusCode)
        {
            RequestMessage = request,
            Content = new ByteArrayContent(response.Body),
        };
        message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        message.Headers.TryAddWithoutValidation("Request-Id", response.RequestId);
        message.Headers.TryAddWithoutValidation("Stripe-Version", StripeEmulator.ApiVersion);
        if (response.ShouldRetry is { } retry)
        {
            message.Headers.TryAddWithoutValidation("Stripe-Should-Retry", retry ? "true" : "false");
        }

        if (response.RateLimitedReason is { } reason)
        {
            message.Headers.TryAddWithoutValidation("Stripe-Rate-Limited-Reason", reason);
        }

        if (response.Replayed)
        {
            message.Headers.TryAddWithoutValidation("Idempotent-Replayed", "true");
        }

        if (engineRequest.IdempotencyKey is not null)
        {
            message.Headers.TryAddWithoutValidation("Idempotency-Key", engineRequest.IdempotencyKey);
        }

        return message;
    }

    // The raw header as sent (product tokens separated by spaces), not re-joined by commas as
    // TryGetValues would after parsing it into product tokens.
    private static string? UserAgent(HttpRequestHeaders headers) =>
        headers.NonValidated.TryGetValues("User-Agent", out var values) ? string.Join(" ", values) : null;

    private static string? Header(HttpRequestHeaders headers, string name) =>
        headers.TryGetValues(name, out var values) ? string.Join(",", values) : null;
}
