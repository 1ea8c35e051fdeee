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
        _recent = new RecentIds(Math.Max(16, options.CurrentValue.DeduplicationCapacity));
    }

    public async ValueTask<WebhookResult> ProcessAsync(ReadOnlyMemory<byte> body, string? signatureHeader, CancellationToken cancellationToken = default)
    {
        var options = _options.CurrentValue;
        if (body.Length > options.MaxBodyBytes)
        {
            return new WebhookResult(WebhookRejection.BodyTooLarge, null, false);
        }

        var secrets = options.SigningSecrets.Where(s => !string.IsNullOrEmpty(s)).Select(Encoding.UTF8.GetBytes).ToArray();
        var rejection = WebhookSignature.Verify(body.Span, signatureHeader, secrets, _time.GetUtcNow(), options.Tolerance);
        if (rejection is not null)
        {
            return new WebhookResult(rejection, null, false);
        }

        if (!TerminalWebhookEvent.TryParse(body, out var evt))
        {
            return new WebhookResult(WebhookRejection.MalformedBody, null, false);
        }

        if (!_recent.TryAdd(evt!.Id))
        {
            return new WebhookResult(null, evt, Duplicate: true);
        }

        foreach (var handler in _handlers)
        {
            await handler.HandleAsync(evt, cancellationToken).ConfigureAwait(false);
        }

        return new WebhookResult(null, evt, Duplicate: false);
    }

    /// <summary>A bounded set of recently seen ids, oldest forgotten first.</summary>
    private sealed class RecentIds(int capacity)
    {
        private readonly Lock _gate = new();
        private readonly HashSet<string> _set = new(StringComparer.Ordinal);
        private readonly Queue<string> _order = new();

        public bool TryAdd(string id)
        {
            lock (_gate)
            {
                if (!_set.Add(id))
                {
                    return false;
                }

                _order.Enqueue(id);
                if (_order.Count > capacity)
                {
                    _set.Remove(_order.Dequeue());
                }

                return true;
            }
        }
    }
}
