using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using StripeTerminalKit.Errors;
using StripeTerminalKit.Readers;
using StripeTerminalKit.Samples.Web.Hosting;

namespace StripeTerminalKit.Samples.Web.Health;

/// <summary>
/// Reader connectivity: healthy when every reader of the shop is online, degraded when some are
/// offline, unhealthy when none is or Stripe cannot be reached.
/// </summary>
internal sealed class ReaderHealthCheck(ITerminalReaders readers, Shop shop) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var data = new Dictionary<string, object>(StringComparer.Ordinal);
        var online = 0;
        var total = 0;
        try
        {
            await foreach (var reader in readers.ListAsync(new ReaderListFilter { LocationId = shop.Location.Id }, cancellationToken: cancellationToken))
            {
                total++;
                online += reader.NetworkStatus == ReaderNetworkStatus.Online ? 1 : 0;
                data[reader.Id] = new ReaderHealth(reader.Label, reader.NetworkStatus.ToString().ToLowerInvariant());
            }
        }
        catch (StripeTerminalException exception)
        {
            return HealthCheckResult.Unhealthy("Stripe could not be reached to list the readers.", exception);
        }

        var summary = $"{online} of {total} readers online";
        return total > 0 && online == total ? HealthCheckResult.Healthy(summary, data)
            : online > 0 ? HealthCheckResult.Degraded(summary, data: data)
            : HealthCheckResult.Unhealthy(summary, data: data);
    }

    /// <summary>Writes the report as JSON: status, mode and each reader's connectivity.</summary>
    public static Task WriteAsync(HttpContext context, HealthReport report)
    {
        var shop = context.RequestServices.GetRequiredService<Shop>();
        var entry = report.Entries.TryGetValue("readers", out var e) ? e : default;
        var body = new
        {
            status = report.Status.ToString().ToLowerInvariant(),
            mode = JsonNamingPolicy.SnakeCaseLower.ConvertName(shop.Mode.ToString()),
            description = entry.Description,
            readers = entry.Data.Select(kv => new { id = kv.Key, label = ((ReaderHealth)kv.Value).Label, status = ((ReaderHealth)kv.Value).Status }),
            duration_ms = (int)report.TotalDuration.TotalMilliseconds,
        };
        context.Response.ContentType = "application/json; charset=utf-8";
        return context.Response.WriteAsync(JsonSerializer.Serialize(body));
    }

    private sealed record ReaderHealth(string Label, string Status);
}
