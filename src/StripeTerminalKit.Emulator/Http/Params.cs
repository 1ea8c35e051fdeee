using System.Globalization;

namespace StripeTerminalKit.Emulator.Http;

/// <summary>
/// Reads request parameters the way Stripe validates them: every parameter an endpoint reads is
/// marked as used, and anything left over is an unknown parameter. Types, ranges and enums are
/// checked with Stripe's error codes and messages, naming the parameter in bracket notation.
/// </summary>
internal sealed class Params
{
    private readonly FormNode _node;
    private readonly string _prefix;
    private readonly HashSet<string> _used = new(StringComparer.Ordinal);
    private readonly List<Params> _nested = [];

    public Params(FormNode node, string prefix = "")
    {
        _node = node;
        _prefix = prefix;
    }

    public bool Has(string name) => _node.Children.ContainsKey(name);

    public bool IsEmpty => _node.Children.Count == 0;

    public string PathOf(string name) => _prefix.Length == 0 ? name : $"{_prefix}[{name}]";

    private FormNode? Take(string name)
    {
        _used.Add(name);
        return _node.Children.TryGetValue(name, out var n) ? n : null;
    }

    public string? String(string name, bool required = false, int maxLength = 5000, bool allowEmpty = true)
    {
        var n = Take(name);
        if (n is null)
        {
            return required ? throw ApiErrorException.Missing(PathOf(name)) : null;
        }

        if (!n.IsLeaf || n.Value is null)
        {
            throw ApiErrorException.InvalidRequest($"Invalid string: {PathOf(name)} must be a string, not a hash or array.", PathOf(name));
        }

        if (n.Value.Length == 0 && (required || !allowEmpty))
        {
            throw new ApiErrorException(400, "invalid_request_error", "parameter_invalid_empty",
                $"You passed an empty string for '{PathOf(name)}'. We assume empty values are an attempt to unset a parameter; however '{PathOf(name)}' cannot be unset. You should remove '{PathOf(name)}' from your request or supply a non-empty value.", PathOf(name))
            { BeforeExecution = true };
        }

        if (n.Value.Length > maxLength)
        {
            throw ApiErrorException.InvalidRequest($"Invalid {PathOf(name)}: must be at most {maxLength} characters", PathOf(name), "parameter_invalid_string_too_long");
        }

        return n.Value;
    }

    public string? Enum(string name, bool required, params string[] allowed)
    {
        var value = String(name, required);
        if (value is null || (value.Length == 0 && !required))
        {
            return value is { Length: 0 } ? null : value;
        }

        if (Array.IndexOf(allowed, value) < 0)
        {
            throw ApiErrorException.InvalidRequest(
                $"Invalid {PathOf(name)}: must be one of {string.Join(", ", allowed)}", PathOf(name));
        }

        return value;
    }

    public long? Long(string name, bool required = false, long min = long.MinValue, long max = long.MaxValue)
    {
        var s = String(name, required, allowEmpty: false);
        if (s is null)
        {
            return null;
        }

        if (!long.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v))
        {
            throw new ApiErrorException(400, "invalid_request_error", "parameter_invalid_integer",
                $"Invalid integer: {s}", PathOf(name))
            { BeforeExecution = true };
        }

        if (v < min || v > max)
        {
            throw new ApiErrorException(400, "invalid_request_error", "parameter_invalid_integer",
                $"Invalid integer: {PathOf(name)} must be between {min} and {max}", PathOf(name))
            { BeforeExecution = true };
        }

