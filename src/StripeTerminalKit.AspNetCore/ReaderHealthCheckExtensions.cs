using Microsoft.Extensions.Diagnostics.HealthChecks;
using StripeTerminalKit.AspNetCore;
using StripeTerminalKit.Readers;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the reader connectivity health check.</summary>
public static class ReaderHealthCheckExtensions
{
    /// <summary>
    /// Adds a health check named <paramref name="name"/> that lists the readers (optionally of one
    /// location) and reports how many are offline.
    /// </summary>
    /// <example>
    /// <code>
    /// builder.Services.AddHealthChecks().AddStripeTerminalReaders();
    /// app.MapHealthChecks("/health");
    /// </code>
    /// </example>
    public static IHealthChecksBuilder AddStripeTerminalReaders(this IHealthChecksBuilder builder, string name = "stripe_terminal_readers", string? locationId = null, HealthStatus failureStatus = HealthStatus.Unhealthy)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Add(new HealthCheckRegistration(
            name,
            provider => new ReaderHealthCheck(provider.GetRequiredService<ITerminalReaders>(), locationId),
            failureStatus,
            ["stripe", "terminal", "readers"]));
    }
}
