namespace StripeTerminalKit.Storage.Sqlite;

/// <summary>Where the SQLite checkout store keeps its file.</summary>
public sealed class SqliteCheckoutStoreOptions
{
    /// <summary>
    /// The database file (created with its folder if missing), e.g. <c>data/checkouts.db</c>.
    /// Ignored when <see cref="ConnectionString"/> is set.
    /// </summary>
    public string? Path { get; set; }

    /// <summary>A Microsoft.Data.Sqlite connection string, for settings beyond the file's path.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>How long an operation waits for another process holding the file's write lock. Defaults to 30 seconds.</summary>
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
