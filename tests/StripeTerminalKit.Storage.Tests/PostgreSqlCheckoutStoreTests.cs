using Npgsql;
using StripeTerminalKit.Checkout;
using StripeTerminalKit.Storage.PostgreSql;

namespace StripeTerminalKit.Storage.Tests;

/// <summary>
/// The contract on a real PostgreSQL (started by .ci/run; its connection string in
/// STK_POSTGRES_CONNECTION), each test in a schema of its own, dropped afterwards.
/// </summary>
public sealed class PostgreSqlCheckoutStoreTests(Xunit.Abstractions.ITestOutputHelper output) : CheckoutStoreContract, IAsyncLifetime
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

    [Fact]
    public async Task Store_operations_take_milliseconds_the_figures_in_the_docs()
    {
        const int Checkouts = 200;
        var store = NewStore(NewSchema());
        await store.InitializeAsync();
        await store.TryAcquireLeaseAsync("instance:a", "a", TimeSpan.FromSeconds(10));
        var document = new string('x', 1800); // about a real v2 document's size
        var saves = new List<double>();
        var loads = new List<double>();
        var takes = new List<double>();
        for (var i = 0; i < Checkouts; i++)
        {
            var id = $"order-{i}";
            var clock = System.Diagnostics.Stopwatch.StartNew();
            await store.SaveAsync(Record(id, 1, document: document, reader: $"tmr_{i}") with { LeaseHolder = "instance:a" }, 0);
            saves.Add(clock.Elapsed.TotalMilliseconds);
            for (var v = 1; v < 5; v++)
            {
                clock.Restart();
                await store.SaveAsync(Record(id, v + 1, document: document, reader: $"tmr_{i}"), v);
                saves.Add(clock.Elapsed.TotalMilliseconds);
            }

            clock.Restart();
            Assert.NotNull(await store.LoadAsync(id));
            loads.Add(clock.Elapsed.TotalMilliseconds);
            clock.Restart();
            Assert.NotNull(await store.TryTakeCheckoutAsync(id, "instance:a"));
            takes.Add(clock.Elapsed.TotalMilliseconds);
        }

        output.WriteLine($"PostgreSQL store on loopback: save p50 {P(saves, 50):F2} ms p99 {P(saves, 99):F2} ms; load p50 {P(loads, 50):F2} ms p99 {P(loads, 99):F2} ms; take p50 {P(takes, 50):F2} ms p99 {P(takes, 99):F2} ms ({saves.Count} saves)");
        Assert.True(P(saves, 50) < 100, "a save should take milliseconds on loopback");
    }

    private static double P(List<double> values, int percentile)
    {
        var sorted = values.Order().ToArray();
        return sorted[Math.Max(0, (sorted.Length * percentile / 100) - 1)];
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
