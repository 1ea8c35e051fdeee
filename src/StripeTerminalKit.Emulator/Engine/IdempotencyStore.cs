namespace StripeTerminalKit.Emulator.Engine;

/// <summary>
/// Stripe's idempotency: the first response for a key is stored (errors included, once the
/// endpoint began executing) and replayed for the same parameters; other parameters get an
/// <c>idempotency_error</c>; a key still in flight gets 409.
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

    public Outcome Begin(string key, string fingerprint, out EmulatorResponse? stored)
    {
        stored = null;
        lock (_gate)
        {
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

            _entries[key] = new Entry(fingerprint, null);
            return Outcome.Execute;
        }
    }

    public void Complete(string key, string fingerprint, EmulatorResponse response)
    {
        lock (_gate)
        {
            _entries[key] = new Entry(fingerprint, response);
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

    private sealed record Entry(string Fingerprint, EmulatorResponse? Response);
}
