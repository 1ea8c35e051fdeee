namespace StripeTerminalKit.Storage.PostgreSql;

/// <summary>Where the PostgreSQL checkout store keeps its tables.</summary>
public sealed class PostgreSqlCheckoutStoreOptions
{
    /// <summary>The default <see cref="Schema"/>.</summary>
    public const string DefaultSchema = "stripe_terminal_kit";

    /// <summary>
    /// An Npgsql connection string (<c>Host=…;Database=…;Username=…;Password=…</c>). Every instance
    /// of the farm points at the same database. Never logged: it may hold a password.
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>
    /// The schema holding the store's tables (created if missing). Defaults to
    /// <c>stripe_terminal_kit</c>; lower-case letters, digits and underscores.
    /// </summary>
    public string Schema { get; set; } = DefaultSchema;
}
