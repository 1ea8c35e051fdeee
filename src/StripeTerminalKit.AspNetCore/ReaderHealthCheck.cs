using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using StripeTerminalKit.Errors;
using StripeTerminalKit.Readers;

namespace StripeTerminalKit.AspNetCore;

/// <summary>
/// Reports reader connectivity: healthy when every reader is online, degraded when some are
/// offline, unhealthy when none is online or Stripe cannot be reached. The data lists the
/// offline readers by id and label (never a secret).
/// </summary>
internal sealed class ReaderHealthCheck(ITerminalReaders readers, string? locationId) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var online = 0;
        var offline = new List<string>();
        try
        {
            await foreach (var reader in readers.ListAsync(new ReaderListFilter { LocationId = locationId }, null, cancellationToken).ConfigureAwait(false))
            {
                if (reader.NetworkStatus == ReaderNetworkStatus.Offline)
                {
                    offline.Add($"{reader.Id} ({reader.Label})");
                }
                else
                {
                    online++;
                }
            }
        }
        catch (StripeTerminalException exception)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, "Stripe could not be reached to list the readers.", exception);
        }

        var data = new Dictionary<string, object> { ["online"] = online, ["offline"] = offline.Count, ["offline_readers"] = offline.ToArray() };
        if (offline.Count == 0)
        {
            return HealthCheckResult.Healthy($"{online} reader(s) online.", data);
        }

        return online == 0
            ? new HealthCheckResult(context.Registration.FailureStatus, $"No reader online; {offline.Count} offline.", data: data)
            : HealthCheckResult.Degraded($"{offline.Count} of {online + offline.Count} reader(s) offline.", data: data);
    }
}
