using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using StripeTerminalKit.Storage.PostgreSql;
using StripeTerminalKit.Webhooks;
using Xunit.Abstractions;

namespace StripeTerminalKit.Storage.Tests;

/// <summary>
/// Webhooks reach the owning instance (farm issue, item 3): an event accepted by instance A is
/// committed to the inbox and handed to instance B's checkouts through LISTEN/NOTIFY within a
/// second; nothing is lost when B's connection drops meanwhile.
/// </summary>
public sealed class PostgreSqlWebhookInboxTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly string _schema = "stk_inbox_" + Guid.NewGuid().ToString("N")[..16];
    private readonly List<PostgreSqlCheckoutStore> _stores = [];
    private readonly List<PostgreSqlWebhookInbox> _inboxes = [];

    [Fact]
    public async Task An_event_accepted_by_one_instance_reaches_the_others_within_a_second_and_not_itself()
    {
        const int Events = 200;
        var (a, atA) = NewInstance("a");
        var (b, atB) = NewInstance("b");
        await StartAsync(a);
        await StartAsync(b);

        var latencies = new List<double>();
        for (var i = 0; i < Events; i++)
        {
            var clock = Stopwatch.StartNew();
            await a.HandleAsync(Event($"evt_{i}", $"pi_{i}"), default);
            var arrived = await atB.NextAsync($"evt_{i}").WaitAsync(TimeSpan.FromSeconds(10));
            latencies.Add(clock.Elapsed.TotalMilliseconds);
            Assert.Equal($"pi_{i}", arrived.PaymentIntentId);
        }

        // A duplicate delivery from Stripe is not relayed twice.
        await a.HandleAsync(Event("evt_0", "pi_0"), default);
        await a.HandleAsync(Event("evt_last", "pi_last"), default);
        await atB.NextAsync("evt_last").WaitAsync(TimeSpan.FromSeconds(10));

        latencies.Sort();
        var p50 = latencies[Events / 2];
        var p99 = latencies[(Events * 99 / 100) - 1];
        output.WriteLine($"webhook to owner over LISTEN/NOTIFY: p50 {p50:F2} ms, p99 {p99:F2} ms, max {latencies[^1]:F2} ms ({Events} events)");
        Assert.True(p99 < 1000, $"p99 {p99} ms");
        Assert.Equal(Events + 1, atB.Count);
        Assert.Equal(0, atA.Count);
    }

    [Fact]
    public async Task Events_accepted_while_an_instance_is_disconnected_reach_it_when_it_listens_again()
    {
        var (a, _) = NewInstance("a");
        var (b, atB) = NewInstance("b");
        await StartAsync(b);
        await a.HandleAsync(Event("evt_before", "pi_1"), default);
        await atB.NextAsync("evt_before").WaitAsync(TimeSpan.FromSeconds(10));

        // B's listening connection is killed; A accepts events before B is back.
        await using (var admin = new NpgsqlConnection(TestPostgres.ConnectionString))
        {
            await admin.OpenAsync();
            await using var kill = new NpgsqlCommand($"SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE query LIKE 'LISTEN%{b.NotifyChannel}%' AND pid <> pg_backend_pid();", admin);
            Assert.Equal(1L, (long)(await kill.ExecuteScalarAsync())!);
        }

        for (var i = 0; i < 5; i++)
        {
            await a.HandleAsync(Event($"evt_gap_{i}", "pi_1"), default);
        }

        for (var i = 0; i < 5; i++)
        {
            await atB.NextAsync($"evt_gap_{i}").WaitAsync(TimeSpan.FromSeconds(15));
        }

        Assert.Equal(6, atB.Count);
    }

    [Fact]
    public async Task A_forms_event_which_names_no_payment_intent_reaches_the_other_instances()
    {
        // A checkout asking for a receipt email waits for its form's webhook; in a farm it may land
        // on another instance. Dropped before, the owner waited for its 30 s safety-net poll.
        var (a, _) = NewInstance("a");
        var (b, atB) = NewInstance("b");
        await StartAsync(b);

        await a.HandleAsync(FormEvent("evt_form", "tmr_lane_1"), default);

        var arrived = await atB.NextAsync("evt_form").WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(("terminal.reader", "tmr_lane_1", "collect_inputs", null), (arrived.ObjectType, arrived.ObjectId, arrived.ReaderActionType, arrived.PaymentIntentId));
        await using var connection = new NpgsqlConnection(TestPostgres.ConnectionString);
        await connection.OpenAsync();
        await using var stored = new NpgsqlCommand($"SELECT reader_id FROM \"{_schema}\".webhook_inbox WHERE event_id = 'evt_form';", connection);
        Assert.Equal("tmr_lane_1", (string)(await stored.ExecuteScalarAsync())!);
    }

    [Fact]
    public async Task A_version_1_inbox_is_migrated_with_its_rows_kept_and_then_takes_form_events()
    {
        await using (var connection = new NpgsqlConnection(TestPostgres.ConnectionString))
        {
            await connection.OpenAsync();
            var v1 = string.Format(System.Globalization.CultureInfo.InvariantCulture, PostgreSqlSchema.MigrationScripts[0], $"\"{_schema}\"");
            await using var create = new NpgsqlCommand(
                $"CREATE SCHEMA \"{_schema}\"; CREATE TABLE \"{_schema}\".schema_version (version integer NOT NULL); INSERT INTO \"{_schema}\".schema_version VALUES (1); {v1}" +
                $"INSERT INTO \"{_schema}\".webhook_inbox (event_id, payment_intent_id, received_by, payload) VALUES ('evt_old', 'pi_old', 'a', '\\x00');",
                connection);
            await create.ExecuteNonQueryAsync();
        }

        var (a, _) = NewInstance("a");
        await _stores[0].InitializeAsync();
        await a.HandleAsync(FormEvent("evt_form", "tmr_1"), default);

        await using var check = new NpgsqlConnection(TestPostgres.ConnectionString);
        await check.OpenAsync();
        await using var rows = new NpgsqlCommand($"SELECT string_agg(event_id || ':' || coalesce(payment_intent_id, '-') || ':' || coalesce(reader_id, '-'), ',' ORDER BY id), (SELECT version FROM \"{_schema}\".schema_version) FROM \"{_schema}\".webhook_inbox;", check);
        await using var reader = await rows.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal("evt_old:pi_old:-,evt_form:-:tmr_1", reader.GetString(0));
        Assert.Equal(PostgreSqlSchema.Version, reader.GetInt32(1));
    }

    [Fact]
    public async Task An_event_without_a_payment_intent_is_not_kept()
    {
        var (a, _) = NewInstance("a");
        await _stores[0].InitializeAsync();

        await a.HandleAsync(Event("evt_location", null), default);

        await using var connection = new NpgsqlConnection(TestPostgres.ConnectionString);
        await connection.OpenAsync();
        await using var count = new NpgsqlCommand($"SELECT count(*) FROM \"{_schema}\".webhook_inbox;", connection);
        Assert.Equal(0L, (long)(await count.ExecuteScalarAsync())!);
    }

    private (PostgreSqlWebhookInbox Inbox, RecordingHandler Local) NewInstance(string name)
    {
        var store = new PostgreSqlCheckoutStore(new PostgreSqlCheckoutStoreOptions { ConnectionString = TestPostgres.ConnectionString, Schema = _schema });
        _stores.Add(store);
        var local = new RecordingHandler();
        PostgreSqlWebhookInbox? inbox = null;
        inbox = new PostgreSqlWebhookInbox(store, name, () => [local, inbox!], TimeProvider.System, NullLogger.Instance);
        _inboxes.Add(inbox);
        return (inbox, local);
    }

    private static async Task StartAsync(PostgreSqlWebhookInbox inbox)
    {
        await inbox.StartAsync(default);
        await inbox.Listening.WaitAsync(TimeSpan.FromSeconds(30));
    }

    private static TerminalWebhookEvent FormEvent(string id, string readerId)
    {
        var body = Encoding.UTF8.GetBytes("{\"id\":\"" + id + "\",\"object\":\"event\",\"type\":\"terminal.reader.action_succeeded\",\"created\":1796000000,\"data\":{\"object\":"
            + "{\"id\":\"" + readerId + "\",\"object\":\"terminal.reader\",\"action\":{\"type\":\"collect_inputs\",\"status\":\"succeeded\",\"collect_inputs\":{\"inputs\":[]}}}}}");
        Assert.True(TerminalWebhookEvent.TryParse(body, out var evt));
        return evt;
    }

    private static TerminalWebhookEvent Event(string id, string? paymentIntentId)
    {
        var obj = paymentIntentId is null
            ? """{"id":"tml_1","object":"terminal.location"}"""
            : $$"""{"id":"{{paymentIntentId}}","object":"payment_intent","status":"requires_capture","amount":1000,"amount_capturable":1000}""";
        var body = Encoding.UTF8.GetBytes("{\"id\":\"" + id + "\",\"object\":\"event\",\"type\":\"payment_intent.amount_capturable_updated\",\"created\":1796000000,\"data\":{\"object\":" + obj + "}}");
        Assert.True(TerminalWebhookEvent.TryParse(body, out var evt));
        return evt;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var inbox in _inboxes)
        {
            await inbox.StopAsync(default);
            inbox.Dispose();
        }

        foreach (var store in _stores)
        {
            await store.DisposeAsync();
        }

        await using var connection = new NpgsqlConnection(TestPostgres.ConnectionString);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP SCHEMA IF EXISTS \"{_schema}\" CASCADE;", connection);
        await drop.ExecuteNonQueryAsync();
    }

    private sealed class RecordingHandler : ITerminalWebhookHandler
    {
        private readonly ConcurrentDictionary<string, TaskCompletionSource<TerminalWebhookEvent>> _arrivals = new(StringComparer.Ordinal);
        private int _count;

        public int Count => Volatile.Read(ref _count);

        public Task<TerminalWebhookEvent> NextAsync(string eventId) => Slot(eventId).Task;

        public ValueTask HandleAsync(TerminalWebhookEvent webhookEvent, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _count);
            Slot(webhookEvent.Id).TrySetResult(webhookEvent);
            return ValueTask.CompletedTask;
        }

        private TaskCompletionSource<TerminalWebhookEvent> Slot(string id) =>
            _arrivals.GetOrAdd(id, _ => new TaskCompletionSource<TerminalWebhookEvent>(TaskCreationOptions.RunContinuationsAsynchronously));
    }
}
