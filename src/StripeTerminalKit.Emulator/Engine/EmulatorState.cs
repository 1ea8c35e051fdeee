using System.Buffers;
using System.Text.Json;
using StripeTerminalKit.Emulator.Http;
using StripeTerminalKit.Emulator.Resources;

namespace StripeTerminalKit.Emulator;

/// <summary>
/// Every object the emulator holds. Only touched under the engine's lock, so it needs no
/// locking of its own.
/// </summary>
internal sealed class EmulatorState
{
    private const string IdAlphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private readonly Random _random;
    private readonly TimeProvider _time;
    private readonly List<EmulatorEvent> _pendingEvents = [];
    private long _sequence;
    private long _actionNumber;

    private readonly Func<string, string?, int> _pendingWebhooks;

    public EmulatorState(TimeProvider time, Random random, Func<string, string?, int> pendingWebhooks)
    {
        _time = time;
        _random = random;
        _pendingWebhooks = pendingWebhooks;
    }

    public Dictionary<string, Location> Locations { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, Reader> Readers { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, PaymentIntent> PaymentIntents { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, Charge> Charges { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, PaymentMethod> PaymentMethods { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, Refund> Refunds { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, SetupIntent> SetupIntents { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, TerminalConfiguration> Configurations { get; } = new(StringComparer.Ordinal);
    public List<(EmulatorEvent Event, string? Account, long Sequence)> Events { get; } = [];
    public List<ReaderActionRecord> ActionHistory { get; } = [];

    /// <summary>PaymentIntents awaiting capture, by when their authorisation expires.</summary>
    public PriorityQueue<string, DateTimeOffset> AuthorizationExpiries { get; } = new();

    public DateTimeOffset Now => _time.GetUtcNow();

    public long NowUnix => _time.GetUtcNow().ToUnixTimeSeconds();

    public long NextSequence() => ++_sequence;

    public long NextActionNumber() => ++_actionNumber;

    public string NewId(string prefix, int length = 24)
    {
        return string.Create(prefix.Length + length, (prefix, _random), static (span, s) =>
        {
            s.prefix.AsSpan().CopyTo(span);
            for (var i = s.prefix.Length; i < span.Length; i++)
            {
                span[i] = IdAlphabet[s._random.Next(IdAlphabet.Length)];
            }
        });
    }

    /// <summary>Records an event; it is published to webhooks once the lock is released.</summary>
    public void Raise(string type, Resource obj, RequestInfo? request, string? previousStatus = null, long? created = null) =>
        Raise(type, obj, request, previousStatus is null ? null : w => w.WriteString("status", previousStatus), created);

    /// <summary>
    /// Records an event whose <c>data.previous_attributes</c> holds what
    /// <paramref name="writePreviousAttributes"/> writes: the changed fields' values before the change.
    /// </summary>
    public void Raise(string type, Resource obj, RequestInfo? request, Action<Utf8JsonWriter>? writePreviousAttributes, long? created = null)
    {
        var id = NewId("evt_");
        created ??= NowUnix;
        var buffer = new ArrayBufferWriter<byte>(2048);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("id", id);
            w.WriteString("object", "event");
            if (obj.Account is not null)
            {
                w.WriteString("account", obj.Account);
            }

            w.WriteString("api_version", StripeEmulator.ApiVersion);
            w.WriteNumber("created", created.Value);
            w.WriteStartObject("data");
            w.WritePropertyName("object");
            obj.Write(w, this, ExpandSet.None);
            if (writePreviousAttributes is not null)
            {
                w.WriteStartObject("previous_attributes");
                writePreviousAttributes(w);
                w.WriteEndObject();
            }

            w.WriteEndObject();
            w.WriteBoolean("livemode", false);
            // As published; GET /v1/events shows it falling as endpoints answer (EventEndpoints).
            w.WriteNumber("pending_webhooks", _pendingWebhooks(type, obj.Account));
            w.WriteStartObject("request");
            w.Str("id", request?.RequestId);
            w.Str("idempotency_key", request?.IdempotencyKey);
            w.WriteEndObject();
            w.WriteString("type", type);
            w.WriteEndObject();
        }

        var evt = new EmulatorEvent(id, type, DateTimeOffset.FromUnixTimeSeconds(created.Value), System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan))
        {
            Account = obj.Account,
        };
        Events.Add((evt, obj.Account, NextSequence()));
        _pendingEvents.Add(evt);
    }

    public EmulatorEvent[] TakePendingEvents()
    {
        if (_pendingEvents.Count == 0)
        {
            return [];
        }

        var result = _pendingEvents.ToArray();
        _pendingEvents.Clear();
        return result;
    }
}

/// <summary>Who caused a change: shown in an event's <c>request</c> field.</summary>
internal sealed record RequestInfo(string RequestId, string? IdempotencyKey);
