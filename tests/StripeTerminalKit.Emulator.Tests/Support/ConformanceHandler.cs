namespace StripeTerminalKit.Emulator.Tests.Support;

/// <summary>
/// Sits between a client and <see cref="StripeEmulator.CreateHttpMessageHandler"/>: records every
/// exchange and validates every response body against the OpenAPI subset. A body that does not
/// conform fails the call at once with <see cref="OpenApiViolationException"/>, so no test can
/// overlook it (Stripe.net surfaces it as the cause of the failed request).
/// </summary>
internal sealed class ConformanceHandler(ResponseConformance conformance, HttpMessageHandler inner) : DelegatingHandler(inner)
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var requestBody = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
        var response = await base.SendAsync(request, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        var requestId = response.Headers.TryGetValues("Request-Id", out var ids) ? ids.First() : null;
        var exchange = new WireExchange(request.Method.Method, request.RequestUri!.PathAndQuery, requestBody, (int)response.StatusCode, body, requestId);
        var problems = conformance.Check(exchange);
        if (problems.Count > 0)
        {
            throw new OpenApiViolationException(string.Join(Environment.NewLine, problems));
        }

        return response;
    }
}

/// <summary>A response that does not match Stripe's OpenAPI description (or a 5xx nobody asked for).</summary>
internal sealed class OpenApiViolationException(string message) : Exception(message);
