namespace StripeTerminalKit.Emulator;

/// <summary>
/// A webhook destination registered with <see cref="EmulatorWebhooks.Subscribe"/> (an in-process
/// handler) or <see cref="EmulatorWebhooks.AddEndpoint"/> (an HTTP endpoint), like a Stripe webhook
/// endpoint. Dispose it to stop deliveries to it.
/// </summary>
public sealed class EmulatorWebhookSubscription : IDisposable
{
    private readonly EmulatorWebhooks _owner;
    private readonly string[] _enabledEvents;
    private readonly bool _acceptsAll;

    internal EmulatorWebhookSubscription(
        EmulatorWebhooks owner,
        string id,
        string[] enabledEvents,
        bool connect,
        Func<EmulatorWebhookDelivery, CancellationToken, Task>? handler,
        Uri? url,
        HttpClient? httpClient)
    {
        _owner = owner;
        Id = id;
        _enabledEvents = enabledEvents;
        _acceptsAll = Array.IndexOf(enabledEvents, "*") >= 0;
        Connect = connect;
        Handler = handler;
        Url = url;
        HttpClient = httpClient;
    }

    /// <summary>The subscription's id, in Stripe's webhook endpoint form (<c>we_…</c>).</summary>
    public string Id { get; }

    /// <summary>The endpoint's URL, or <see langword="null"/> for an in-process subscriber.</summary>
    public Uri? Url { get; }

    /// <summary>The event types delivered here, as given (<c>*</c> means all).</summary>
    public IReadOnlyList<string> EnabledEvents => _enabledEvents;

    /// <summary>
    /// Whether this subscription receives the events of connected accounts (and only those), like a
    /// Stripe webhook endpoint created with <c>connect=true</c>; otherwise it receives only the
    /// account's own events.
    /// </summary>
    public bool Connect { get; }

    /// <summary>Whether deliveries are still made here (false once disposed, or once the emulator is).</summary>
    public bool IsActive => _owner.IsActive(this);

    /// <summary>This subscription's delivery counts.</summary>
    public EmulatorWebhookCounters Counters => _owner.CountersOf(this);

    /// <summary>
    /// Why the last failed attempt failed (<c>HTTP 500 (InternalServerError)</c>, an exception's
    /// type and message, or a timeout), or <see langword="null"/> if no attempt has failed.
    /// </summary>
    public string? LastFailure => _owner.LastFailureOf(this);

    internal Func<EmulatorWebhookDelivery, CancellationToken, Task>? Handler { get; }

    internal HttpClient? HttpClient { get; }

    // The fields below are guarded by the owner's lock.
    internal WebhookTally Tally { get; } = new();

    internal PendingWebhook[]? Held { get; set; }

    /// <summary>This subscription's deliveries due now, made in order by its lane.</summary>
    internal Queue<PendingWebhook> Queue { get; } = new();

    internal PendingWebhook? InFlight { get; set; }

    internal bool LaneRunning { get; set; }

    internal bool Removed { get; set; }

    internal string? Failure { get; set; }

    /// <summary>Stops deliveries to this subscription; queued and scheduled ones are discarded.</summary>
    public void Dispose() => _owner.Remove(this);

    /// <summary>The id and destination, never a secret.</summary>
    /// <returns>For example <c>we_… → https://localhost:5001/webhooks</c>.</returns>
    public override string ToString() =>
        (Url is null ? $"{Id} → in-process" : $"{Id} → {Url.GetComponents(UriComponents.HttpRequestUrl, UriFormat.SafeUnescaped)}")
        + (Connect ? " (Connect)" : "");

    /// <summary>
    /// Whether an event of <paramref name="eventType"/> raised on <paramref name="account"/> (null:
    /// the account itself) comes here: connected accounts' events only to Connect subscriptions.
    /// </summary>
    internal bool Accepts(string eventType, string? account)
    {
        if ((account is not null) != Connect)
        {
            return false;
        }

        if (_acceptsAll)
        {
            return true;
        }

        foreach (string pattern in _enabledEvents)
        {
            // "payment_intent.*" is an emulator convenience on top of Stripe's exact types and "*".
            if (pattern.EndsWith(".*", StringComparison.Ordinal)
                ? eventType.AsSpan().StartsWith(pattern.AsSpan(0, pattern.Length - 1), StringComparison.Ordinal)
                : string.Equals(pattern, eventType, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary>One delivery waiting to be attempted.</summary>
internal sealed record PendingWebhook(EmulatorWebhookSubscription Subscription, EmulatorEvent Event, int Attempt);
