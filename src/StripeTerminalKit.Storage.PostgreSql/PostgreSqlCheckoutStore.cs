using System.Runtime.CompilerServices;
using Npgsql;
using NpgsqlTypes;
using StripeTerminalKit.Checkout;

namespace StripeTerminalKit.Storage.PostgreSql;

/// <summary>
/// The <see cref="ICheckoutStore"/> for a farm: several server instances on one PostgreSQL
/// database. Saves are compare-and-set on the checkout's version; reader claims, leases and
/// takes are single statements, so two instances can never both win; lease expiry is measured by
/// the database's clock (one clock for the whole farm). A committed save is durable (PostgreSQL's
/// WAL, <c>synchronous_commit</c> as the server has it) before the Stripe call it guards is sent.
/// </summary>
/// <remarks>
/// The tables are created or migrated on first use (or at host start-up with
/// <c>UsePostgreSqlStore</c>) under an advisory lock; a newer schema is refused with a
/// <see cref="CheckoutStoreException"/> and left untouched. The connection string is never logged
/// or put in a message: errors name the host, port and database only.
/// </remarks>
public sealed class PostgreSqlCheckoutStore : ICheckoutStore, IAsyncDisposable
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly string _schema;
    private readonly string _s;
    private readonly TimeProvider? _time;
    private readonly SemaphoreSlim _initGate = new(1, 1);
    private volatile bool _initialized;

    /// <summary>Creates the store; nothing is opened until <see cref="InitializeAsync"/> or the first operation.</summary>
    /// <param name="options">The connection string and schema.</param>
    /// <exception cref="ArgumentException">No connection string, or a schema name that is not a plain identifier.</exception>
    public PostgreSqlCheckoutStore(PostgreSqlCheckoutStoreOptions options)
        : this(options, null)
    {
    }

    /// <summary>
    /// A store whose leases are measured by <paramref name="time"/> instead of the database's
    /// clock (tests on a fake clock); null uses the database's clock.
    /// </summary>
    internal PostgreSqlCheckoutStore(PostgreSqlCheckoutStoreOptions options, TimeProvider? time)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            throw new ArgumentException("Give the PostgreSQL checkout store a ConnectionString (Host=…;Database=…;Username=…;Password=…).", nameof(options));
        }

        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(options.ConnectionString);
        }
        catch (ArgumentException)
        {
            // The message of the parser's exception may quote the string, password included.
            throw new ArgumentException("The PostgreSQL checkout store's ConnectionString is not a valid Npgsql connection string.", nameof(options));
        }

        _schema = options.Schema;
        _s = PostgreSqlSchema.Quote(options.Schema);
        _time = time;
        Source = $"PostgreSQL database '{builder.Database ?? builder.Username}' on {builder.Host}:{builder.Port}, schema {options.Schema}";
        _dataSource = new NpgsqlDataSourceBuilder(builder.ConnectionString) { Name = "stripe-terminal-kit" }.Build();
    }

    /// <summary>Where the checkouts are, for messages: host, port, database and schema (never the password).</summary>
    public string Source { get; }

    internal NpgsqlDataSource DataSource => _dataSource;

    internal string QuotedSchema => _s;

    /// <summary>
    /// Creates or migrates the tables. Safe to call from several instances at once (an advisory
    /// lock serialises them); later calls return at once.
    /// </summary>
    /// <exception cref="CheckoutStoreException">The database cannot be reached or refuses the login, or holds a newer schema.</exception>
    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        if (_initialized)
        {
            return;
        }

        await _initGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_initialized)
            {
                await PostgreSqlSchema.MigrateAsync(_dataSource, _schema, Source, cancellationToken).ConfigureAwait(false);
                _initialized = true;
            }
        }
        catch (Exception exception) when (exception is NpgsqlException or System.Net.Sockets.SocketException or TimeoutException)
        {
            throw new CheckoutStoreException($"The checkout store ({Source}) cannot be opened: {Describe(exception)}. Check the connection string, the server and the login.", exception);
        }
        finally
        {
            _initGate.Release();
        }
    }

    /// <inheritdoc />
    public async ValueTask<CheckoutRecord?> LoadAsync(string checkoutId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(checkoutId);
        using var command = await CommandAsync($"SELECT {Columns} FROM {_s}.checkouts WHERE checkout_id = @id;", cancellationToken).ConfigureAwait(false);
        command.Parameters.AddWithValue("id", checkoutId);
        return await ReadOneAsync(command, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask SaveAsync(CheckoutRecord record, long replacesVersion, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);

        // The lease column is the store's to keep: an update leaves it; a take changes it.
        var sql = replacesVersion == 0
            ? $"""
              INSERT INTO {_s}.checkouts (checkout_id, reader_id, owner, state, completed, retired, version, updated_at, document, lease_holder)
              VALUES (@id, @reader, @owner, @state, @completed, @retired, @version, @updated, @document, @lease)
              ON CONFLICT (checkout_id) DO NOTHING;
              """
            : $"""
              UPDATE {_s}.checkouts SET reader_id = @reader, owner = @owner, state = @state, completed = @completed, retired = @retired,
                  version = @version, updated_at = @updated, document = @document
              WHERE checkout_id = @id AND version = @expected;
              """;
        using var command = await CommandAsync(sql, cancellationToken).ConfigureAwait(false);
        command.Parameters.AddWithValue("id", record.CheckoutId);
        command.Parameters.AddWithValue("reader", record.ReaderId);
        command.Parameters.Add(new NpgsqlParameter("owner", NpgsqlDbType.Text) { Value = (object?)record.Owner ?? DBNull.Value });
        command.Parameters.AddWithValue("state", StateName(record.State));
        command.Parameters.AddWithValue("completed", record.Completed);
        command.Parameters.AddWithValue("retired", record.IsRetired);
        command.Parameters.AddWithValue("version", record.Version);
        command.Parameters.AddWithValue("updated", record.UpdatedAt.UtcTicks);
        command.Parameters.AddWithValue("document", record.StateJson);
        command.Parameters.Add(new NpgsqlParameter("lease", NpgsqlDbType.Text) { Value = (object?)record.LeaseHolder ?? DBNull.Value });
        command.Parameters.AddWithValue("expected", replacesVersion);
        if (await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1)
        {
            return;
        }

        var held = await LoadAsync(record.CheckoutId, cancellationToken).ConfigureAwait(false);
        throw CheckoutConcurrencyException.For(record.CheckoutId, replacesVersion, held?.Version ?? 0);
    }

    /// <inheritdoc />
    public IAsyncEnumerable<CheckoutRecord> ListUnfinishedAsync(CancellationToken cancellationToken = default) =>
        QueryAsync("NOT completed", null, cancellationToken);

    /// <inheritdoc />
    public IAsyncEnumerable<CheckoutRecord> ListByStateAsync(CheckoutState state, CancellationToken cancellationToken = default) =>
        QueryAsync("state = @state", StateName(state), cancellationToken);

    /// <inheritdoc />
    public async ValueTask<bool> TryClaimReaderAsync(string readerId, string checkoutId, CancellationToken cancellationToken = default)
    {
        // Free, already ours, or held by a checkout that completed without releasing: one
        // statement; a racing insert waits on the row and re-checks the condition on what won.
        using var command = await CommandAsync(
            $"""
            INSERT INTO {_s}.reader_claims AS r (reader_id, checkout_id) VALUES (@reader, @checkout)
            ON CONFLICT (reader_id) DO UPDATE SET checkout_id = excluded.checkout_id
            WHERE r.checkout_id = excluded.checkout_id
               OR EXISTS (SELECT 1 FROM {_s}.checkouts c WHERE c.checkout_id = r.checkout_id AND c.completed);
            """,
            cancellationToken).ConfigureAwait(false);
        command.Parameters.AddWithValue("reader", readerId);
        command.Parameters.AddWithValue("checkout", checkoutId);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <inheritdoc />
    public async ValueTask ReleaseReaderAsync(string readerId, string checkoutId, CancellationToken cancellationToken = default)
    {
        using var command = await CommandAsync($"DELETE FROM {_s}.reader_claims WHERE reader_id = @reader AND checkout_id = @checkout;", cancellationToken).ConfigureAwait(false);
        command.Parameters.AddWithValue("reader", readerId);
        command.Parameters.AddWithValue("checkout", checkoutId);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<string?> GetReaderHolderAsync(string readerId, CancellationToken cancellationToken = default)
    {
        using var command = await CommandAsync($"SELECT checkout_id FROM {_s}.reader_claims WHERE reader_id = @reader;", cancellationToken).ConfigureAwait(false);
        command.Parameters.AddWithValue("reader", readerId);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
    }

    /// <inheritdoc />
    public async ValueTask<int> PurgeCompletedAsync(DateTimeOffset completedBefore, CancellationToken cancellationToken = default)
    {
        // A claim left by a purged checkout would otherwise block its reader for good.
        using var command = await CommandAsync(
            $"""
            WITH gone AS (DELETE FROM {_s}.checkouts WHERE retired AND updated_at < @before RETURNING checkout_id),
                 claims AS (DELETE FROM {_s}.reader_claims WHERE checkout_id IN (SELECT checkout_id FROM gone))
            SELECT count(*) FROM gone;
            """,
            cancellationToken).ConfigureAwait(false);
        command.Parameters.AddWithValue("before", completedBefore.UtcTicks);
        return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <inheritdoc />
    public async ValueTask<StoreLease?> TryAcquireLeaseAsync(string name, string holder, TimeSpan duration, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(holder);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(duration, TimeSpan.Zero);
        using var command = await CommandAsync(
            $"""
            INSERT INTO {_s}.leases AS l (name, holder, expires_at, version) VALUES (@name, @holder, {Now} + @duration, 1)
            ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at,
                version = l.version + CASE WHEN l.holder = excluded.holder THEN 0 ELSE 1 END
            WHERE l.holder = excluded.holder OR l.expires_at <= {Now}
            RETURNING name, holder, expires_at, version;
            """,
            cancellationToken).ConfigureAwait(false);
        command.Parameters.AddWithValue("name", name);
        command.Parameters.AddWithValue("holder", holder);
        command.Parameters.AddWithValue("duration", duration);
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? ReadLease(reader) : null;
    }

    /// <inheritdoc />
    public async ValueTask ReleaseLeaseAsync(string name, string holder, CancellationToken cancellationToken = default)
    {
        using var command = await CommandAsync($"UPDATE {_s}.leases SET expires_at = {Now} WHERE name = @name AND holder = @holder AND expires_at > {Now};", cancellationToken).ConfigureAwait(false);
        command.Parameters.AddWithValue("name", name);
        command.Parameters.AddWithValue("holder", holder);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<StoreLease> ListLeasesAsync(string namePrefix, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(namePrefix);
        using var command = await CommandAsync($"SELECT name, holder, expires_at, version FROM {_s}.leases WHERE expires_at > {Now} AND starts_with(name, @prefix) ORDER BY name;", cancellationToken).ConfigureAwait(false);
        command.Parameters.AddWithValue("prefix", namePrefix);
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return ReadLease(reader);
        }
    }

    /// <inheritdoc />
    public async ValueTask<CheckoutRecord?> TryTakeCheckoutAsync(string checkoutId, string leaseName, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(leaseName);

        // Taken when nobody holds it or its holder's lease is not live; a racing take waits on the
        // row lock and re-checks the condition against the winner, whose lease is live.
        using var command = await CommandAsync(
            $"""
            WITH taken AS (
                UPDATE {_s}.checkouts c SET lease_holder = @lease, version = c.version + 1
                WHERE c.checkout_id = @id AND c.lease_holder IS DISTINCT FROM @lease
                  AND (c.lease_holder IS NULL
                       OR NOT EXISTS (SELECT 1 FROM {_s}.leases l WHERE l.name = c.lease_holder AND l.expires_at > {Now}))
                RETURNING {Columns})
            SELECT {Columns} FROM taken
            UNION ALL
            SELECT {Columns} FROM {_s}.checkouts WHERE checkout_id = @id AND lease_holder = @lease AND NOT EXISTS (SELECT 1 FROM taken);
            """,
            cancellationToken).ConfigureAwait(false);
        command.Parameters.AddWithValue("id", checkoutId);
        command.Parameters.AddWithValue("lease", leaseName);
        return await ReadOneAsync(command, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask ReleaseCheckoutAsync(string checkoutId, string leaseName, CancellationToken cancellationToken = default)
    {
        using var command = await CommandAsync($"UPDATE {_s}.checkouts SET lease_holder = NULL WHERE checkout_id = @id AND lease_holder = @lease;", cancellationToken).ConfigureAwait(false);
        command.Parameters.AddWithValue("id", checkoutId);
        command.Parameters.AddWithValue("lease", leaseName);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Closes the store's connections.</summary>
    public async ValueTask DisposeAsync()
    {
        await _dataSource.DisposeAsync().ConfigureAwait(false);
        _initGate.Dispose();
    }

    private const string Columns = "checkout_id, reader_id, owner, state, completed, version, updated_at, document, lease_holder";

    // The farm's one clock: the database's, unless a test brings its own (@now).
    private const string Now = "coalesce(@now, statement_timestamp())";

    internal async Task<NpgsqlCommand> CommandAsync(string sql, CancellationToken cancellationToken)
    {
        await InitializeAsync(cancellationToken).ConfigureAwait(false);
        var command = _dataSource.CreateCommand(sql);
        if (sql.Contains("@now", StringComparison.Ordinal))
        {
            command.Parameters.Add(new NpgsqlParameter("now", NpgsqlDbType.TimestampTz) { Value = _time is null ? DBNull.Value : _time.GetUtcNow().UtcDateTime });
        }

        return command;
    }

    private async IAsyncEnumerable<CheckoutRecord> QueryAsync(string where, string? state, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var command = await CommandAsync($"SELECT {Columns} FROM {_s}.checkouts WHERE {where} ORDER BY updated_at;", cancellationToken).ConfigureAwait(false);
        if (state is not null)
        {
            command.Parameters.AddWithValue("state", state);
        }

        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return Read(reader);
        }
    }

    private static async Task<CheckoutRecord?> ReadOneAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? Read(reader) : null;
    }

    private static CheckoutRecord Read(NpgsqlDataReader reader) =>
        new(
            reader.GetString(0),
            reader.GetString(1),
            ParseState(reader.GetString(3)),
            reader.GetBoolean(4),
            reader.GetString(7),
            reader.GetInt64(5),
            new DateTimeOffset(reader.GetInt64(6), TimeSpan.Zero))
        {
            Owner = reader.IsDBNull(2) ? null : reader.GetString(2),
            LeaseHolder = reader.IsDBNull(8) ? null : reader.GetString(8),
        };

    private static StoreLease ReadLease(NpgsqlDataReader reader) =>
        new(reader.GetString(0), reader.GetString(1), new DateTimeOffset(reader.GetDateTime(2), TimeSpan.Zero), reader.GetInt64(3));

    // States by name, never by number: the table must read the same after the enum is reordered.
    private static string StateName(CheckoutState state) => state.ToString();

    private static CheckoutState ParseState(string name) =>
        Enum.TryParse<CheckoutState>(name, ignoreCase: false, out var state)
            ? state
            : throw new CheckoutDocumentException($"The checkout database holds a state '{name}' this library does not know.");

    // Npgsql's messages name the server and the failure (authentication, refused) but never the password.
    private static string Describe(Exception exception) => exception is PostgresException postgres ? $"{postgres.SqlState} {postgres.MessageText}" : exception.Message;
}
