using System.Text.Json;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using StripeTerminalKit.Readers;
using StripeTerminalKit.Samples.Web.Hosting;

namespace StripeTerminalKit.Samples.Web.Health;

/// <summary>
/// Reader connectivity from the cached reader view (<see cref="ReaderStatusCache"/>), never a
/// Stripe call: healthy when every reader of the shop is online, degraded when some are offline,
/// unhealthy when none is, or when the host has not managed to list them lately.
/// </summary>
internal sealed class ReaderHealthCheck(ReaderStatusCache cache) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var snapshot = cache.Latest;
        if (snapshot is null || cache.IsStale(snapshot))
        {
            return Task.FromResult(HealthCheckResult.Unhealthy("The readers could not be listed lately."));
        }

        var data = new Dictionary<string, object>(StringComparer.Ordinal);
        var online = 0;
        foreach (var reader in snapshot.Readers)
        {
            online += reader.NetworkStatus == ReaderNetworkStatus.Online ? 1 : 0;
            data[reader.Id] = new ReaderHealth(reader.Label, reader.NetworkStatus.ToString().ToLowerInvariant());
        }

        var total = snapshot.Readers.Count;
        var summary = $"{online} of {total} readers online";
        return Task.FromResult(
            total > 0 && online == total ? HealthCheckResult.Healthy(summary, data)
            : online > 0 ? HealthCheckResult.Degraded(summary, data: data)
            : HealthCheckResult.Unhealthy(summary, data: data));
    }

    /// <summary>
    /// Writes the report as JSON. Anyone gets the status (healthy, degraded or unhealthy); a POS
    /// device (a valid token) also gets the mode, the summary and each reader's connectivity.
    /// </summary>
    public static Task WriteAsync(HttpContext context, HealthReport report)
    {
        var status = report.Status.ToString().ToLowerInvariant();
        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        if (context.User.Identity?.IsAuthenticated != true)
        {
            return context.Response.WriteAsync(JsonSerializer.Serialize(new { status }));
        }

        var shop = context.RequestServices.GetRequiredService<Shop>();
        var entry = report.Entries.TryGetValue("readers", out var e) ? e : default;
        var body = new
        {
            status,
            mode = JsonNamingPolicy.SnakeCaseLower.ConvertName(shop.Mode.ToString()),
            description = entry.Description,
            readers = entry.Data.Select(kv => new { id = kv.Key, label = ((ReaderHealth)kv.Value).Label, status = ((ReaderHealth)kv.Value).Status }),
            duration_ms = (int)report.TotalDuration.TotalMilliseconds,
        };
        return context.Response.WriteAsync(JsonSerializer.Serialize(body));
    }

    private sealed record ReaderHealth(string Label, string Status);
}
