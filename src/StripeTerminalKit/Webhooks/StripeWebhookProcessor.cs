using System.Text;
using Microsoft.Extensions.Options;

namespace StripeTerminalKit.Webhooks;

/// <summary>The outcome of one webhook delivery.</summary>
/// <param name="Rejection">Why it was refused, or null when it was accepted.</param>
/// <param name="Event">The event, when the body was verified and read.</param>
/// <param name="Duplicate">True when the same event id was already handled: acknowledge it and do nothing.</param>
public sealed record WebhookResult(WebhookRejection? Rejection, TerminalWebhookEvent? Event, bool Duplicate)
{
    /// <summary>Whether the delivery should be acknowledged with 2xx.</summary>
    public bool Accepted => Rejection is null;
}

/// <summary>Receives verified, deduplicated Terminal events (register any number in DI).</summary>
public interface ITerminalWebhookHandler
{
    /// <summary>Handles one event. Must be quick: Stripe expects a fast 2xx.</summary>
    ValueTask HandleAsync(TerminalWebhookEvent webhookEvent, CancellationToken cancellationToken);
}

/// <summary>Verifies, parses, deduplicates and dispatches Stripe webhook deliveries.</summary>
public interface IStripeWebhookProcessor
{
    /// <summary>Processes one delivery: the raw body exactly as received and its <c>Stripe-Signature</c> header.</summary>
    ValueTask<WebhookResult> ProcessAsync(ReadOnlyMemory<byte> body, string? signatureHeader, CancellationToken cancellationToken = default);
}

/// <summary>The default <see cref="IStripeWebhookProcessor"/>.</summary>
internal sealed class StripeWebhookProcessor : IStripeWebhookProcessor
{
    private readonly IOptionsMonitor<StripeWebhookOptions> _options;
    private readonly IEnumerable<ITerminalWebhookHandler> _handlers;
    private readonly TimeProvider _time;
    private readonly RecentIds _recent;

    public StripeWebhookProcessor(IOptionsMonitor<StripeWebhookOptions> options, IEnumerable<ITerminalWebhookHandler> handlers, TimeProvider time)
    {
        _options = options;
        _handlers = handlers;
        _time = time;
        _recent = new RecentIds(time, Math.Max(16, options.CurrentValue.DeduplicationCapacity));
    }

    public async ValueTask<WebhookResult> ProcessAsync(ReadOnlyMemory<byte> body, string? signatureHeader, CancellationToken cancellationToken = default)
    {
        var options = _options.CurrentValue;
        if (body.Length > options.MaxBodyBytes)
        {
            return new WebhookResult(WebhookRejection.BodyTooLarge, null, false);
        }

        var secrets = options.SigningSecrets.Where(s => !string.IsNullOrEmpty(s)).Distinct(StringComparer.Ordinal).Select(Encoding.UTF8.GetBytes).ToArray();
        var rejection = WebhookSignature.Verify(body.Span, signatureHeader, secrets, _time.GetUtcNow(), options.Tolerance);
        if (rejection is not null)
        {
            return new WebhookResult(rejection, null, false);
        }

        if (!TerminalWebhookEvent.TryParse(body, out var evt))
        {
            return new WebhookResult(WebhookRejection.MalformedBody, null, false);
        }

        // A signed delivery is accepted while its timestamp is within ±Tolerance of our clock, so
        // the same signed bytes can come back up to 2 × Tolerance after we first accepted them.
        if (!_recent.TryAdd(evt!.Id, 2 * options.Tolerance))
        {
            return new WebhookResult(null, evt, Duplicate: true);
        }

        try
        {
            foreach (var handler in _handlers)
            {
                await handler.HandleAsync(evt, cancellationToken).ConfigureAwait(false);
            }
        }
        catch
        {
            // Not handled: Stripe retries a failed delivery, and the retry must not be dropped as a duplicate.
            _recent.Remove(evt.Id);
            throw;
        }

        return new WebhookResult(null, evt, Duplicate: false);
    }

    /// <summary>
    /// The event ids seen within a time window (evicted by age on the monotonic clock of the
    /// <see cref="TimeProvider"/>), with a cap as a last resort: past it, the oldest id is forgotten.
    /// </summary>
    private sealed class RecentIds(TimeProvider time, int capacity)
    {
        private readonly Lock _gate = new();
        private readonly Dictionary<string, long> _seenAt = new(StringComparer.Ordinal);
        private readonly Queue<(string Id, long At)> _order = new();

        public bool TryAdd(string id, TimeSpan window)
        {
            lock (_gate)
            {
                var now = time.GetTimestamp();
                while (_order.TryPeek(out var oldest) && time.GetElapsedTime(oldest.At, now) > window)
                {
                    Forget(_order.Dequeue());
                }

                if (_seenAt.ContainsKey(id))
                {
                    return false;
                }

                _seenAt.Add(id, now);
                _order.Enqueue((id, now));
                while (_seenAt.Count > capacity && _order.TryDequeue(out var oldest))
                {
                    Forget(oldest);
                }

                return true;
            }
        }

        public void Remove(string id)
        {
            lock (_gate)
            {
                // Its queue entry stays and is skipped when it leaves (Forget checks the time).
                _seenAt.Remove(id);
            }
        }

        private void Forget((string Id, long At) entry)
        {
            if (_seenAt.TryGetValue(entry.Id, out var at) && at == entry.At)
            {
                _seenAt.Remove(entry.Id);
            }
        }
    }
}
