using Npgsql;
using StripeTerminalKit.Checkout;
using StripeTerminalKit.Storage.PostgreSql;

namespace StripeTerminalKit.Storage.Tests;

/// <summary>
/// The contract on a real PostgreSQL (started by .ci/run; its connection string in
/// STK_POSTGRES_CONNECTION), each test in a schema of its own, dropped afterwards.
/// </summary>
public sealed class PostgreSqlCheckoutStoreTests : CheckoutStoreContract, IAsyncLifetime
{
    private readonly List<string> _schemas = [];
    private readonly List<PostgreSqlCheckoutStore> _stores = [];

    protected override async Task<ICheckoutStore> CreateStoreAsync(TimeProvider time)
    {
        var store = NewStore(NewSchema(), time);
        await store.InitializeAsync();
        return store;
    }

    private string NewSchema()
    {
        var schema = "stk_test_" + Guid.NewGuid().ToString("N")[..16];
        _schemas.Add(schema);
        return schema;
    }

    private PostgreSqlCheckoutStore NewStore(string schema, TimeProvider? time = null)
    {
        var store = new PostgreSqlCheckoutStore(new PostgreSqlCheckoutStoreOptions { ConnectionString = TestPostgres.ConnectionString, Schema = schema }, time);
        _stores.Add(store);
        return store;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var store in _stores)
        {
            await store.DisposeAsync();
        }

        if (_schemas.Count > 0)
        {
            await using var connection = new NpgsqlConnection(TestPostgres.ConnectionString);
            await connection.OpenAsync();
            foreach (var schema in _schemas)
            {
                await using var drop = new NpgsqlCommand($"DROP SCHEMA IF EXISTS \"{schema}\" CASCADE;", connection);
                await drop.ExecuteNonQueryAsync();
            }
        }
    }

    [Fact]
    public async Task Instances_starting_at_once_on_an_empty_database_create_the_tables_once()
    {
        var schema = NewSchema();
        var stores = Enumerable.Range(0, 8).Select(_ => NewStore(schema)).ToArray();

        await Task.WhenAll(stores.Select(s => Task.Run(() => s.InitializeAsync())));
        await Task.WhenAll(stores.Select((s, i) => Task.Run(async () => await s.SaveAsync(Record($"order-{i}", 1, reader: $"tmr_{i}"), 0))));

        var unfinished = 0;
        await foreach (var unused in stores[0].ListUnfinishedAsync())
        {
            unfinished++;
        }

        Assert.Equal(8, unfinished);
        Assert.Equal(PostgreSqlSchema.Version, await ScalarAsync<int>($"SELECT version FROM \"{schema}\".schema_version;"));
    }

    [Fact]
    public async Task Leases_are_measured_by_the_database_clock_when_no_clock_is_given()
    {
        var store = NewStore(NewSchema());
        var before = DateTimeOffset.UtcNow;

        var lease = await store.TryAcquireLeaseAsync("instance:web-1", "web-1", TimeSpan.FromSeconds(15));

        // The database's clock and this machine's are the same one here; a minute covers any drift.
        Assert.InRange(lease!.ExpiresAt, before.AddSeconds(14), before.AddSeconds(75));
    }

    [Fact]
    public async Task A_schema_from_a_later_version_is_refused_and_its_checkouts_kept()
    {
        var schema = NewSchema();
        var store = NewStore(schema);
        await store.SaveAsync(Record("order-1", 1), 0);
        await ExecuteAsync($"UPDATE \"{schema}\".schema_version SET version = {PostgreSqlSchema.Version + 1};");

        var error = await Assert.ThrowsAsync<CheckoutStoreException>(() => NewStore(schema).InitializeAsync());

        Assert.Contains("later version of StripeTerminalKit", error.Message, StringComparison.Ordinal);
        Assert.Contains(schema, error.Message, StringComparison.Ordinal);
        Assert.Equal(1L, await ScalarAsync<long>($"SELECT count(*) FROM \"{schema}\".checkouts;"));
    }

    [Fact]
    public async Task A_refused_login_names_the_server_and_never_the_password()
    {
        var builder = new NpgsqlConnectionStringBuilder(TestPostgres.ConnectionString) { Password = "not-the-password-4242", Timeout = 5 };
        var store = new PostgreSqlCheckoutStore(new PostgreSqlCheckoutStoreOptions { ConnectionString = builder.ConnectionString, Schema = NewSchema() });
        _stores.Add(store);

        var error = await Assert.ThrowsAsync<CheckoutStoreException>(() => store.InitializeAsync());

        Assert.Contains($"{builder.Host}:{builder.Port}", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-password-4242", error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-password-4242", store.Source, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, "stk")]
    [InlineData("Host=127.0.0.1", "Robert'); DROP TABLE students;--")]
    [InlineData("Host=127.0.0.1", "Upper")]
    public void A_store_without_a_connection_string_or_with_a_foreign_schema_name_is_refused(string? connectionString, string schema) =>
        Assert.Throws<ArgumentException>(() => new PostgreSqlCheckoutStore(new PostgreSqlCheckoutStoreOptions { ConnectionString = connectionString, Schema = schema }));

    private static async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(TestPostgres.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<T> ScalarAsync<T>(string sql)
    {
        await using var connection = new NpgsqlConnection(TestPostgres.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }
}
