using System.Globalization;
using Microsoft.Extensions.Time.Testing;

namespace StripeTerminalKit.Emulator.Tests.Webhooks;

/// <summary>Builders for realistic events and a recording subscriber, shared by the webhook tests.</summary>
internal static class WebhookTestKit
{
    public const string Secret = "whsec_emulatorTestSecret0123456789abcdef";

    public static readonly DateTimeOffset Start = new(2026, 11, 2, 9, 0, 0, TimeSpan.Zero);

    public static FakeTimeProvider NewTime() => new(Start);

    public static EmulatorWebhooks NewWebhooks(FakeTimeProvider time, int seed = 42) =>
        new(time, new Random(seed), Secret);

    /// <summary>A <c>terminal.reader.action_succeeded</c> envelope as Stripe renders it for API version 2026-10-28.endive.</summary>
    public static EmulatorEvent ReaderActionSucceeded(int n, DateTimeOffset? created = null) =>
        ReaderEvent(n, "terminal.reader.action_succeeded", "succeeded", created ?? Start);

    /// <summary>A <c>terminal.reader.action_failed</c> envelope with a decline.</summary>
    public static EmulatorEvent ReaderActionFailed(int n, DateTimeOffset? created = null) =>
        ReaderEvent(n, "terminal.reader.action_failed", "failed", created ?? Start);

    /// <summary>A <c>payment_intent.succeeded</c> envelope for a card-present payment.</summary>
    public static EmulatorEvent PaymentIntentSucceeded(int n, DateTimeOffset? created = null)
    {
        DateTimeOffset at = created ?? Start;
        string id = EventId(n);
        string json = Invariant($$"""
            {
              "id": "{{id}}",
              "object": "event",
              "api_version": "2026-10-28.endive",
              "created": {{at.ToUnixTimeSeconds()}},
              "data": {
                "object": {
                  "id": "pi_3QEmu{{n:D6}}",
                  "object": "payment_intent",
                  "amount": 1250,
                  "amount_capturable": 0,
                  "amount_received": 1250,
                  "capture_method": "automatic",
                  "confirmation_method": "automatic",
                  "created": {{at.ToUnixTimeSeconds() - 20}},
                  "currency": "aud",
                  "latest_charge": "ch_3QEmu{{n:D6}}",
                  "livemode": false,
                  "metadata": { "checkout_id": "chk_{{n}}" },
                  "payment_method": "pm_1QEmu{{n:D6}}",
                  "payment_method_types": [ "card_present" ],
                  "status": "succeeded"
                }
              },
              "livemode": false,
              "pending_webhooks": 1,
              "request": { "id": "req_emu{{n:D6}}", "idempotency_key": "chk_{{n}}:process:1" },
              "type": "payment_intent.succeeded"
            }
            """);
        return new EmulatorEvent(id, "payment_intent.succeeded", at, json);
    }

    public static string EventId(int n) => Invariant($"evt_1QEmu{n:D10}");

    private static EmulatorEvent ReaderEvent(int n, string type, string actionStatus, DateTimeOffset at)
    {
        string id = EventId(n);
        string failure = actionStatus == "failed"
            ? "\"failure_code\": \"card_declined\", \"failure_message\": \"Your card was declined.\","
            : "\"failure_code\": null, \"failure_message\": null,";
        string json = Invariant($$"""
            {
              "id": "{{id}}",
              "object": "event",
              "api_version": "2026-10-28.endive",
              "created": {{at.ToUnixTimeSeconds()}},
              "data": {
                "object": {
                  "id": "tmr_FEmu{{n:D8}}",
                  "object": "terminal.reader",
                  "action": {
                    {{failure}}
                    "process_payment_intent": { "payment_intent": "pi_3QEmu{{n:D6}}" },
                    "status": "{{actionStatus}}",
                    "type": "process_payment_intent"
                  },
                  "device_sw_version": "2.37.2.0",
                  "device_type": "simulated_wisepos_e",
                  "ip_address": "192.168.2.2",
                  "label": "Front counter",
                  "last_seen_at": {{at.ToUnixTimeMilliseconds()}},
                  "livemode": false,
                  "location": "tml_FEmuLocation01",
                  "metadata": {},
                  "serial_number": "WPE-SIMULATOR-{{n}}",
                  "status": "online"
                }
              },
              "livemode": false,
              "pending_webhooks": 1,
              "request": { "id": "req_emu{{n:D6}}", "idempotency_key": "chk_{{n}}:process:1" },
              "type": "{{type}}"
            }
            """);
        return new EmulatorEvent(id, type, at, json);
    }

    /// <summary>Guards against a hang: a drain that never completes fails the test instead.</summary>
    public static Task DrainWithGuardAsync(this EmulatorWebhooks webhooks) =>
        webhooks.DrainAsync().WaitAsync(TimeSpan.FromSeconds(20));

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

/// <summary>An in-process subscriber that records every delivery it is handed.</summary>
internal sealed class DeliveryRecorder
{
    private readonly List<EmulatorWebhookDelivery> _deliveries = [];
    private readonly Func<EmulatorWebhookDelivery, Task>? _behaviour;

    public DeliveryRecorder(Func<EmulatorWebhookDelivery, Task>? behaviour = null) => _behaviour = behaviour;

    public IReadOnlyList<EmulatorWebhookDelivery> Deliveries
    {
        get
        {
            lock (_deliveries)
            {
                return [.. _deliveries];
            }
        }
    }

    public IReadOnlyList<string> EventIds => [.. Deliveries.Select(d => d.Event.Id)];

    public Task HandleAsync(EmulatorWebhookDelivery delivery, CancellationToken cancellationToken)
    {
        lock (_deliveries)
        {
            _deliveries.Add(delivery);
        }

        return _behaviour?.Invoke(delivery) ?? Task.CompletedTask;
    }
}
