using System.Text.Json;
using System.Text.Json.Nodes;
using NJsonSchema;
using NJsonSchema.Validation;

namespace StripeTerminalKit.Emulator.Tests.Support;

/// <summary>
/// The component schemas of <c>TestData/openapi-terminal-subset.json</c> as JSON Schemas that
/// NJsonSchema can validate against. OpenAPI 3.0 is not JSON Schema: <c>nullable: true</c> becomes
/// a <c>null</c> alternative, <c>#/components/schemas/X</c> refs become <c>#/definitions/X</c>,
/// and vendor extensions (<c>x-…</c>, some of which hold refs) are dropped. Each 200 response
/// schema of the spec's operations is added as a definition too, so list envelopes are checked
/// with the spec's own <c>url</c> patterns and item types.
/// </summary>
internal sealed class OpenApiSchemas
{
    private const string OperationPrefix = "operation ";

    private static readonly Lazy<OpenApiSchemas> LenientInstance = new(() => Load(strict: false));
    private static readonly Lazy<OpenApiSchemas> StrictInstance = new(() => Load(strict: true));

    private readonly JsonSchema _root;
    private readonly List<(string Method, string[] Segments, string Key)> _operations;

    private OpenApiSchemas(JsonSchema root, List<(string Method, string[] Segments, string Key)> operations)
    {
        _root = root;
        _operations = operations;
    }

    /// <summary>The spec as written: objects may carry properties the spec does not list.</summary>
    public static OpenApiSchemas Lenient => LenientInstance.Value;

    /// <summary>
    /// The spec with <c>additionalProperties: false</c> on every object that lists its
    /// properties: catches misspelt or invented fields, at the price of flagging fields that
    /// Stripe added after the snapshot the subset was cut from. An <c>anyOf</c> whose branches
    /// each list part of an object's fields (the 2023 <c>payment_method_options.card_present</c>)
    /// cannot be expressed this way, so bodies that fill both parts fail it.
    /// </summary>
    public static OpenApiSchemas Strict => StrictInstance.Value;

    public static string SpecPath => Path.Combine(AppContext.BaseDirectory, "TestData", "openapi-terminal-subset.json");

    public bool HasComponent(string name) => _root.Definitions.ContainsKey(name);

    /// <summary>Validates <paramref name="json"/> against <c>#/components/schemas/{component}</c>.</summary>
    public IReadOnlyList<string> Validate(string component, string json)
    {
        if (!_root.Definitions.TryGetValue(component, out var schema))
        {
            return [$"the OpenAPI subset has no schema '{component}'"];
        }

        return Flatten(schema.Validate(json), component);
    }

    /// <summary>The schema key of the spec operation matching a request, if the subset has it.</summary>
    public string? OperationSchema(string method, string path)
    {
        var segments = path.Trim('/').Split('/');
        foreach (var (m, template, key) in _operations)
        {
            if (m != method || template.Length != segments.Length)
            {
                continue;
            }

            var match = true;
            for (var i = 0; i < template.Length && match; i++)
            {
                match = template[i].StartsWith('{') || template[i] == segments[i];
            }

            if (match)
            {
                return key;
            }
        }

        return null;
    }

    private static List<string> Flatten(ICollection<ValidationError> errors, string component)
    {
        var result = new List<string>();
        void Add(ValidationError e, string indent)
        {
            result.Add($"{indent}[{component}] {e.Kind} at '{e.Path}' (property {e.Property})");
            if (e is ChildSchemaValidationError child)
            {
                foreach (var (_, nested) in child.Errors)
                {
                    foreach (var n in nested)
                    {
                        Add(n, indent + "  ");
                    }
                }
            }
        }

        foreach (var e in errors)
        {
            Add(e, "");
        }

        return result;
    }

