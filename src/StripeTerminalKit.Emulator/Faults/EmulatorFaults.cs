namespace StripeTerminalKit.Emulator;

/// <summary>
/// Seeded, scoped fault injection: request faults by rule, and reader faults (offline, dropped
/// mid-payment) by reader.
/// </summary>
public sealed class EmulatorFaults
{
    private readonly Lock _gate = new();
    private readonly Random _random;
    private readonly TimeProvider _time;
    private readonly List<RuleState> _rules = [];
    private readonly List<InjectedFault> _history = [];
    private readonly StripeEmulator _emulator;

    internal EmulatorFaults(StripeEmulator emulator, TimeProvider time, Random random)
    {
        _emulator = emulator;
        _time = time;
        _random = random;
    }

    /// <summary>Adds a rule; dispose the result to remove it.</summary>
    public IDisposable Add(FaultRule rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        if (rule.Probability is < 0 or > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(rule), rule.Probability, "Probability must be between 0 and 1.");
        }

        var state = new RuleState(rule);
        lock (_gate)
        {
            _rules.Add(state);
        }

        return new Removal(this, state);
    }

    /// <summary>Removes every rule (reader faults stay until restored).</summary>
    public void Clear()
    {
        lock (_gate)
        {
            _rules.Clear();
        }
    }

    /// <summary>Every fault injected so far.</summary>
    public IReadOnlyList<InjectedFault> History
    {
        get
        {
            lock (_gate)
            {
                return _history.ToArray();
            }
        }
    }

    /// <summary>How many faults were injected, including reader drops.</summary>
    public int InjectedCount
    {
        get
        {
            lock (_gate)
            {
                return _history.Count;
            }
        }
    }

    /// <summary>Takes a reader offline (or back online). Actions on an offline reader answer <c>terminal_reader_offline</c>.</summary>
    public void SetReaderOffline(string readerId, bool offline = true) => _emulator.Engine.SetReaderOnline(readerId, !offline);

    /// <summary>
    /// The reader loses its connection mid-payment: its current (or next) payment action stays
    /// <c>in_progress</c> forever and no webhook is sent, as Stripe documents. With
    /// <paramref name="afterAuthorization"/> the card is authorised first, so the money moved but
    /// nobody is told.
    /// </summary>
    public void DropReader(string readerId, bool afterAuthorization = false)
    {
        _emulator.Engine.DropReader(readerId, afterAuthorization);
        Record(new InjectedFault(_time.GetUtcNow(), FaultKind.ReaderOffline, "reader.drop", readerId, null));
    }

    /// <summary>Brings a dropped or offline reader back; a stuck action stays until cancelled.</summary>
    public void RestoreReader(string readerId) => _emulator.Engine.RestoreReader(readerId);

    internal FaultRule? Match(string operation, string? readerId, string? idempotencyKey, bool readerAction)
    {
        lock (_gate)
        {
            foreach (var s in _rules)
            {
                var r = s.Rule;
                if ((r.Operation is not null && r.Operation != operation) || (r.ReaderId is not null && r.ReaderId != readerId))
                {
                    continue;
                }

                // A reader fault never fires (nor counts a match) on a request the reader does not see.
                if (r.Kind is FaultKind.ReaderOffline or FaultKind.ReaderBusy or FaultKind.ReaderHardwareFault && !readerAction)
                {
                    continue;
                }

                if (r.MaxTimes is { } max && s.Fired >= max)
                {
                    continue;
                }

                s.Matches++;
                var fire = r.NthMatch is { } nth ? s.Matches == nth : (r.Probability >= 1 || _random.NextDouble() < r.Probability);
                if (!fire)
                {
                    continue;
                }

                s.Fired++;
                _history.Add(new InjectedFault(_time.GetUtcNow(), r.Kind, operation, readerId, idempotencyKey));
                return r;
            }

            return null;
        }
    }

    private void Record(InjectedFault fault)
    {
        lock (_gate)
        {
            _history.Add(fault);
        }
    }

    private sealed class RuleState(FaultRule rule)
    {
        public FaultRule Rule { get; } = rule;
        public int Matches { get; set; }
        public int Fired { get; set; }
    }

    private sealed class Removal(EmulatorFaults owner, RuleState state) : IDisposable
    {
        public void Dispose()
        {
            lock (owner._gate)
            {
                owner._rules.Remove(state);
            }
        }
    }
}
