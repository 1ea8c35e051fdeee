using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using StripeTerminalKit.Checkout;

namespace StripeTerminalKit.Storage.Sqlite;

/// <summary>
/// The embedded durable <see cref="ICheckoutStore"/> for one machine: one SQLite file in WAL mode
/// with <c>synchronous = FULL</c>, so a save has reached the disk (fsync) before it returns and
/// before the Stripe call it guards is sent. Saves are compare-and-set on the checkout's version;
/// reader claims are one atomic statement; several processes may share the file.
/// </summary>
/// <remarks>
/// The schema is created or migrated on first use (or at host start-up with <c>UseSqliteStore</c>);
/// a foreign file, a damaged one or a newer schema is refused with a <see cref="CheckoutStoreException"/>
/// naming the file, and left untouched.
/// </remarks>
public sealed class SqliteCheckoutStore : ICheckoutStore
{
    private readonly string _connectionString;
    private readonly string _source;
    private readonly Lock _initLock = new();
    private readonly TimeProvider _time;
    private volatile bool _initialized;

    /// <summary>Creates the store; nothing is opened until <see cref="InitializeAsync"/> or the first operation.</summary>
    /// <param name="options">Where the file is.</param>
    /// <exception cref="ArgumentException">Neither a path nor a connection string is given.</exception>
    public SqliteCheckoutStore(SqliteCheckoutStoreOptions options)
        : this(options, TimeProvider.System)
    {
    }

    /// <summary>Creates the store, its leases measured by <paramref name="timeProvider"/>'s clock.</summary>
    /// <param name="options">Where the file is.</param>
    /// <param name="timeProvider">The clock leases are measured by (every process sharing the file reads the same machine clock).</param>
    /// <exception cref="ArgumentException">Neither a path nor a connection string is given.</exception>
    public SqliteCheckoutStore(SqliteCheckoutStoreOptions options, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _time = timeProvider;
        SqliteConnectionStringBuilder builder;
        if (!string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            builder = new SqliteConnectionStringBuilder(options.ConnectionString);
        }
        else if (!string.IsNullOrWhiteSpace(options.Path))
        {
            builder = new SqliteConnectionStringBuilder { DataSource = options.Path };
        }
        else
        {
            throw new ArgumentException("Give the SQLite checkout store a Path (e.g. data/checkouts.db) or a ConnectionString.", nameof(options));
        }

        if (string.IsNullOrWhiteSpace(builder.DataSource) || builder.DataSource == ":memory:" || builder.Mode == SqliteOpenMode.Memory)
        {
            throw new ArgumentException("The SQLite checkout store needs a file: an in-memory database would lose every checkout at restart (use InMemoryCheckoutStore for that).", nameof(options));
        }

        builder.Mode = builder.Mode == SqliteOpenMode.ReadOnly ? SqliteOpenMode.ReadOnly : SqliteOpenMode.ReadWriteCreate;
        builder.Pooling = true;
        builder.DefaultTimeout = Math.Max(1, (int)options.BusyTimeout.TotalSeconds);
        _connectionString = builder.ToString();
        _source = System.IO.Path.GetFullPath(builder.DataSource);
    }

    /// <summary>The database file's full path.</summary>
    public string DatabasePath => _source;

    /// <summary>
    /// Opens the file, creating it and its folder if missing, and creates or migrates the schema.
    /// Safe to call from several processes at once; later calls return at once.
    /// </summary>
    /// <exception cref="CheckoutStoreException">The file cannot be opened, is not a checkout database, is damaged, or has a newer schema.</exception>
    public Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();

        // SQLite's work is synchronous; the lock keeps one migration per process (BEGIN IMMEDIATE
        // keeps one across processes).
        lock (_initLock)
        {
            if (!_initialized)
            {
                Initialize();
                _initialized = true;
            }
        }

