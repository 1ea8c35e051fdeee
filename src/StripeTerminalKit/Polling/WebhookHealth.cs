namespace StripeTerminalKit.Polling;

/// <summary>
/// Whether webhooks are arriving, judged from what they carry and what polling finds. While they
/// are healthy, a checkout polls only as a slow safety net (so a payment costs the minimum of API
/// calls); once a poll finds an outcome that no webhook reported in time, or webhooks arrive late,
/// polling takes over at full pace until webhooks are seen arriving promptly again.
/// </summary>
internal sealed class WebhookHealth(TimeProvider time, TimeSpan memory, TimeSpan? maxLag = null)
{
    /// <summary>A webhook later than this after Stripe raised its event counts as late, not healthy.</summary>
    public static readonly TimeSpan DefaultMaxLag = TimeSpan.FromSeconds(10);

    private readonly Lock _gate = new();
    private readonly TimeSpan _maxLag = maxLag ?? DefaultMaxLag;
    private DateTimeOffset _lastWebhook = DateTimeOffset.MinValue;
    private DateTimeOffset _lastMiss = DateTimeOffset.MinValue;

    /// <summary>True when a webhook arrived promptly and recently, and none was missed or late since.</summary>
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

    /// <summary>A webhook for a checkout arrived (no event time known: counted as prompt).</summary>
    public void WebhookArrived() => WebhookArrived(null);

    /// <summary>
    /// A webhook for a checkout arrived. One that arrives more than the allowed lag after Stripe
    /// raised its event says webhooks are slow: polling must not wait for them.
    /// </summary>
    /// <param name="raisedAt">When Stripe raised the event (<c>created</c>, whole seconds).</param>
    public void WebhookArrived(DateTimeOffset? raisedAt)
    {
        lock (_gate)
        {
            var now = time.GetUtcNow();

            // created has whole seconds: allow one more.
            if (raisedAt is { } raised && raised != default && now - raised > _maxLag + TimeSpan.FromSeconds(1))
            {
                _lastMiss = now;
            }
            else
            {
                _lastWebhook = now;
            }
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
