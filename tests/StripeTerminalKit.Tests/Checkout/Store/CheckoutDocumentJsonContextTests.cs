using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using StripeTerminalKit.Checkout;
using StripeTerminalKit.Payments;

namespace StripeTerminalKit.Tests.Checkout.Store;

/// <summary>
/// The stored document's JSON is source-generated, with each enum's converter listed by type (the
/// reflection-free way). An enum added to the document and not to the list would be written as a
/// number and break the contract; these walk every type the documents reach and catch it.
/// </summary>
public sealed class CheckoutDocumentJsonContextTests
{
    public static TheoryData<string> Contexts => ["v2", "v1"];

    [Theory]
    [MemberData(nameof(Contexts))]
    public void Every_enum_in_the_document_is_written_by_its_snake_case_name(string version)
    {
        var (context, root) = Context(version);

        var enums = ReachableEnums(context, root);

        Assert.Contains(typeof(CheckoutPhase), enums);
        Assert.Contains(typeof(IntentStatus), enums);
        Assert.All(enums, type =>
        {
            var value = Enum.GetValues(type).GetValue(0)!;
            var json = JsonSerializer.Serialize(value, context.GetTypeInfo(type)!);
            Assert.Equal($"\"{JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString()!)}\"", json);
        });
    }

    [Theory]
    [MemberData(nameof(Contexts))]
    public void An_enum_stored_as_a_number_is_refused(string version)
    {
        var (context, _) = Context(version);

        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize("4", context.GetTypeInfo(typeof(CheckoutPhase))!));
    }

    [Fact]
    public void The_document_context_works_with_reflection_switched_off()
    {
        // A trimmed or AOT app runs with reflection-based serialization disabled; the context must not need it.
        var options = new JsonSerializerOptions(CheckoutDocumentJsonContext.Default.Options) { TypeInfoResolver = CheckoutDocumentJsonContext.Default };

        var info = options.GetTypeInfo(typeof(CheckoutDocument));

        Assert.Equal(JsonTypeInfoKind.Object, info.Kind);
        Assert.IsType<CheckoutDocumentJsonContext>(CheckoutDocumentJsonContext.Default.CheckoutDocument.OriginatingResolver);
    }

    private static (JsonSerializerContext Context, Type Root) Context(string version) => version == "v2"
        ? (CheckoutDocumentJsonContext.Default, typeof(CheckoutDocument))
        : (CheckoutDocumentV1.JsonMetadata, typeof(CheckoutDocumentV1).GetNestedType("Envelope", System.Reflection.BindingFlags.NonPublic)!);

    private static HashSet<Type> ReachableEnums(JsonSerializerContext context, Type root)
    {
        var seen = new HashSet<Type>();
        var enums = new HashSet<Type>();
        var queue = new Queue<Type>([root]);
        while (queue.TryDequeue(out var type))
        {
            type = Nullable.GetUnderlyingType(type) ?? type;
            if (!seen.Add(type))
            {
                continue;
            }

            if (type.IsEnum)
            {
                enums.Add(type);
                continue;
            }

            var info = context.GetTypeInfo(type) ?? throw new InvalidOperationException($"{context.GetType().Name} has no metadata for {type}");
            foreach (var property in info.Properties)
            {
                queue.Enqueue(property.PropertyType);
            }

            if (info.ElementType is { } element)
            {
                queue.Enqueue(element);
            }

            foreach (var derived in info.PolymorphismOptions?.DerivedTypes ?? [])
            {
                queue.Enqueue(derived.DerivedType);
            }
        }

        return enums;
    }
}
