using StripeTerminalKit.DependencyInjection;

namespace StripeTerminalKit.Samples.Web.Hosting;

/// <summary>
/// Where the sample keeps its checkouts. Against Stripe (or the emulator server) they go to an
/// SQLite file, so a crash or a deploy mid-sale resumes every checkout at the next start;
/// the reconciler resumes them without waiting for a POS to ask, and settles what a crash left.
/// With a PostgreSQL connection string, several instances share one database (a farm).
/// </summary>
public static partial class CheckoutStorage
{
    /// <summary>The file's default place, below the content root (git-ignored).</summary>
    public const string DefaultPath = "data/checkouts.db";

    /// <summary>
    /// Picks the store: <c>Checkouts:Store</c> = <c>postgresql</c> (default when
    /// <c>ConnectionStrings:Checkouts</c> is a PostgreSQL connection string, <c>Host=…</c>),
    /// <c>sqlite</c> (default against Stripe) or <c>memory</c> (default with the in-process
    /// emulator, whose PaymentIntents die with the process, so a stored checkout would point at
    /// nothing after a restart); the SQLite file from <c>ConnectionStrings:Checkouts</c> or
    /// <c>Checkouts:Path</c>, relative to the content root.
    /// Returns where the checkouts are kept, for the start-up log line (never the password).
    /// </summary>
    public static string UseSampleCheckoutStore(this StripeTerminalKitBuilder kit, IConfiguration configuration, IHostEnvironment environment, HostMode mode)
    {
        var connection = configuration.GetConnectionString("Checkouts");
        var store = configuration["Checkouts:Store"]
            ?? (IsPostgreSql(connection) ? "postgresql" : mode == HostMode.Emulator ? "memory" : "sqlite");
        switch (store)
        {
            case "postgresql":
                if (!IsPostgreSql(connection))
                {
                    throw new InvalidOperationException("Checkouts:Store is 'postgresql' but ConnectionStrings:Checkouts is not a PostgreSQL connection string (Host=…;Database=…;Username=…;Password=…).");
                }

                kit.UsePostgreSqlStore(connection!);
                var target = new Npgsql.NpgsqlConnectionStringBuilder(connection);
                return $"in PostgreSQL at {target.Host}:{target.Port}, database {target.Database}";
            case "memory":
                return "in memory (lost at restart)";
            case "sqlite":
                var file = configuration.GetConnectionString("Checkouts") is { Length: > 0 } connectionString
                    ? connectionString
                    : Path.Combine(environment.ContentRootPath, configuration["Checkouts:Path"] ?? DefaultPath);
                kit.UseSqliteStore(file);
                return file.Contains('=', StringComparison.Ordinal) ? "SQLite (connection string)" : $"SQLite at {file}";
            default:
                throw new InvalidOperationException($"Checkouts:Store must be 'postgresql', 'sqlite' or 'memory', not '{store}'.");
        }
    }

    /// <summary>An Npgsql connection string names a host (SQLite's names a data source).</summary>
    public static bool IsPostgreSql(string? connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString) || !connectionString.Contains('=', StringComparison.Ordinal))
        {
            return false;
        }

        try
        {
            var builder = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
            return !string.IsNullOrEmpty(builder.Host);
        }
        catch (ArgumentException)
        {
            // Data Source=…: not an Npgsql keyword.
            return false;
        }
    }

    [LoggerMessage(EventId = 4101, Level = LogLevel.Information, Message = "Checkouts are kept {CheckoutStore}")]
    public static partial void LogStore(ILogger logger, string checkoutStore);
}
