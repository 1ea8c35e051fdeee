using Microsoft.Data.Sqlite;
using StripeTerminalKit.Checkout;

namespace StripeTerminalKit.Storage.Sqlite;

/// <summary>
/// The store's schema and its migrations. The file says what it is in SQLite's own header:
/// <c>application_id</c> marks it as a StripeTerminalKit checkout database and <c>user_version</c>
/// is its schema version, so a foreign file or a newer schema is refused before anything is
/// written. Migrations run inside one write transaction (<c>BEGIN IMMEDIATE</c>): two processes
/// starting at once take turns, and the second finds the work done.
/// </summary>
internal static class SqliteSchema
{
    /// <summary>"STK1" in the file header: this file is a StripeTerminalKit checkout database.</summary>
    public const int ApplicationId = 0x53544B31;

    /// <summary>The schema version this library writes and reads.</summary>
    public const int Version = 2;

    // Migration N takes the schema from version N-1 to N. Never edit a shipped one: add the next.
    private static readonly string[] Migrations =
    [
        """
        CREATE TABLE checkouts (
            checkout_id TEXT NOT NULL PRIMARY KEY,
            reader_id   TEXT NOT NULL,
            owner       TEXT NULL,
            state       TEXT NOT NULL,
            completed   INTEGER NOT NULL,
            retired     INTEGER NOT NULL,
            version     INTEGER NOT NULL,
            updated_at  INTEGER NOT NULL,
            document    TEXT NOT NULL
        ) STRICT;
        CREATE INDEX checkouts_unfinished ON checkouts (checkout_id) WHERE completed = 0;
        CREATE INDEX checkouts_state ON checkouts (state);
        CREATE INDEX checkouts_retired ON checkouts (updated_at) WHERE retired = 1;
        CREATE TABLE reader_claims (
            reader_id   TEXT NOT NULL PRIMARY KEY,
            checkout_id TEXT NOT NULL
        ) STRICT;
        """,
        // 2: ownership leases (one instance drives a checkout; a dead instance's lease expires).
        """
        ALTER TABLE checkouts ADD COLUMN lease_holder TEXT NULL;
        CREATE TABLE leases (
            name        TEXT    NOT NULL PRIMARY KEY,
            holder      TEXT    NOT NULL,
            expires_at  INTEGER NOT NULL,
            version     INTEGER NOT NULL
        ) STRICT;
        """,
    ];

    public static void Migrate(SqliteConnection connection, string source)
    {
        try
        {
            // WAL: readers never block the writer; the setting lives in the file.
            Scalar(connection, "PRAGMA journal_mode = WAL;");
            using var transaction = connection.BeginTransaction(deferred: false);
            var applicationId = Convert.ToInt32(Scalar(connection, "PRAGMA application_id;", transaction), System.Globalization.CultureInfo.InvariantCulture);
            var version = Convert.ToInt32(Scalar(connection, "PRAGMA user_version;", transaction), System.Globalization.CultureInfo.InvariantCulture);
            var tables = Convert.ToInt64(Scalar(connection, "SELECT count(*) FROM sqlite_schema;", transaction), System.Globalization.CultureInfo.InvariantCulture);
            if (applicationId == 0 && tables == 0)
            {
                Execute(connection, $"PRAGMA application_id = {ApplicationId};", transaction);
            }
            else if (applicationId != ApplicationId)
            {
                throw new CheckoutStoreException(
                    $"The SQLite file {source} is not a StripeTerminalKit checkout database (it holds other data). Point UseSqliteStore at a file of its own; this one was left untouched.");
            }

            if (version > Version)
            {
                throw new CheckoutStoreException(
                    $"The checkout database {source} has schema version {version}, written by a later version of StripeTerminalKit; this one knows versions up to {Version}. Upgrade the library; the file was left untouched.");
            }

            for (var next = version + 1; next <= Version; next++)
            {
                Execute(connection, Migrations[next - 1], transaction);
                Execute(connection, $"PRAGMA user_version = {next};", transaction);
            }

            transaction.Commit();
        }
        catch (SqliteException exception) when (exception.SqliteErrorCode is 26 /* SQLITE_NOTADB */ or 11 /* SQLITE_CORRUPT */)
        {
            throw new CheckoutStoreException($"The checkout database {source} is damaged or not an SQLite file ({exception.Message}). Restore it from a backup or move it aside; it was left untouched.", exception);
        }
    }

    private static object? Scalar(SqliteConnection connection, string sql, SqliteTransaction? transaction = null)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        return command.ExecuteScalar();
    }

    private static void Execute(SqliteConnection connection, string sql, SqliteTransaction transaction)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        command.ExecuteNonQuery();
    }
}
