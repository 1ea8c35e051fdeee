using System.Net;

namespace StripeTerminalKit.Emulator.Http;

/// <summary>
/// A node of a form-encoded request in Stripe's bracket notation
/// (<c>a[b][0][c]=v</c>): a leaf value or a map of named children. Lists are maps whose keys
/// are indexes, because on the wire the two cannot be told apart until a parameter is read.
/// </summary>
internal sealed class FormNode
{
    private Dictionary<string, FormNode>? _children;

    public string? Value { get; private set; }

    public bool IsLeaf => _children is null;

    public IReadOnlyDictionary<string, FormNode> Children =>
        (IReadOnlyDictionary<string, FormNode>?)_children ?? EmptyChildren;

    private static readonly Dictionary<string, FormNode> EmptyChildren = [];

    public static FormNode Empty() => new() { _children = [] };

    internal FormNode GetOrAddChild(string key)
    {
        _children ??= new Dictionary<string, FormNode>(StringComparer.Ordinal);
        if (!_children.TryGetValue(key, out var child))
        {
            child = new FormNode();
            _children[key] = child;
        }

        return child;
    }

    internal void SetValue(string value) => Value = value;
}

/// <summary>Parses <c>application/x-www-form-urlencoded</c> bodies and query strings.</summary>
internal static class FormParser
{
    /// <summary>Parses the form; throws <see cref="ApiErrorException"/> for malformed keys.</summary>
    public static FormNode Parse(string? form)
    {
        var root = FormNode.Empty();
        if (string.IsNullOrEmpty(form))
        {
            return root;
        }

        if (form[0] == '?')
        {
            form = form[1..];
        }

        var listCounters = new Dictionary<FormNode, int>();
        foreach (var pair in form.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            var rawKey = eq < 0 ? pair : pair[..eq];
            var rawValue = eq < 0 ? string.Empty : pair[(eq + 1)..];
            var key = WebUtility.UrlDecode(rawKey);
            var value = WebUtility.UrlDecode(rawValue);
            Insert(root, key, value, listCounters);
        }

        return root;
    }

    /// <summary>
    /// The parameters of a form in one canonical spelling: names sorted, values decoded, list
    /// items in their order. Two bodies with the same fields in another order (or another
    /// percent-encoding) give the same text; a malformed body gives itself.
    /// </summary>
    public static string Canonical(string? form)
    {
        FormNode root;
        try
        {
            root = Parse(form);
        }
        catch (ApiErrorException)
        {
            return "raw:" + form;
        }

        var sb = new System.Text.StringBuilder();
        Write(sb, root);
        return sb.ToString();

        static void Write(System.Text.StringBuilder sb, FormNode node)
        {
            if (node.IsLeaf)
            {
                sb.Append('=').Append(node.Value?.Length ?? 0).Append(':').Append(node.Value);
                return;
            }

            sb.Append('{');
            foreach (var (key, child) in node.Children.OrderBy(c => c.Key, StringComparer.Ordinal))
            {
                sb.Append(key.Length).Append(':').Append(key);
                Write(sb, child);
            }

            sb.Append('}');
        }
    }

    private static void Insert(FormNode root, string key, string value, Dictionary<FormNode, int> listCounters)
    {
        var open = key.IndexOf('[', StringComparison.Ordinal);
        var head = open < 0 ? key : key[..open];
        if (head.Length == 0)
        {
            throw ApiErrorException.InvalidRequest($"Invalid parameter name: {key}", key);
        }

        var node = root.GetOrAddChild(head);
        var pos = open;
        while (pos >= 0 && pos < key.Length)
        {
            if (key[pos] != '[')
            {
                throw ApiErrorException.InvalidRequest($"Invalid parameter name: {key}", key);
            }

            var close = key.IndexOf(']', pos);
            if (close < 0)
            {
                throw ApiErrorException.InvalidRequest($"Invalid parameter name: {key}", key);
            }

            var segment = key[(pos + 1)..close];
            if (segment.Length == 0)
            {
                // "a[]=x": append to a list.
                listCounters.TryGetValue(node, out var next);
                listCounters[node] = next + 1;
                segment = next.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            if (node.Value is not null)
            {
                throw ApiErrorException.InvalidRequest($"Invalid parameter: {key} mixes a value and nested fields", key);
            }

            node = node.GetOrAddChild(segment);
            pos = close + 1;
        }

        if (!node.IsLeaf)
        {
            throw ApiErrorException.InvalidRequest($"Invalid parameter: {key} mixes a value and nested fields", key);
        }

        node.SetValue(value);
    }
}
