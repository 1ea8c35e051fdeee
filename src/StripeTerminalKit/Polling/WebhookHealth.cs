namespace StripeTerminalKit.Polling;

/// <summary>
/// Whether webhooks are arriving, judged from what polling finds. While they are healthy, a
/// checkout polls only as a slow safety net (so a payment costs the minimum of API calls);
/// once a poll finds an outcome that no webhook reported in time, polling takes over at full
/// pace until webhooks are seen working again.
/// </summary>
internal sealed class WebhookHealth(TimeProvider time, TimeSpan memory)
{
    private readonly Lock _gate = new();
    private DateTimeOffset _lastWebhook = DateTimeOffset.MinValue;
    private DateTimeOffset _lastMiss = DateTimeOffset.MinValue;

    /// <summary>True when a webhook arrived recently and none was missed since.</summary>
    public bool IsHealthy
    {
        get
        {
            lock (_gate)
            {
                var now = time.GetUtcNow();
                return _lastWebhook > _lastMiss && now - _lastWebhook <= memory;
            }
        }
    }

    /// <summary>A webhook for a checkout arrived.</summary>
    public void WebhookArrived()
    {
        lock (_gate)
        {
            _lastWebhook = time.GetUtcNow();
        }
    }

    /// <summary>Polling found an outcome that the webhooks had not reported.</summary>
    public void WebhookMissed()
    {
        lock (_gate)
        {
            _lastMiss = time.GetUtcNow();
        }
    }
}

/// <summary>When a waiting checkout polls next.</summary>
internal static class PollSchedule
{
    /// <summary>
    /// The delay before the next poll: fast at first (customers tap within seconds), slowing
    /// down the longer the reader waits; with healthy webhooks only a slow safety net.
    /// </summary>
    public static TimeSpan NextDelay(int pollsSoFar, bool webhooksHealthy, PollingSettings settings)
    {
        if (webhooksHealthy)
        {
            return settings.SafetyNetInterval;
        }

        var factor = Math.Pow(1.5, Math.Min(pollsSoFar, 16));
        var delay = TimeSpan.FromTicks((long)(settings.MinimumInterval.Ticks * factor));
        return delay > settings.MaximumInterval ? settings.MaximumInterval : delay;
    }
}

/// <summary>Polling settings (see <c>StripeTerminalCheckoutOptions</c>).</summary>
/// <param name="MinimumInterval">The first poll after the reader starts, and the fastest pace.</param>
/// <param name="MaximumInterval">The slowest pace while webhooks are down.</param>
/// <param name="SafetyNetInterval">The pace while webhooks are healthy.</param>
internal sealed record PollingSettings(TimeSpan MinimumInterval, TimeSpan MaximumInterval, TimeSpan SafetyNetInterval)
{
    public static PollingSettings Default { get; } = new(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(30));
}
