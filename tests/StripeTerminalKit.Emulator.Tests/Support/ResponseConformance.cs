using System.Collections.Concurrent;
using System.Text.Json;

namespace StripeTerminalKit.Emulator.Tests.Support;

/// <summary>One request and the emulator's answer, as seen on the wire.</summary>
internal sealed record WireExchange(string Method, string PathAndQuery, string? RequestBody, int Status, string Body, string? RequestId);

/// <summary>
/// Checks every response body the emulator sends against the OpenAPI subset: errors against
/// <c>error</c>, objects against the component named by their <c>object</c> field (recursing into
/// list items and event <c>data.object</c>), and, when the subset has the operation, against the
/// operation's own 200 schema. A 5xx that no fault rule asked for is a violation too.
/// </summary>
internal sealed class ResponseConformance
{
    private readonly ConcurrentQueue<WireExchange> _exchanges = new();
    private readonly ConcurrentQueue<string> _violations = new();

    public IReadOnlyList<WireExchange> Exchanges => _exchanges.ToArray();

    public IReadOnlyList<string> Violations => _violations.ToArray();

    private readonly ConcurrentQueue<string> _unsurfaced = new();

    /// <summary>
    /// Violations no exception reported: those of webhook payloads (a response's violations fail
    /// its call at once, see <see cref="ConformanceHandler"/>).
    /// </summary>
    public IReadOnlyList<string> UnsurfacedViolations => _unsurfaced.ToArray();

    /// <summary>When true, 5xx answers are expected (fault-injection tests) and not violations.</summary>
    public bool ServerErrorsExpected { get; set; }

    /// <summary>Names of the components validated so far: lets a test prove it covered a schema.</summary>
    public ConcurrentDictionary<string, int> ValidatedComponents { get; } = new(StringComparer.Ordinal);

    public IReadOnlyList<string> Check(WireExchange exchange)
    {
        _exchanges.Enqueue(exchange);
        var problems = Validate(exchange);
        foreach (var p in problems)
        {
            _violations.Enqueue(p);
        }

        return problems;
    }

    /// <summary>Validates a webhook payload: the event envelope and its <c>data.object</c>.</summary>
    public void CheckEvent(string json)
    {
        var problems = new List<string>();
        using (var document = JsonDocument.Parse(json))
        {
            var root = document.RootElement;
            if (OpenApiSchemas.ComponentOf(root) != "event")
            {
                problems.Add($"webhook payload is not an event: {json}");
            }
            else
            {
                ByObject(root, "webhook", problems);
            }
        }

        WebhookEvents.Enqueue(json);
        foreach (var p in problems)
        {
            _violations.Enqueue(p);
            _unsurfaced.Enqueue(p);
        }
    }

    /// <summary>Every webhook payload delivered, in delivery order.</summary>
    public ConcurrentQueue<string> WebhookEvents { get; } = new();

    private List<string> Validate(WireExchange x)
    {
        var problems = new List<string>();
        var where = $"{x.Method} {x.PathAndQuery} → {x.Status}";
        if (x.Status >= 500 && !ServerErrorsExpected)
        {
            problems.Add($"{where}: unexpected server error: {x.Body}");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(x.Body);
        }
        catch (JsonException e)
        {
            problems.Add($"{where}: body is not JSON ({e.Message}): {x.Body}");
            return problems;
        }

        using (document)
        {
            var root = document.RootElement;
            if (x.Status >= 400)
            {
                Against("error", root, where, problems);
                return problems;
            }

            var path = x.PathAndQuery.Split('?')[0];
            if (OpenApiSchemas.Lenient.OperationSchema(x.Method, path) is { } operation)
            {
                Against(operation, root, where, problems);
            }

            ByObject(root, where, problems);
        }

        return problems;
    }

    /// <summary>Validates an object by its <c>object</c> field, and what it carries: list items, event payloads.</summary>
    public void ByObject(JsonElement element, string where, List<string> problems)
    {
        var component = OpenApiSchemas.ComponentOf(element);
        if (component is null)
        {
            problems.Add($"{where}: response has no string 'object' field: {element.GetRawText()}");
            return;
        }

        if (component == "list")
        {
            if (!element.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Array)
            {
                problems.Add($"{where}: list without a data array");
                return;
            }

            foreach (var item in data.EnumerateArray())
            {
                ByObject(item, where + " data[]", problems);
            }

            foreach (var required in new[] { "has_more", "url" })
            {
                if (!element.TryGetProperty(required, out _))
                {
                    problems.Add($"{where}: list without '{required}'");
                }
            }

            return;
        }

        Against(component, element, where, problems);
        if (component == "event")
        {
            if (element.TryGetProperty("data", out var data) && data.TryGetProperty("object", out var payload))
            {
                ByObject(payload, where + $" event {Type(element)} data.object", problems);
            }
            else
            {
                problems.Add($"{where}: event without data.object");
            }
        }
    }

    private void Against(string component, JsonElement element, string where, List<string> problems)
    {
        ValidatedComponents.AddOrUpdate(component, 1, (_, n) => n + 1);
        foreach (var error in OpenApiSchemas.Lenient.Validate(component, element.GetRawText()))
        {
            problems.Add($"{where}: {error}");
        }
    }

    private static string Type(JsonElement e) => e.TryGetProperty("type", out var t) ? t.ToString() : "?";
}
