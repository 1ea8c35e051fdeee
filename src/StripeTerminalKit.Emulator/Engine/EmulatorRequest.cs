namespace StripeTerminalKit.Emulator.Engine;

/// <summary>A request as the engine sees it, whichever way it came in (in-process or HTTP).</summary>
internal sealed record EmulatorRequest(
    string Method,
    string Path,
    string? Query,
    string? Body,
    string? Authorization,
    string? IdempotencyKey,
    string? StripeAccount);

/// <summary>The engine's answer.</summary>
internal sealed record EmulatorResponse(int StatusCode, byte[] Body, string RequestId, bool? ShouldRetry = null, bool Replayed = false);

/// <summary>A fault that drops the connection: the in-process handler throws it as an HttpRequestException.</summary>
internal sealed class EmulatedConnectionException(string message) : Exception(message);
