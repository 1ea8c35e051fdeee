using System.Text.Json.Serialization;

namespace StripeTerminalKit.AspNetCore;

/// <summary>The webhook endpoint's answer to an accepted delivery: <c>{"received":true,"duplicate":false}</c>.</summary>
internal sealed record WebhookAcknowledgement(bool Received, bool Duplicate);

/// <summary>Source-generated JSON for the endpoint's answer, so trimmed and AOT apps write it without reflection.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(WebhookAcknowledgement))]
internal sealed partial class WebhookEndpointJsonContext : JsonSerializerContext;
