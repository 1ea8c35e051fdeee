using System.Text.Json;
using StripeTerminalKit.Emulator.Http;

namespace StripeTerminalKit.Emulator.Resources;

/// <summary>Base of every stored Stripe object: id, creation order, owning account.</summary>
internal abstract class Resource
{
    public required string Id { get; init; }

    /// <summary>Connected account (<c>Stripe-Account</c>) that owns the object; null for the platform.</summary>
    public string? Account { get; init; }

    public long Created { get; init; }

    /// <summary>Monotonic creation sequence; lists are newest first by this.</summary>
    public long Sequence { get; init; }

    public bool Deleted { get; set; }

    public abstract void Write(Utf8JsonWriter w, EmulatorState state, ExpandSet expand);
}
