using System.Globalization;

namespace StripeTerminalKit.Farm.Tests;

/// <summary>What every farm run reads from its environment and reports the same way.</summary>
internal static class FarmRun
{
    /// <summary>The PostgreSQL server <c>.ci/run</c> started; a missing one fails the run, never skips it.</summary>
    public static string PostgresConnection() =>
        Environment.GetEnvironmentVariable("STK_POSTGRES_CONNECTION") is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException("STK_POSTGRES_CONNECTION is not set: the farm test needs a PostgreSQL server. Run it through .ci/run, or `source .ci/postgres.sh && stk_postgres_start` first.");

    /// <summary>A positive whole number from the environment, or <paramref name="fallback"/>.</summary>
    public static int Setting(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value > 0 ? value : fallback;

    /// <summary>The nearest-rank percentile of an ascending array (0 when empty).</summary>
    public static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
}