    private static OpenApiSchemas Load(bool strict)
    {
        var spec = JsonNode.Parse(File.ReadAllText(SpecPath))!.AsObject();
        var definitions = new JsonObject();
        foreach (var (name, schema) in spec["components"]!["schemas"]!.AsObject())
        {
            definitions[name] = schema!.DeepClone();
        }

        var operations = new List<(string, string[], string)>();
        foreach (var (path, item) in spec["paths"]!.AsObject())
        {
            foreach (var (method, operation) in item!.AsObject())
            {
                var schema = operation?["responses"]?["200"]?["content"]?["application/json"]?["schema"];
                if (schema is null)
                {
                    continue;
                }

                var key = OperationPrefix + method.ToUpperInvariant() + " " + path;
                definitions[key] = schema.DeepClone();
                operations.Add((method.ToUpperInvariant(), path.Trim('/').Split('/'), key));
            }
        }

        foreach (var (_, schema) in definitions)
        {
            Convert(schema!, strict);
        }

        var document = new JsonObject { ["definitions"] = definitions };
        var root = JsonSchema.FromJsonAsync(document.ToJsonString()).GetAwaiter().GetResult();
        return new OpenApiSchemas(root, operations);
    }

    /// <summary>Rewrites one OpenAPI 3.0 schema node (and its children) into JSON Schema draft 4.</summary>
    private static void Convert(JsonNode node, bool strict)
    {
        if (node is JsonArray array)
        {
            foreach (var item in array)
            {
                if (item is not null)
                {
                    Convert(item, strict);
                }
            }

            return;
        }

        if (node is not JsonObject obj)
        {
            return;
        }

        foreach (var key in obj.Select(p => p.Key).Where(k => k.StartsWith("x-", StringComparison.Ordinal) || k is "description" or "title" or "format").ToList())
        {
            obj.Remove(key);
        }

        if (obj["$ref"] is JsonValue r && r.TryGetValue<string>(out var reference))
        {
            obj["$ref"] = reference.Replace("#/components/schemas/", "#/definitions/", StringComparison.Ordinal);
        }

        // Children first: "properties" is a map of schemas, the rest are schemas or lists of schemas.
        foreach (var (key, child) in obj.ToList())
        {
            if (child is null || key is "enum" or "required")
            {
                continue;
            }

            if (key == "properties" && child is JsonObject properties)
            {
                foreach (var (_, property) in properties)
                {
                    if (property is not null)
                    {
                        Convert(property, strict);
                    }
                }
            }
            else
            {
                Convert(child, strict);
            }
        }

        if (strict && obj["properties"] is JsonObject && !obj.ContainsKey("additionalProperties"))
        {
            obj["additionalProperties"] = false;
        }

        if (obj["nullable"] is JsonValue n && n.TryGetValue<bool>(out var nullable))
        {
            obj.Remove("nullable");
            if (nullable)
            {
                MakeNullable(obj);
            }
        }
    }

    private static void MakeNullable(JsonObject obj)
    {
        if (obj["anyOf"] is JsonArray anyOf)
        {
            anyOf.Add(new JsonObject { ["type"] = "null" });
            return;
        }

        if (obj["type"] is JsonValue t && t.TryGetValue<string>(out var type))
        {
            obj["type"] = new JsonArray(type, "null");
            if (obj["enum"] is JsonArray values)
            {
                values.Add(null);
            }

            return;
        }

        // A bare $ref, allOf or oneOf: wrap it.
        var inner = new JsonObject();
        foreach (var (key, value) in obj.ToList())
        {
            obj.Remove(key);
            inner[key] = value;
        }

        obj["anyOf"] = new JsonArray(new JsonObject { ["type"] = "null" }, inner);
    }

    /// <summary>Reads <c>object</c> and <c>deleted</c> of a JSON object body, for picking its schema.</summary>
    public static string? ComponentOf(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty("object", out var o) || o.ValueKind != JsonValueKind.String)
        {
            return null;
        }

        var type = o.GetString()!;
        var deleted = element.TryGetProperty("deleted", out var d) && d.ValueKind == JsonValueKind.True;
        return type switch
        {
            "terminal.reader" or "terminal.location" when deleted => "deleted_" + type,
            _ => type,
        };
    }
}
