using StripeTerminalKit.DependencyInjection;

namespace StripeTerminalKit.Samples.Web.Hosting;

/// <summary>
/// Where the sample keeps its checkouts. Against Stripe (or the emulator server) they go to an
/// SQLite file, so a crash or a deploy mid-sale resumes every checkout at the next start;
/// the reconciler resumes them without waiting for a POS to ask, and settles what a crash left.
/// </summary>
internal static partial class CheckoutStorage
{
    /// <summary>The file's default place, below the content root (git-ignored).</summary>
    public const string DefaultPath = "data/checkouts.db";

    /// <summary>
    /// Picks the store: <c>Checkouts:Store</c> = <c>sqlite</c> (default against Stripe) or
    /// <c>memory</c> (default with the in-process emulator, whose PaymentIntents die with the
    /// process, so a stored checkout would point at nothing after a restart); the file from
    /// <c>ConnectionStrings:Checkouts</c> or <c>Checkouts:Path</c>, relative to the content root.
    /// Returns where the checkouts are kept, for the start-up log line.
    /// </summary>
    public static string UseSampleCheckoutStore(this StripeTerminalKitBuilder kit, IConfiguration configuration, IHostEnvironment environment, HostMode mode)
    {
        var store = configuration["Checkouts:Store"] ?? (mode == HostMode.Emulator ? "memory" : "sqlite");
        switch (store)
        {
            case "memory":
                return "in memory (lost at restart)";
            case "sqlite":
                var target = configuration.GetConnectionString("Checkouts") is { Length: > 0 } connectionString
                    ? connectionString
                    : Path.Combine(environment.ContentRootPath, configuration["Checkouts:Path"] ?? DefaultPath);
                kit.UseSqliteStore(target);
                return target.Contains('=', StringComparison.Ordinal) ? "SQLite (connection string)" : $"SQLite at {target}";
            default:
                throw new InvalidOperationException($"Checkouts:Store must be 'sqlite' or 'memory', not '{store}'.");
        }
    }

    [LoggerMessage(EventId = 4101, Level = LogLevel.Information, Message = "Checkouts are kept {CheckoutStore}")]
    public static partial void LogStore(ILogger logger, string checkoutStore);
}
