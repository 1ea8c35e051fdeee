namespace StripeTerminalKit.Emulator;

/// <summary>
/// A snapshot of webhook delivery counts, for the whole emulator
/// (<see cref="EmulatorWebhooks.Counters"/>) or for one subscription
/// (<see cref="EmulatorWebhookSubscription.Counters"/>).
/// </summary>
/// <remarks>
/// A delivery is one event sent to one subscription; an event that matches two subscriptions
/// makes two deliveries. Every delivery ends up delivered, dropped, abandoned, or still pending.
/// </remarks>
public readonly record struct EmulatorWebhookCounters
{
    /// <summary>
    /// For the emulator, the events published; for a subscription, the published events that
    /// matched its enabled events.
    /// </summary>
    public long Published { get; init; }

    /// <summary>Successful attempts (2xx answer, or handler completed), duplicates included.</summary>
    public long Delivered { get; init; }

    /// <summary>Deliveries lost on purpose by <see cref="EmulatorWebhookFaults.DropRate"/>.</summary>
    public long Dropped { get; init; }

    /// <summary>Deliveries sent twice by <see cref="EmulatorWebhookFaults.DuplicateRate"/> (each counts once here).</summary>
    public long Duplicated { get; init; }

    /// <summary>Deliveries held back by <see cref="EmulatorWebhookFaults.ReorderRate"/>.</summary>
    public long Reordered { get; init; }

    /// <summary>Deliveries sent late by <see cref="EmulatorWebhookFaults.Delay"/>.</summary>
    public long Delayed { get; init; }

    /// <summary>Attempts that failed: a non-2xx answer, an exception, or a timeout.</summary>
    public long FailedAttempts { get; init; }

    /// <summary>Deliveries given up after <see cref="EmulatorWebhookRetryPolicy.MaxAttempts"/> failed attempts.</summary>
    public long Abandoned { get; init; }
}

/// <summary>The mutable tally behind <see cref="EmulatorWebhookCounters"/>; guarded by the owner's lock.</summary>
internal sealed class WebhookTally
{
    public long Published;
    public long Delivered;
    public long Dropped;
    public long Duplicated;
    public long Reordered;
    public long Delayed;
    public long FailedAttempts;
    public long Abandoned;

    public EmulatorWebhookCounters Snapshot() => new()
    {
        Published = Published,
        Delivered = Delivered,
        Dropped = Dropped,
        Duplicated = Duplicated,
        Reordered = Reordered,
        Delayed = Delayed,
        FailedAttempts = FailedAttempts,
        Abandoned = Abandoned,
    };
}
