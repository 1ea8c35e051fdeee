using System.Globalization;

namespace StripeTerminalKit.Emulator;

/// <summary>The endpoint registry: subscriptions, what each accepts, and how many an event is pending for.</summary>
public sealed partial class EmulatorWebhooks
{
    /// <summary>
    /// How many active subscriptions would receive an event of <paramref name="eventType"/> raised
    /// on <paramref name="account"/> (null: the account itself): the envelope's first <c>pending_webhooks</c>.
    /// </summary>
    internal int CountSubscriptionsFor(string eventType, string? account = null)
    {
        lock (_gate)
        {
            int count = 0;
            foreach (EmulatorWebhookSubscription subscription in _subscriptions)
            {
                if (subscription.Accepts(eventType, account))
                {
                    count++;
                }
            }

            return count;
        }
    }

    /// <summary>
    /// The event's <c>pending_webhooks</c> now: the subscriptions it was routed to that have not yet
    /// answered 2xx (Stripe: "Number of webhooks that haven't been successfully delivered").
    /// Null for an event never published here.
    /// </summary>
    internal int? PendingWebhooksOf(string eventId)
    {
        lock (_gate)
        {
            return _eventStates.TryGetValue(eventId, out EventDeliveryState? state) ? state.Pending : null;
        }
    }

    internal bool IsActive(EmulatorWebhookSubscription subscription)
    {
        lock (_gate)
        {
            return !_disposed && !subscription.Removed;
        }
    }

    internal EmulatorWebhookCounters CountersOf(EmulatorWebhookSubscription subscription)
    {
        lock (_gate)
        {
            return subscription.Tally.Snapshot();
        }
    }

    internal string? LastFailureOf(EmulatorWebhookSubscription subscription)
    {
        lock (_gate)
        {
            return subscription.Failure;
        }
    }

    internal void Remove(EmulatorWebhookSubscription subscription)
    {
        lock (_gate)
        {
            if (subscription.Removed)
            {
                return;
            }

            subscription.Removed = true;
            subscription.Held = null;
            subscription.Queue.Clear();
            _subscriptions.Remove(subscription);
            ReleaseDrainWaitersIfIdleLocked();
        }

        // An attempt under way on this client fails; its result is ignored since the subscription is gone.
        subscription.HttpClient?.Dispose();
    }

    private EmulatorWebhookSubscription Register(Func<string, EmulatorWebhookSubscription> create)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _subscriptionCount++;
            EmulatorWebhookSubscription subscription = create(
                string.Create(CultureInfo.InvariantCulture, $"we_emulator{_subscriptionCount:D13}"));
            _subscriptions.Add(subscription);
            return subscription;
        }
    }

    private static string[] NormalizeEnabledEvents(IEnumerable<string>? enabledEvents)
    {
        if (enabledEvents is null)
        {
            return ["*"];
        }

        string[] events = [.. enabledEvents];
        if (events.Length == 0)
        {
            throw new ArgumentException("Enable at least one event type, or \"*\" for all.", nameof(enabledEvents));
        }

        foreach (string type in events)
        {
            if (string.IsNullOrWhiteSpace(type))
            {
                throw new ArgumentException("An enabled event type cannot be blank.", nameof(enabledEvents));
            }
        }

        return events;
    }
}

/// <summary>Which subscriptions an event is still pending for; guarded by the owner's lock.</summary>
internal sealed class EventDeliveryState(int routed)
{
    private readonly HashSet<string> _deliveredTo = new(StringComparer.Ordinal);

    public int Pending => Math.Max(0, routed - _deliveredTo.Count);

    /// <summary>Counts the first 2xx from a subscription; a duplicate or a retry's second success does not count again.</summary>
    public void Delivered(string subscriptionId) => _deliveredTo.Add(subscriptionId);
}
