using Npgsql;
using StripeTerminalKit.Checkout;

namespace StripeTerminalKit.Storage.PostgreSql;

/// <summary>
/// The store's tables and their migrations. The schema version lives in a table of its own;
/// migrations run in one transaction under a transaction-scoped advisory lock, so instances
/// starting at once take turns and the later ones find the work done. A newer version is refused
/// before anything is written.
/// </summary>
internal static class PostgreSqlSchema
{
    /// <summary>The schema version this library writes and reads.</summary>
    public const int Version = 2;

    // Migration N takes the schema from version N-1 to N. Never edit a shipped one: add the next.
    // {0} is the quoted schema name.
    private static readonly string[] Migrations =
    [
        """
        CREATE TABLE {0}.checkouts (
            checkout_id   text    NOT NULL PRIMARY KEY,
            reader_id     text    NOT NULL,
            owner         text    NULL,
            state         text    NOT NULL,
            completed     boolean NOT NULL,
            retired       boolean NOT NULL,
            version       bigint  NOT NULL,
            updated_at    bigint  NOT NULL,   -- UTC ticks: the record's own precision, not timestamptz's microseconds
            document      text    NOT NULL,
            lease_holder  text    NULL
        );
        CREATE INDEX checkouts_unfinished ON {0}.checkouts (checkout_id) WHERE NOT completed;
        CREATE INDEX checkouts_state ON {0}.checkouts (state);
        CREATE INDEX checkouts_retired ON {0}.checkouts (updated_at) WHERE retired;
        CREATE TABLE {0}.reader_claims (
            reader_id   text NOT NULL PRIMARY KEY,
            checkout_id text NOT NULL
        );
        CREATE TABLE {0}.leases (
            name        text        NOT NULL PRIMARY KEY,
            holder      text        NOT NULL,
            expires_at  timestamptz NOT NULL,
            version     bigint      NOT NULL
        );
        -- Verified webhooks, committed before the endpoint answers Stripe; NOTIFY tells the instances.
        CREATE TABLE {0}.webhook_inbox (
            id                 bigserial   NOT NULL PRIMARY KEY,
            event_id           text        NOT NULL UNIQUE,
            payment_intent_id  text        NOT NULL,
            received_by        text        NOT NULL,
            payload            bytea       NOT NULL,
            received_at        timestamptz NOT NULL DEFAULT statement_timestamp()
        );
        CREATE INDEX webhook_inbox_received_at ON {0}.webhook_inbox (received_at);
        """,
        """
        -- A form's events (collect_inputs) name no PaymentIntent: they are relayed too, with their reader.
        ALTER TABLE {0}.webhook_inbox ALTER COLUMN payment_intent_id DROP NOT NULL;
        ALTER TABLE {0}.webhook_inbox ADD COLUMN reader_id text NULL;
        """,
    ];

    /// <summary>The migrations in order (tests build an older schema from them).</summary>
    internal static IReadOnlyList<string> MigrationScripts => Migrations;

    public static async Task MigrateAsync(NpgsqlDataSource dataSource, string schema, string source, CancellationToken cancellationToken)
    {
        var quoted = Quote(schema);
        using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);

        // One migration at a time across the farm; released with the transaction.
        await ExecuteAsync(connection, transaction, "SELECT pg_advisory_xact_lock(hashtextextended(@key, 0));", cancellationToken, ("key", "stripe_terminal_kit:" + schema)).ConfigureAwait(false);
        await ExecuteAsync(connection, transaction, $"CREATE SCHEMA IF NOT EXISTS {quoted}; CREATE TABLE IF NOT EXISTS {quoted}.schema_version (version integer NOT NULL);", cancellationToken).ConfigureAwait(false);
        var found = await ScalarAsync(connection, transaction, $"SELECT max(version) FROM {quoted}.schema_version;", cancellationToken).ConfigureAwait(false);
        var version = found is int v ? v : 0;
        if (version > Version)
        {
            throw new CheckoutStoreException(
                $"The checkout tables in {source} have schema version {version}, written by a later version of StripeTerminalKit; this one knows versions up to {Version}. Upgrade the library; the tables were left untouched.");
        }

        for (var next = version + 1; next <= Version; next++)
        {
            await ExecuteAsync(connection, transaction, string.Format(System.Globalization.CultureInfo.InvariantCulture, Migrations[next - 1], quoted), cancellationToken).ConfigureAwait(false);
        }

        if (version < Version)
        {
            await ExecuteAsync(connection, transaction, $"DELETE FROM {quoted}.schema_version; INSERT INTO {quoted}.schema_version (version) VALUES ({Version});", cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Lower-case identifiers only: the name is written into SQL, so nothing else gets in.</summary>
    public static string Quote(string schema)
    {
        if (string.IsNullOrEmpty(schema) || schema.Length > 63 || !(schema[0] is >= 'a' and <= 'z' or '_') || !schema.All(c => c is >= 'a' and <= 'z' or >= '0' and <= '9' or '_'))
        {
            throw new ArgumentException($"The schema name '{schema}' is not valid: use 1 to 63 lower-case letters, digits and underscores, starting with a letter or underscore.", nameof(schema));
        }

        return "\"" + schema + "\"";
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        using var command = new NpgsqlCommand(sql, connection, transaction);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task<object?> ScalarAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        using var command = new NpgsqlCommand(sql, connection, transaction);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
    }
}
