namespace StripeTerminalKit.Checkout;

/// <summary>
/// A <see cref="CheckoutRecord"/>'s document: given as text, or written from the checkout's state
/// the first time a store reads it. A durable store reads it as it saves, so nothing changes there;
/// the in-memory store only reads it when a checkout is loaded, so a checkout's five or six saves
/// cost a dictionary update each instead of a 2–3 KB JSON document each (the kit-vs-raw overhead
/// benchmark's largest share of the kit's own time, issue 17).
/// </summary>
/// <remarks>
/// The state is a value that the machine never changes in place (it returns changed copies), and
/// everything it references is immutable, so the copy held here is the state as saved. Written
/// twice by two threads at once, the two texts are equal: either may be kept.
/// </remarks>
internal sealed class StoredDocument : IEquatable<StoredDocument>
{
    private static readonly StoredDocument Empty = new(string.Empty);

    private readonly CheckoutMachineState _state;
    private readonly bool _fromState;
    private string? _json;

    private StoredDocument(string json) => _json = json;

    private StoredDocument(in CheckoutMachineState state)
    {
        _state = state;
        _fromState = true;
    }

    /// <summary>The document, written now if it was not yet.</summary>
    public string Json => _fromState ? _json ??= CheckoutStateSerializer.Serialize(in _state) : _json!;

    /// <summary>Whether the text exists yet (for tests of when it is written).</summary>
    internal bool IsWritten => _json is not null;

    /// <summary>A document given as text (kept as given, even null from a store that breaks the contract).</summary>
    public static StoredDocument Of(string json) => json is { Length: 0 } ? Empty : new StoredDocument(json);

    /// <summary>The document of <paramref name="state"/>, written when first read.</summary>
    public static StoredDocument Of(in CheckoutMachineState state) => new(in state);

    /// <summary>Equal when the texts are: a record compares by its document, however it was made.</summary>
    public bool Equals(StoredDocument? other) => other is not null && string.Equals(Json, other.Json, StringComparison.Ordinal);

    public override bool Equals(object? obj) => Equals(obj as StoredDocument);

    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Json);
}
