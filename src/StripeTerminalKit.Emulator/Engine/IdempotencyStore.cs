namespace StripeTerminalKit.Emulator.Engine;

/// <summary>
/// Stripe's idempotency: the first response for a key is stored (errors included, once the
/// endpoint began executing) and replayed for the same parameters; other parameters get an
/// <c>idempotency_error</c>; a key still in flight gets 409. Parameters are compared, not bytes
/// (the fingerprint is the canonical form of the parameters), and keys are pruned 24 hours after
/// first use on the emulator's clock (docs: api/idempotent_requests; facts corrections table,
/// row "Idempotency").
/// </summary>
internal sealed class IdempotencyStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    public enum Outcome
    {
        Execute,
        Replay,
        Mismatch,
        InFlight,
    }

    /// <summary>How long a key is remembered: Stripe prunes keys once they are at least 24 hours old.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(24);

    public Outcome Begin(string key, string fingerprint, DateTimeOffset now, out EmulatorResponse? stored)
    {
        stored = null;
        lock (_gate)
        {
            if (_entries.TryGetValue(key, out var pruned) && pruned.Response is not null && now - pruned.FirstUsed >= Lifetime)
            {
                _entries.Remove(key); // pruned: a reused key is a new request
            }

            if (_entries.TryGetValue(key, out var entry))
            {
                if (!string.Equals(entry.Fingerprint, fingerprint, StringComparison.Ordinal))
                {
                    return Outcome.Mismatch;
                }

                if (entry.Response is null)
                {
                    return Outcome.InFlight;
                }

                stored = entry.Response;
                return Outcome.Replay;
            }

            _entries[key] = new Entry(fingerprint, null, now);
            return Outcome.Execute;
        }
    }

    public void Complete(string key, string fingerprint, EmulatorResponse response)
    {
        lock (_gate)
        {
            _entries[key] = new Entry(fingerprint, response, _entries.TryGetValue(key, out var begun) ? begun.FirstUsed : DateTimeOffset.MinValue);
        }
    }

    /// <summary>The request did not start executing (validation failed): the key may be used again.</summary>
    public void Abandon(string key)
    {
        lock (_gate)
        {
            if (_entries.TryGetValue(key, out var entry) && entry.Response is null)
            {
                _entries.Remove(key);
            }
        }
    }

    private sealed record Entry(string Fingerprint, EmulatorResponse? Response, DateTimeOffset FirstUsed);
}