        return Task.CompletedTask;
    }

    private void Initialize()
    {
        try
        {
            var folder = System.IO.Path.GetDirectoryName(_source);
            if (!string.IsNullOrEmpty(folder))
            {
                Directory.CreateDirectory(folder);
            }
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new CheckoutStoreException($"The folder of the checkout database {_source} cannot be created: {exception.Message}", exception);
        }

        try
        {
            using var connection = new SqliteConnection(_connectionString);
            connection.Open();
            SqliteSchema.Migrate(connection, _source);
        }
        catch (SqliteException exception) when (exception.SqliteErrorCode is 14 /* SQLITE_CANTOPEN */ or 8 /* SQLITE_READONLY */ or 23 /* SQLITE_AUTH */)
        {
            throw new CheckoutStoreException($"The checkout database {_source} cannot be opened for writing ({exception.Message}). Check the path and its permissions.", exception);
        }
    }

    /// <inheritdoc />
    public async ValueTask<CheckoutRecord?> LoadAsync(string checkoutId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(checkoutId);
        using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM checkouts WHERE checkout_id = $id;";
        command.Parameters.AddWithValue("$id", checkoutId);
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? Read(reader) : null;
    }

    /// <inheritdoc />
    public async ValueTask SaveAsync(CheckoutRecord record, long replacesVersion, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        using var command = connection.CreateCommand();
        command.CommandText = replacesVersion == 0
            ? """
              INSERT INTO checkouts (checkout_id, reader_id, owner, state, completed, retired, version, updated_at, document, lease_holder)
              VALUES ($id, $reader, $owner, $state, $completed, $retired, $version, $updated, $document, $lease)
              ON CONFLICT (checkout_id) DO NOTHING;
              """
            : """
              UPDATE checkouts SET reader_id = $reader, owner = $owner, state = $state, completed = $completed, retired = $retired,
                  version = $version, updated_at = $updated, document = $document
              WHERE checkout_id = $id AND version = $expected;
              """;
        command.Parameters.AddWithValue("$id", record.CheckoutId);
        command.Parameters.AddWithValue("$reader", record.ReaderId);
        command.Parameters.AddWithValue("$owner", (object?)record.Owner ?? DBNull.Value);
        command.Parameters.AddWithValue("$state", StateName(record.State));
        command.Parameters.AddWithValue("$completed", record.Completed ? 1 : 0);
        command.Parameters.AddWithValue("$retired", record.IsRetired ? 1 : 0);
        command.Parameters.AddWithValue("$version", record.Version);
        command.Parameters.AddWithValue("$updated", record.UpdatedAt.UtcTicks);
        command.Parameters.AddWithValue("$document", record.StateJson);
        command.Parameters.AddWithValue("$expected", replacesVersion);
        command.Parameters.AddWithValue("$lease", (object?)record.LeaseHolder ?? DBNull.Value);

        // One statement, one implicit transaction: with synchronous = FULL it is on disk when this returns.
        if (await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1)
        {
            return;
        }

        var held = await LoadAsync(record.CheckoutId, cancellationToken).ConfigureAwait(false);
        throw CheckoutConcurrencyException.For(record.CheckoutId, replacesVersion, held?.Version ?? 0);
    }

    /// <inheritdoc />
    public IAsyncEnumerable<CheckoutRecord> ListUnfinishedAsync(CancellationToken cancellationToken = default) =>
        QueryAsync("completed = 0", null, cancellationToken);

    /// <inheritdoc />
    public IAsyncEnumerable<CheckoutRecord> ListByStateAsync(CheckoutState state, CancellationToken cancellationToken = default) =>
        QueryAsync("state = $state", StateName(state), cancellationToken);

    /// <inheritdoc />
    public async ValueTask<bool> TryClaimReaderAsync(string readerId, string checkoutId, CancellationToken cancellationToken = default)
    {
        using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        using var command = connection.CreateCommand();

        // Free, already ours, or held by a checkout that completed without releasing (a crash
        // between the two): one statement, so two processes can never both win.
        command.CommandText = """
            INSERT INTO reader_claims (reader_id, checkout_id) VALUES ($reader, $checkout)
            ON CONFLICT (reader_id) DO UPDATE SET checkout_id = excluded.checkout_id
            WHERE reader_claims.checkout_id = excluded.checkout_id
               OR EXISTS (SELECT 1 FROM checkouts c WHERE c.checkout_id = reader_claims.checkout_id AND c.completed = 1);
            """;
        command.Parameters.AddWithValue("$reader", readerId);
        command.Parameters.AddWithValue("$checkout", checkoutId);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <inheritdoc />
    public async ValueTask ReleaseReaderAsync(string readerId, string checkoutId, CancellationToken cancellationToken = default)
    {
        using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM reader_claims WHERE reader_id = $reader AND checkout_id = $checkout;";
        command.Parameters.AddWithValue("$reader", readerId);
        command.Parameters.AddWithValue("$checkout", checkoutId);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<string?> GetReaderHolderAsync(string readerId, CancellationToken cancellationToken = default)
    {
        using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT checkout_id FROM reader_claims WHERE reader_id = $reader;";
        command.Parameters.AddWithValue("$reader", readerId);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
    }

    /// <inheritdoc />
    public async ValueTask<int> PurgeCompletedAsync(DateTimeOffset completedBefore, CancellationToken cancellationToken = default)
    {
        using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        using var transaction = connection.BeginTransaction();
        using var command = connection.CreateCommand();
        command.Transaction = transaction;

        // A claim left by a purged checkout would otherwise block its reader for good.
        command.CommandText = """
            DELETE FROM reader_claims WHERE checkout_id IN (SELECT checkout_id FROM checkouts WHERE retired = 1 AND updated_at < $before);
            DELETE FROM checkouts WHERE retired = 1 AND updated_at < $before;
            """;
        command.Parameters.AddWithValue("$before", completedBefore.UtcTicks);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        using var count = connection.CreateCommand();
        count.Transaction = transaction;
        count.CommandText = "SELECT changes();";
        var removed = Convert.ToInt32(await count.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
        transaction.Commit();
        return removed;
    }

    /// <inheritdoc />
    public async ValueTask<StoreLease?> TryAcquireLeaseAsync(string name, string holder, TimeSpan duration, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(holder);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(duration, TimeSpan.Zero);
        using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO leases (name, holder, expires_at, version) VALUES ($name, $holder, $expires, 1)
            ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at,
                version = leases.version + CASE WHEN leases.holder = excluded.holder THEN 0 ELSE 1 END
            WHERE leases.holder = excluded.holder OR leases.expires_at <= $now
            RETURNING name, holder, expires_at, version;
            """;
        var now = _time.GetUtcNow();
        command.Parameters.AddWithValue("$name", name);
        command.Parameters.AddWithValue("$holder", holder);
        command.Parameters.AddWithValue("$expires", (now + duration).UtcTicks);
        command.Parameters.AddWithValue("$now", now.UtcTicks);
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
            ? new StoreLease(reader.GetString(0), reader.GetString(1), new DateTimeOffset(reader.GetInt64(2), TimeSpan.Zero), reader.GetInt64(3))
            : null;
    }

    /// <inheritdoc />
    public async ValueTask ReleaseLeaseAsync(string name, string holder, CancellationToken cancellationToken = default)
    {
        using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        using var command = connection.CreateCommand();
        command.CommandText = "UPDATE leases SET expires_at = $now WHERE name = $name AND holder = $holder AND expires_at > $now;";
        command.Parameters.AddWithValue("$name", name);
        command.Parameters.AddWithValue("$holder", holder);
        command.Parameters.AddWithValue("$now", _time.GetUtcNow().UtcTicks);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<StoreLease> ListLeasesAsync(string namePrefix, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(namePrefix);
        using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT name, holder, expires_at, version FROM leases WHERE expires_at > $now AND substr(name, 1, length($prefix)) = $prefix ORDER BY name;";
        command.Parameters.AddWithValue("$now", _time.GetUtcNow().UtcTicks);
        command.Parameters.AddWithValue("$prefix", namePrefix);
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return new StoreLease(reader.GetString(0), reader.GetString(1), new DateTimeOffset(reader.GetInt64(2), TimeSpan.Zero), reader.GetInt64(3));
        }
    }

    /// <inheritdoc />
    public async ValueTask<CheckoutRecord?> TryTakeCheckoutAsync(string checkoutId, string leaseName, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(leaseName);
        using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        using var command = connection.CreateCommand();

        // One statement (SQLite writes one at a time): taken when free or its holder's lease is not live.
        command.CommandText = """
            UPDATE checkouts SET lease_holder = $lease, version = version + 1
            WHERE checkout_id = $id AND lease_holder IS NOT $lease
              AND (lease_holder IS NULL
                   OR NOT EXISTS (SELECT 1 FROM leases l WHERE l.name = checkouts.lease_holder AND l.expires_at > $now));
            """;
        command.Parameters.AddWithValue("$id", checkoutId);
        command.Parameters.AddWithValue("$lease", leaseName);
        command.Parameters.AddWithValue("$now", _time.GetUtcNow().UtcTicks);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        var record = await LoadAsync(checkoutId, cancellationToken).ConfigureAwait(false);
        return record?.LeaseHolder == leaseName ? record : null;
    }

    /// <inheritdoc />
    public async ValueTask ReleaseCheckoutAsync(string checkoutId, string leaseName, CancellationToken cancellationToken = default)
    {
        using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        using var command = connection.CreateCommand();
        command.CommandText = "UPDATE checkouts SET lease_holder = NULL WHERE checkout_id = $id AND lease_holder = $lease;";
        command.Parameters.AddWithValue("$id", checkoutId);
        command.Parameters.AddWithValue("$lease", leaseName);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private const string Columns = "checkout_id, reader_id, owner, state, completed, version, updated_at, document, lease_holder";

    private async IAsyncEnumerable<CheckoutRecord> QueryAsync(string where, string? state, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM checkouts WHERE {where} ORDER BY updated_at;";
        if (state is not null)
        {
            command.Parameters.AddWithValue("$state", state);
        }

        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return Read(reader);
        }
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        await InitializeAsync(cancellationToken).ConfigureAwait(false);
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);

            // FULL: in WAL mode each commit is fsync'd before it returns (NORMAL would leave the
            // last commits to a later checkpoint, and a power cut could lose a saved checkout).
            using var pragma = connection.CreateCommand();
            pragma.CommandText = "PRAGMA synchronous = FULL;";
            await pragma.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    private static CheckoutRecord Read(SqliteDataReader reader) =>
        new(
            reader.GetString(0),
            reader.GetString(1),
            ParseState(reader.GetString(3)),
            reader.GetInt64(4) != 0,
            reader.GetString(7),
            reader.GetInt64(5),
            new DateTimeOffset(reader.GetInt64(6), TimeSpan.Zero))
        {
            Owner = reader.IsDBNull(2) ? null : reader.GetString(2),
            LeaseHolder = reader.IsDBNull(8) ? null : reader.GetString(8),
        };

    // States by name, never by number: the table must read the same after the enum is reordered.
    private static string StateName(CheckoutState state) => state.ToString();

    private static CheckoutState ParseState(string name) =>
        Enum.TryParse<CheckoutState>(name, ignoreCase: false, out var state)
            ? state
            : throw new CheckoutDocumentException($"The checkout database holds a state '{name}' this library does not know.");
}
