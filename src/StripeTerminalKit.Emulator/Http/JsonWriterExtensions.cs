using System.Text.Json;

namespace StripeTerminalKit.Emulator.Http;

/// <summary>Small helpers so resource writers read like the JSON they produce.</summary>
internal static class JsonWriterExtensions
{
    public static void Str(this Utf8JsonWriter w, string name, string? value)
    {
        if (value is null)
        {
            w.WriteNull(name);
        }
        else
        {
            w.WriteString(name, value);
        }
    }

    public static void Num(this Utf8JsonWriter w, string name, long? value)
    {
        if (value is null)
        {
            w.WriteNull(name);
        }
        else
        {
            w.WriteNumber(name, value.Value);
        }
    }

    public static void Bool(this Utf8JsonWriter w, string name, bool? value)
    {
        if (value is null)
        {
            w.WriteNull(name);
        }
        else
        {
            w.WriteBoolean(name, value.Value);
        }
    }

    public static void Map(this Utf8JsonWriter w, string name, IReadOnlyDictionary<string, string> values)
    {
        w.WriteStartObject(name);
        foreach (var (k, v) in values)
        {
            w.WriteString(k, v);
        }

        w.WriteEndObject();
    }
}

/// <summary>The <c>expand[]</c> paths of a request.</summary>
internal sealed class ExpandSet
{
    public static readonly ExpandSet None = new([]);

    private readonly HashSet<string> _paths;

    public ExpandSet(IEnumerable<string> paths) => _paths = new HashSet<string>(paths, StringComparer.Ordinal);

    /// <summary>Whether <paramref name="path"/> is expanded: named itself, or implied by a deeper path through it (Stripe expands the parents too).</summary>
    public bool Has(string path) =>
        _paths.Count > 0 && (_paths.Contains(path) || _paths.Any(p => p.Length > path.Length && p[path.Length] == '.' && p.StartsWith(path, StringComparison.Ordinal)));

    /// <summary>The same set seen from inside a field (for list responses: <c>data.x</c> → <c>x</c>).</summary>
    public ExpandSet Under(string prefix)
    {
        if (_paths.Count == 0)
        {
            return None;
        }

        var p = prefix + ".";
        return new ExpandSet(_paths.Where(x => x.StartsWith(p, StringComparison.Ordinal)).Select(x => x[p.Length..]));
    }

    public IEnumerable<string> Paths => _paths;

    /// <summary>Rejects paths the resource cannot expand, as Stripe does.</summary>
    public void Validate(IReadOnlyCollection<string> allowed)
    {
        foreach (var p in _paths)
        {
            if (!allowed.Contains(p))
            {
                throw ApiErrorException.InvalidRequest($"This property cannot be expanded ({p}).", "expand");
            }
        }
    }
}
