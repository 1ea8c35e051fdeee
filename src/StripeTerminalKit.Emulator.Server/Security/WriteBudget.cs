namespace StripeTerminalKit.Emulator.Server.Security;

/// <summary>
/// Counts accepted writes (POST or DELETE answered 2xx, not an idempotent replay) against a
/// limit for the whole run: a slot is reserved before forwarding and given back when the write
/// turns out not to have stored anything.
/// </summary>
internal sealed class WriteBudget(int limit)
{
    private int _used;

    /// <summary>The most writes the run accepts.</summary>
    public int Limit => limit;

    /// <summary>Takes a slot; false when the limit is reached.</summary>
    public bool TryReserve()
    {
        while (true)
        {
            var used = Volatile.Read(ref _used);
            if (used >= limit)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _used, used + 1, used) == used)
            {
                return true;
            }
        }
    }

    /// <summary>Gives a slot back: the write stored nothing.</summary>
    public void Release() => Interlocked.Decrement(ref _used);
}
