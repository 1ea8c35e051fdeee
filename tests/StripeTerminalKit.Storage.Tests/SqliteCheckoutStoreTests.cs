using Microsoft.Data.Sqlite;
using StripeTerminalKit.Checkout;
using StripeTerminalKit.Storage.Sqlite;

namespace StripeTerminalKit.Storage.Tests;

public sealed class SqliteCheckoutStoreTests : CheckoutStoreContract, IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "stk-sqlite-" + Guid.NewGuid().ToString("N"));

    protected override async Task<ICheckoutStore> CreateStoreAsync(TimeProvider time)
    {
        var store = new SqliteCheckoutStore(new SqliteCheckoutStoreOptions { Path = NewFile() }, time);
        await store.InitializeAsync();
        return store;
    }

    private string NewFile() => Path.Combine(_folder, Guid.NewGuid().ToString("N"), "checkouts.db");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    [Fact]
    public async Task Checkouts_survive_a_new_store_on_the_same_file()
    {
        var path = NewFile();
        var first = new SqliteCheckoutStore(new SqliteCheckoutStoreOptions { Path = path });
        await first.SaveAsync(Record("order-1", 1, owner: "till-1"), 0);
        Assert.True(await first.TryClaimReaderAsync("tmr_1", "order-1"));

        var second = new SqliteCheckoutStore(new SqliteCheckoutStoreOptions { ConnectionString = $"Data Source={path}" });

        Assert.Equal("till-1", (await second.LoadAsync("order-1"))!.Owner);
        Assert.Equal("order-1", await second.GetReaderHolderAsync("tmr_1"));
        await Assert.ThrowsAsync<CheckoutConcurrencyException>(async () => await second.SaveAsync(Record("order-1", 1), 0));
    }

    [Fact]
    public async Task The_file_is_in_wal_mode_fsyncs_every_commit_and_says_what_it_is()
    {
        var path = NewFile();
        var store = new SqliteCheckoutStore(new SqliteCheckoutStoreOptions { Path = path });
        await store.InitializeAsync();

        using var connection = new SqliteConnection($"Data Source={path}");
        connection.Open();
        Assert.Equal("wal", Scalar(connection, "PRAGMA journal_mode;"));
        Assert.Equal((long)SqliteSchema.ApplicationId, Scalar(connection, "PRAGMA application_id;"));
        Assert.Equal((long)SqliteSchema.Version, Scalar(connection, "PRAGMA user_version;"));
    }

    [Fact]
    public async Task Stores_starting_at_once_on_a_new_file_create_the_schema_once()
    {
        var path = NewFile();
        var stores = Enumerable.Range(0, 8).Select(_ => new SqliteCheckoutStore(new SqliteCheckoutStoreOptions { Path = path })).ToArray();

        await Task.WhenAll(stores.Select(s => Task.Run(() => s.InitializeAsync())));
        await Task.WhenAll(stores.Select((s, i) => Task.Run(async () => await s.SaveAsync(Record($"order-{i}", 1, reader: $"tmr_{i}"), 0))));

        var unfinished = 0;
        await foreach (var unused in stores[0].ListUnfinishedAsync())
        {
            unfinished++;
        }

        Assert.Equal(8, unfinished);
    }

    [Fact]
    public async Task A_file_of_another_application_is_refused_and_left_untouched()
    {
        var path = NewFile();
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            Execute(connection, "CREATE TABLE invoices (id INTEGER PRIMARY KEY, total INTEGER); INSERT INTO invoices VALUES (1, 4200);");
        }

        var error = await Assert.ThrowsAsync<CheckoutStoreException>(() => new SqliteCheckoutStore(new SqliteCheckoutStoreOptions { Path = path }).InitializeAsync());

        Assert.Contains("not a StripeTerminalKit checkout database", error.Message, StringComparison.Ordinal);
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        using var check = new SqliteConnection($"Data Source={path};Pooling=False");
        check.Open();
        Assert.Equal(4200L, Scalar(check, "SELECT total FROM invoices WHERE id = 1;"));
        Assert.Equal(0L, Scalar(check, "SELECT count(*) FROM sqlite_schema WHERE name = 'checkouts';"));
    }

    [Fact]
    public async Task A_file_of_schema_version_1_is_migrated_with_its_checkouts_kept_and_leases_work_after()
    {
        var path = NewFile();
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            // Version 1 as 0.2 shipped it, with one unfinished checkout.
            connection.Open();
            Execute(connection, $"""
                PRAGMA application_id = {SqliteSchema.ApplicationId};
                CREATE TABLE checkouts (checkout_id TEXT NOT NULL PRIMARY KEY, reader_id TEXT NOT NULL, owner TEXT NULL, state TEXT NOT NULL,
                    completed INTEGER NOT NULL, retired INTEGER NOT NULL, version INTEGER NOT NULL, updated_at INTEGER NOT NULL, document TEXT NOT NULL) STRICT;
                CREATE TABLE reader_claims (reader_id TEXT NOT NULL PRIMARY KEY, checkout_id TEXT NOT NULL) STRICT;
                INSERT INTO checkouts VALUES ('order-1', 'tmr_1', 'till-1', 'WaitingForCustomer', 0, 0, 3, 0, '{"{"}"v":2{"}"}');
                PRAGMA user_version = 1;
                """);
        }

        var store = new SqliteCheckoutStore(new SqliteCheckoutStoreOptions { Path = path }, Clock);
        var loaded = await store.LoadAsync("order-1");
        var taken = await store.TryTakeCheckoutAsync("order-1", "instance:a");

        Assert.Equal(("till-1", 3L, (string?)null), (loaded!.Owner, loaded.Version, loaded.LeaseHolder));
        Assert.Equal(("instance:a", 4L), (taken!.LeaseHolder, taken.Version));
        using var check = new SqliteConnection($"Data Source={path};Pooling=False");
        check.Open();
        Assert.Equal((long)SqliteSchema.Version, Scalar(check, "PRAGMA user_version;"));
    }

    [Fact]
    public async Task A_damaged_file_is_refused_and_left_untouched()
    {
        var path = NewFile();
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var garbage = Enumerable.Range(0, 8192).Select(i => (byte)((i * 31) + 7)).ToArray();
        await File.WriteAllBytesAsync(path, garbage);

        var error = await Assert.ThrowsAsync<CheckoutStoreException>(() => new SqliteCheckoutStore(new SqliteCheckoutStoreOptions { Path = path }).InitializeAsync());

        Assert.Contains("damaged or not an SQLite file", error.Message, StringComparison.Ordinal);
        Assert.Equal(garbage, await File.ReadAllBytesAsync(path));
    }

    [Fact]
    public async Task A_schema_from_a_later_version_is_refused_and_its_checkouts_kept()
    {
        var path = NewFile();
        var store = new SqliteCheckoutStore(new SqliteCheckoutStoreOptions { Path = path });
        await store.SaveAsync(Record("order-1", 1), 0);
        SqliteConnection.ClearAllPools();
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            Execute(connection, $"PRAGMA user_version = {SqliteSchema.Version + 1};");
        }

        var error = await Assert.ThrowsAsync<CheckoutStoreException>(() => new SqliteCheckoutStore(new SqliteCheckoutStoreOptions { Path = path }).InitializeAsync());

        Assert.Contains("later version of StripeTerminalKit", error.Message, StringComparison.Ordinal);
        using var check = new SqliteConnection($"Data Source={path};Pooling=False");
        check.Open();
        Assert.Equal(1L, Scalar(check, "SELECT count(*) FROM checkouts;"));
    }

    [Fact]
    public async Task A_path_that_cannot_be_opened_is_refused_with_its_name()
    {
        var blocker = NewFile();
        Directory.CreateDirectory(Path.GetDirectoryName(blocker)!);
        await File.WriteAllTextAsync(blocker, "a file where a folder should be");
        var path = Path.Combine(blocker, "checkouts.db");

        var error = await Assert.ThrowsAsync<CheckoutStoreException>(() => new SqliteCheckoutStore(new SqliteCheckoutStoreOptions { Path = path }).InitializeAsync());

        Assert.Contains(blocker, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("", "")]
    [InlineData(null, "Data Source=:memory:")]
    [InlineData(null, "Data Source=x.db;Mode=Memory")]
    public void A_store_without_a_file_is_refused(string? path, string? connectionString) =>
        Assert.Throws<ArgumentException>(() => new SqliteCheckoutStore(new SqliteCheckoutStoreOptions { Path = path, ConnectionString = connectionString }));

    private static object? Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
