using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace StripeTerminalKit.Checkout;

/// <summary>
/// JSON form of <see cref="CheckoutMachineState"/> for durable checkout stores: what is written
/// before each Stripe call and read back to resume after a crash. Versioned so a later library can
/// refuse, or migrate, a state it does not understand.
/// </summary>
internal static class CheckoutStateSerializer
{
    public const int Version = 1;

    private static readonly JsonSerializerOptions Options = new()
    {
        IncludeFields = true,

        // Most of the machine's own fields hold their default while a checkout is in flight;
        // leaving them out halves the stored state (a store keeps one per checkout), and reading
        // a missing field gives the same default back. Only the machine state's fields: the
        // request has defaults of its own (a missing false would read back as true); nulls can go
        // everywhere, since nothing here defaults to anything but null.
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        TypeInfoResolver = new DefaultJsonTypeInfoResolver { Modifiers = { SkipDefaultStateFields } },
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false) },
    };

    public static string Serialize(in CheckoutMachineState state) =>
        JsonSerializer.Serialize(new Envelope(Version, state), Options);

    /// <exception cref="JsonException">The text is not a checkout state this version understands.</exception>
    public static CheckoutMachineState Deserialize(string json)
    {
        var envelope = JsonSerializer.Deserialize<Envelope>(json, Options);
        if (envelope.V != Version)
        {
            throw new JsonException($"Checkout state version {envelope.V} is not supported (expected {Version}).");
        }

        if (envelope.State.Request is null)
        {
            throw new JsonException("Checkout state has no request.");
        }

        return envelope.State;
    }

    private static void SkipDefaultStateFields(JsonTypeInfo info)
    {
        if (info.Type != typeof(CheckoutMachineState))
        {
            return;
        }

        foreach (var property in info.Properties)
        {
            var empty = property.PropertyType.IsValueType ? Activator.CreateInstance(property.PropertyType) : null;
            property.ShouldSerialize = (_, value) => !Equals(value, empty);
        }
    }

    private readonly record struct Envelope(int V, CheckoutMachineState State);
}
