using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using StripeTerminalKit.Webhooks;

namespace StripeTerminalKit.Storage.PostgreSql;

/// <summary>
/// Webhooks reach the instance that drives the checkout (see the package README's "Webhooks in a
/// farm"). Whichever instance Stripe's delivery lands on commits the verified event to the
/// <c>webhook_inbox</c> table and sends <c>NOTIFY</c> in the same statement, before the endpoint
/// answers 2xx; a failed insert fails the delivery, so Stripe retries it. Every instance
/// <c>LISTEN</c>s; on a notification it reads the rows it has not seen and hands them to its own
/// checkouts (an instance that does not drive the PaymentIntent, or the reader of a form event,
/// ignores them). After a lost
/// connection it reads everything past the last row it saw, so a notification missed while
/// reconnecting loses nothing; an instance that dies before consuming leaves its checkouts to the
/// one that takes them over, which re-reads Stripe.
/// </summary>
internal sealed partial class PostgreSqlWebhookInbox(
    PostgreSqlCheckoutStore store,
    string instanceId,
    Func<IEnumerable<ITerminalWebhookHandler>> localHandlers,
    TimeProvider time,
    ILogger logger) : BackgroundService, ITerminalWebhookHandler
{
    /// <summary>How long inbox rows are kept (a delivery is consumed within a second; this is for diagnosis).</summary>
    internal static readonly TimeSpan Retention = TimeSpan.FromHours(1);

    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });
    private readonly TaskCompletionSource _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long? _lastId;
    private DateTimeOffset _prunedAt;

    /// <summary>The NOTIFY channel: one per schema, so two kits on one database do not wake each other.</summary>
    internal string NotifyChannel { get; } = NotifyChannelFor(store.QuotedSchema.Trim('"'));

    /// <summary>Completes once this instance listens (tests wait on it instead of sleeping).</summary>
    internal Task Listening => _listening.Task;

    /// <summary>Commits the verified event and notifies every instance, before the endpoint answers Stripe.</summary>
    public async ValueTask HandleAsync(TerminalWebhookEvent webhookEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(webhookEvent);
        // A form's events name no PaymentIntent; the checkout on that reader is found by the reader.
        if (!webhookEvent.ConcernsACheckout)
        {
            return;
        }

        // One autocommitted statement: the row and the notification are committed together.
        using var command = await store.CommandAsync(
            $"""
            WITH added AS (
                INSERT INTO {store.QuotedSchema}.webhook_inbox (event_id, payment_intent_id, reader_id, received_by, payload)
                VALUES (@event, @intent, @reader, @me, @payload)
                ON CONFLICT (event_id) DO NOTHING
                RETURNING id)
            SELECT pg_notify(@channel, id::text) FROM added;
            """,
            cancellationToken).ConfigureAwait(false);
        command.Parameters.AddWithValue("event", webhookEvent.Id);
        command.Parameters.AddWithValue("intent", (object?)webhookEvent.PaymentIntentId ?? DBNull.Value);
        command.Parameters.AddWithValue("reader", webhookEvent.ObjectType == "terminal.reader" ? webhookEvent.ObjectId : DBNull.Value);
        command.Parameters.AddWithValue("me", instanceId);
        command.Parameters.AddWithValue("payload", webhookEvent.Body.ToArray());
        command.Parameters.AddWithValue("channel", NotifyChannel);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await ListenAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // a lost connection: listen again; the rows wait in the table
            catch (Exception exception)
#pragma warning restore CA1031
            {
                LogListenFailed(logger, exception);
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(1), time, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private async Task ListenAsync(CancellationToken stoppingToken)
    {
        await store.InitializeAsync(stoppingToken).ConfigureAwait(false);
        using var connection = await store.DataSource.OpenConnectionAsync(stoppingToken).ConfigureAwait(false);
        connection.Notification += (_, _) => _wake.Writer.TryWrite(true);
        using (var listen = new NpgsqlCommand($"LISTEN \"{NotifyChannel}\";", connection))
        {
            await listen.ExecuteNonQueryAsync(stoppingToken).ConfigureAwait(false);
        }

        if (_lastId is null)
        {
            // Events from before this instance started belong to checkouts it does not drive yet;
            // those it takes over are resumed from Stripe.
            using var last = await store.CommandAsync($"SELECT coalesce(max(id), 0) FROM {store.QuotedSchema}.webhook_inbox;", stoppingToken).ConfigureAwait(false);
            _lastId = (long)(await last.ExecuteScalarAsync(stoppingToken).ConfigureAwait(false))!;
        }

        _listening.TrySetResult();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var consumer = ConsumeAsync(stop.Token);
        try
        {
            // Catch up on what arrived while not listening, then wait for notifications.
            _wake.Writer.TryWrite(true);
            while (true)
            {
                await connection.WaitAsync(stoppingToken).ConfigureAwait(false);
            }
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            try
            {
                await consumer.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // stopping
            }
        }
    }

    private async Task ConsumeAsync(CancellationToken cancellationToken)
    {
        while (await _wake.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            _wake.Reader.TryRead(out _);
            await DeliverNewRowsAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Hands every row past the last one seen to this instance's checkouts (not the ones it received itself: it handled those already).</summary>
    internal async Task DeliverNewRowsAsync(CancellationToken cancellationToken)
    {
        var rows = new List<(long Id, byte[] Payload)>();
        using (var command = await store.CommandAsync($"SELECT id, received_by, payload FROM {store.QuotedSchema}.webhook_inbox WHERE id > @last ORDER BY id LIMIT 1000;", cancellationToken).ConfigureAwait(false))
        {
            command.Parameters.AddWithValue("last", _lastId ?? 0);
            using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var id = reader.GetInt64(0);
                rows.Add((id, reader.GetString(1) == instanceId ? [] : (byte[])reader.GetValue(2)));
            }
        }

        foreach (var (id, payload) in rows)
        {
            if (payload.Length > 0 && TerminalWebhookEvent.TryParse(payload, out var webhookEvent))
            {
                foreach (var handler in localHandlers())
                {
                    if (!ReferenceEquals(handler, this))
                    {
                        await handler.HandleAsync(webhookEvent, cancellationToken).ConfigureAwait(false);
                    }
                }
            }

            _lastId = id;
        }

        if (rows.Count == 1000)
        {
            _wake.Writer.TryWrite(true);
        }

        await PruneAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task PruneAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (now - _prunedAt < TimeSpan.FromMinutes(10))
        {
            return;
        }

        _prunedAt = now;
        using var command = await store.CommandAsync($"DELETE FROM {store.QuotedSchema}.webhook_inbox WHERE received_at < statement_timestamp() - @retention;", cancellationToken).ConfigureAwait(false);
        command.Parameters.AddWithValue("retention", Retention);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    // A channel name is an identifier: at most 63 bytes (the schema name is ASCII, checked).
    private static string NotifyChannelFor(string schema)
    {
        var name = "stk_webhooks_" + schema;
        return name.Length <= 63 ? name : name[..63];
    }

    [LoggerMessage(EventId = 3301, Level = LogLevel.Warning, Message = "Webhook inbox: listening failed (the database may be unreachable); listening again shortly, nothing is lost")]
    private static partial void LogListenFailed(ILogger logger, Exception exception);
}
