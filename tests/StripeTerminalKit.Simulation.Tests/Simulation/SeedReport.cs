using System.Globalization;
using System.Text;
using StripeTerminalKit.Checkout;

namespace StripeTerminalKit.Simulation.Tests.Simulation;

/// <summary>What one seed did and found.</summary>
internal sealed class SeedReport(int seed)
{
    public int Seed { get; } = seed;

    public int Checkouts { get; set; }

    public Dictionary<string, int> Outcomes { get; } = new(StringComparer.Ordinal);

    /// <summary>Faults injected, by kind (emulator request faults, reader faults, webhook faults, crashes, lost records).</summary>
    public Dictionary<string, int> Faults { get; } = new(StringComparer.Ordinal);

    public long InvariantChecks { get; set; }

    public List<string> Violations { get; } = [];

    public int RequestsReleased { get; set; }

    public int WebhooksDelivered { get; set; }

    public int Operations { get; set; }

    public TimeSpan SimulatedTime { get; set; }

    /// <summary>A fingerprint of everything the world released, in order: equal on every replay of the seed.</summary>
    public ulong Trace { get; set; }

    public bool Passed => Violations.Count == 0;

    public void Count(string fault, int n = 1)
    {
        if (n > 0)
        {
            Faults[fault] = Faults.GetValueOrDefault(fault) + n;
        }
    }

    public void Outcome(CheckoutState state) => Outcomes[state.ToString()] = Outcomes.GetValueOrDefault(state.ToString()) + 1;

    public override string ToString()
    {
        var s = new StringBuilder();
        s.Append(CultureInfo.InvariantCulture, $"seed {Seed}: {Checkouts} checkouts, {RequestsReleased} requests, {WebhooksDelivered} webhooks, {InvariantChecks} checks, simulated {SimulatedTime}, trace {Trace:x16}");
        s.Append(CultureInfo.InvariantCulture, $"\n  outcomes: {string.Join(", ", Outcomes.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"))}");
        s.Append(CultureInfo.InvariantCulture, $"\n  faults: {string.Join(", ", Faults.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"))}");
        foreach (var v in Violations)
        {
            s.Append("\n  VIOLATION: ").Append(v);
        }

        return s.ToString();
    }
}

/// <summary>FNV-1a, 64 bits: a cheap, stable fingerprint of the run.</summary>
internal sealed class TraceHash
{
    private ulong _value = 14695981039346656037UL;

    /// <summary>Every entry, when kept (to find where two runs of a seed part ways).</summary>
    public List<string>? Entries { get; init; }

    public ulong Value => _value;

    public void Add(string text)
    {
        Entries?.Add(text);
        foreach (var c in text)
        {
            _value = (_value ^ c) * 1099511628211UL;
        }

        _value = (_value ^ 0xFF) * 1099511628211UL;
    }
}
