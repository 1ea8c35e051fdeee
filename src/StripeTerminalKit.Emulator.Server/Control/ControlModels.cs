using System.Text.Json.Serialization;

namespace StripeTerminalKit.Emulator.Server.Control;

/// <summary>Body of <c>GET /_emulator/health</c>.</summary>
internal sealed record HealthResponse(string Object, string Status);

/// <summary>Body of <c>GET /_emulator/info</c>. Never carries the webhook secret.</summary>
internal sealed record InfoResponse(
    string Object,
    string Version,
    string ApiBase,
    string ApiVersion,
    int? Seed,
    bool WebhookSecretGenerated,
    IReadOnlyList<WebhookEndpointResponse> WebhookEndpoints);

/// <summary>One webhook endpoint, as listed, created or deleted.</summary>
internal sealed record WebhookEndpointResponse(
    string Id,
    string Object,
    string Url,
    bool Connect = false,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] bool Deleted = false);

/// <summary>A Stripe-style list.</summary>
internal sealed record WebhookEndpointList(string Object, string Url, bool HasMore, IReadOnlyList<WebhookEndpointResponse> Data);

/// <summary>
/// One answered request of the emulator's log, for <c>GET /_emulator/requests</c>. Never a header
/// other than the user agent, never a body: requests carry the caller's API key.
/// </summary>
internal sealed record RequestLogEntry(
    long Sequence,
    DateTimeOffset Time,
    string Method,
    string Path,
    string Operation,
    int Status,
    string? ErrorCode,
    string? IdempotencyKey,
    bool Replayed,
    string? UserAgent,
    string? PaymentIntent,
    string? StripeAccount,
    string? Fault);

/// <summary>A page of the request log, oldest first; <c>has_more</c> says a next page exists (ask with <c>after</c> = the last sequence).</summary>
internal sealed record RequestLogPage(string Object, string Url, bool HasMore, IReadOnlyList<RequestLogEntry> Data);

/// <summary>A Stripe-style error body, so Stripe clients and humans read control errors alike.</summary>
internal sealed record ErrorResponse(ErrorDetail Error);

/// <summary>The <c>error</c> object of <see cref="ErrorResponse"/>.</summary>
internal sealed record ErrorDetail(
    string Type,
    string Message,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Code = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Param = null);

/// <summary>Source-generated JSON in Stripe's snake_case.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = true)]
[JsonSerializable(typeof(HealthResponse))]
[JsonSerializable(typeof(InfoResponse))]
[JsonSerializable(typeof(WebhookEndpointResponse))]
[JsonSerializable(typeof(WebhookEndpointList))]
[JsonSerializable(typeof(ErrorResponse))]
[JsonSerializable(typeof(RequestLogPage))]
internal sealed partial class ControlJsonContext : JsonSerializerContext;
