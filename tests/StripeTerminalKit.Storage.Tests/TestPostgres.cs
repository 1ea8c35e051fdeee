namespace StripeTerminalKit.Storage.Tests;

/// <summary>The PostgreSQL the tests run against: .ci/run starts one and exports its connection string.</summary>
internal static class TestPostgres
{
    public const string Variable = "STK_POSTGRES_CONNECTION";

    /// <summary>The connection string; a test needing PostgreSQL fails (never skips) without it.</summary>
    public static string ConnectionString =>
        Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"{Variable} is not set: these tests need a PostgreSQL server. Run them through .ci/run, which starts one, " +
                "or start one yourself with `source .ci/postgres.sh && stk_postgres_start` and run the tests from that shell.");
}