        return v;
    }

    public bool? Bool(string name)
    {
        var s = String(name, allowEmpty: false);
        return s switch
        {
            null => null,
            "true" => true,
            "false" => false,
            _ => throw ApiErrorException.InvalidRequest($"Invalid boolean: {s}", PathOf(name)),
        };
    }

    /// <summary>A nested hash (<c>name[key]=…</c>), or null when absent or sent as "" (unset).</summary>
    public Params? Object(string name, bool required = false)
    {
        var n = Take(name);
        if (n is null || (n.IsLeaf && n.Value is { Length: 0 }))
        {
            return required ? throw ApiErrorException.Missing(PathOf(name)) : null;
        }

        if (n.IsLeaf)
        {
            throw ApiErrorException.InvalidRequest($"Invalid object: {PathOf(name)} must be a hash", PathOf(name));
        }

        var p = new Params(n, PathOf(name));
        _nested.Add(p);
        return p;
    }

    /// <summary>A list sent as <c>name[0]…name[n]</c> (or <c>name[]</c>); each item a hash.</summary>
    public IReadOnlyList<Params>? ObjectList(string name, bool required = false, int maxItems = 100)
    {
        var items = ListNodes(name, required, maxItems);
        if (items is null)
        {
            return null;
        }

        var result = new List<Params>(items.Count);
        for (var i = 0; i < items.Count; i++)
        {
            var path = $"{PathOf(name)}[{i}]";
            if (items[i].IsLeaf)
            {
                throw ApiErrorException.InvalidRequest($"Invalid object: {path} must be a hash", path);
            }

            var p = new Params(items[i], path);
            _nested.Add(p);
            result.Add(p);
        }

        return result;
    }

    public IReadOnlyList<string>? StringList(string name, bool required = false, int maxItems = 100)
    {
        var items = ListNodes(name, required, maxItems);
        if (items is null)
        {
            return null;
        }

        var result = new List<string>(items.Count);
        for (var i = 0; i < items.Count; i++)
        {
            if (!items[i].IsLeaf || items[i].Value is null)
            {
                throw ApiErrorException.InvalidRequest($"Invalid array: {PathOf(name)}[{i}] must be a string", PathOf(name));
            }

            result.Add(items[i].Value!);
        }

        return result;
    }

    private List<FormNode>? ListNodes(string name, bool required, int maxItems)
    {
        var n = Take(name);
        if (n is null || (n.IsLeaf && n.Value is { Length: 0 }))
        {
            return required ? throw ApiErrorException.Missing(PathOf(name)) : null;
        }

        if (n.IsLeaf)
        {
            throw ApiErrorException.InvalidRequest($"Invalid array: {PathOf(name)} must be an array", PathOf(name));
        }

        var list = new List<FormNode>(n.Children.Count);
        for (var i = 0; i < n.Children.Count; i++)
        {
            if (!n.Children.TryGetValue(i.ToString(CultureInfo.InvariantCulture), out var item))
            {
                throw ApiErrorException.InvalidRequest($"Invalid array: {PathOf(name)} must be indexed from 0 without gaps", PathOf(name));
            }

            list.Add(item);
        }

        if (list.Count > maxItems)
        {
            throw ApiErrorException.InvalidRequest($"Invalid array: {PathOf(name)} must have at most {maxItems} items", PathOf(name));
        }

        return list;
    }

    /// <summary>
    /// Stripe metadata: at most 50 keys, keys up to 40 characters, values up to 500. An empty
    /// value unsets a key; <c>metadata=</c> unsets them all (returned as an empty update with
    /// <paramref name="clearAll"/> set).
    /// </summary>
    public Dictionary<string, string?>? Metadata(string name, out bool clearAll)
    {
        clearAll = false;
        var n = Take(name);
        if (n is null)
        {
            return null;
        }

        if (n.IsLeaf)
        {
            if (n.Value is { Length: 0 })
            {
                clearAll = true;
                return [];
            }

            throw ApiErrorException.InvalidRequest($"Invalid object: {PathOf(name)} must be a hash", PathOf(name));
        }

        if (n.Children.Count > 50)
        {
            throw ApiErrorException.InvalidRequest("Invalid metadata: metadata can have up to 50 keys, but you passed in " + n.Children.Count.ToString(CultureInfo.InvariantCulture) + " keys.", PathOf(name));
        }

        var result = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var (key, child) in n.Children)
        {
            if (!child.IsLeaf)
            {
                throw ApiErrorException.InvalidRequest($"Invalid metadata: {PathOf(name)}[{key}] must be a string", $"{PathOf(name)}[{key}]");
            }

            if (key.Length > 40)
            {
                throw ApiErrorException.InvalidRequest($"Invalid metadata: keys can be at most 40 characters long, but you passed in a key of {key.Length} characters.", $"{PathOf(name)}[{key}]");
            }

            if (child.Value!.Length > 500)
            {
                throw ApiErrorException.InvalidRequest($"Invalid metadata: values can be at most 500 characters long, but you passed in a value of {child.Value.Length} characters.", $"{PathOf(name)}[{key}]");
            }

            result[key] = child.Value.Length == 0 ? null : child.Value;
        }

        return result;
    }

    public Dictionary<string, string> MetadataForCreate(string name)
    {
        var update = Metadata(name, out _);
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (update is not null)
        {
            foreach (var (k, v) in update)
            {
                if (v is not null)
                {
                    result[k] = v;
                }
            }
        }

        return result;
    }

    /// <summary>Throws <c>parameter_unknown</c> for the first parameter no one read.</summary>
    public void EnsureNoUnknown()
    {
        foreach (var key in _node.Children.Keys)
        {
            if (!_used.Contains(key))
            {
                throw ApiErrorException.Unknown(PathOf(key));
            }
        }

        foreach (var nested in _nested)
        {
            nested.EnsureNoUnknown();
        }
    }

    internal static void ApplyMetadata(Dictionary<string, string> target, Dictionary<string, string?>? update, bool clearAll)
    {
        if (clearAll)
        {
            target.Clear();
        }

        if (update is null)
        {
            return;
        }

        foreach (var (k, v) in update)
        {
            if (v is null)
            {
                target.Remove(k);
            }
            else
            {
                target[k] = v;
            }
        }

        if (target.Count > 50)
        {
            throw ApiErrorException.InvalidRequest("Invalid metadata: metadata can have up to 50 keys.", "metadata");
        }
    }
}
