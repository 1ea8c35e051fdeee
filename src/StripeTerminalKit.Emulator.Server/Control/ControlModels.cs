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
internal sealed partial class ControlJsonContext : JsonSerializerContext;
