namespace StripeTerminalKit.Emulator.Engine;

/// <summary>A request as the engine sees it, whichever way it came in (in-process or HTTP).</summary>
internal sealed record EmulatorRequest(
    string Method,
    string Path,
    string? Query,
    string? Body,
    string? Authorization,
    string? IdempotencyKey,
    string? StripeAccount,
    string? StripeVersion = null,
    string? UserAgent = null);

/// <summary>The engine's answer.</summary>
/// <remarks>
/// <paramref name="RateLimitedReason"/> is the <c>Stripe-Rate-Limited-Reason</c> header of a 429
/// from a rate limiter (docs: rate-limits). No <c>Retry-After</c>: Stripe does not document one.
/// <paramref name="PaymentIntentId"/> is the PaymentIntent the request concerned (for the request
/// log), kept with the answer so an idempotent replay reports it too.
/// </remarks>
internal sealed record EmulatorResponse(int StatusCode, byte[] Body, string RequestId, bool? ShouldRetry = null, bool Replayed = false, string? RateLimitedReason = null, string? PaymentIntentId = null);

/// <summary>A fault that drops the connection: the in-process handler throws it as an HttpRequestException.</summary>
internal sealed class EmulatedConnectionException(string message) : Exception(message);
