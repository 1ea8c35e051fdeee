using System.Text.Json;
using System.Text.Json.Serialization;
using StripeTerminalKit.Errors;
using StripeTerminalKit.Payments;

namespace StripeTerminalKit.Checkout;

// Source-generated JSON for the stored checkout, so a trimmed or native-AOT app reads and writes
// it without reflection. The options are the document's contract (snake_case names, a field at
// its default left out, every enum by its snake_case name and never by number): change nothing
// here without the golden files. Each enum the documents hold is listed by type, because the
// one-for-all JsonStringEnumConverter needs run-time code generation; an enum missing from the
// list would be written as a number, which CheckoutDocumentJsonContextTests catches. The reader's
// action and its status are stored as strings by the document's own names (CheckoutDocumentMapping
// maps the public Readers enums to them), since "none" and "other" are no names of theirs.

/// <summary>Writes and reads <typeparamref name="TEnum"/> by its snake_case name; numbers are refused.</summary>
internal sealed class SnakeCaseEnumConverter<TEnum>() : JsonStringEnumConverter<TEnum>(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false)
    where TEnum : struct, Enum;

/// <summary>The v2 document's serialization metadata (see <see cref="CheckoutStateSerializer"/>).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingDefault,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip,
    Converters =
    [
        typeof(SnakeCaseEnumConverter<StripeFailureKind>), typeof(SnakeCaseEnumConverter<CheckoutCanceledBy>),
        typeof(SnakeCaseEnumConverter<CheckoutCaptureMode>), typeof(SnakeCaseEnumConverter<CheckoutCommandKind>),
        typeof(SnakeCaseEnumConverter<CheckoutFailureReason>), typeof(SnakeCaseEnumConverter<CheckoutFlow>),
        typeof(SnakeCaseEnumConverter<CheckoutOutcome>), typeof(SnakeCaseEnumConverter<CheckoutPhase>),
        typeof(SnakeCaseEnumConverter<EndIntent>), typeof(SnakeCaseEnumConverter<NeedsAttentionReason>),
        typeof(SnakeCaseEnumConverter<NextAction>), typeof(SnakeCaseEnumConverter<IntentStatus>),
        typeof(SnakeCaseEnumConverter<PendingKind>), typeof(SnakeCaseEnumConverter<PostOperation>),
        typeof(SnakeCaseEnumConverter<ReaderStep>),
    ])]
[JsonSerializable(typeof(CheckoutDocument))]
internal sealed partial class CheckoutDocumentJsonContext : JsonSerializerContext;

/// <content>The v1 reader's metadata, nested so that it reaches v1's private field classes.</content>
internal static partial class CheckoutDocumentV1
{
    /// <summary>The v1 reader's context, for the tests that check its enums.</summary>
    internal static JsonSerializerContext JsonMetadata => V1JsonContext.Default;

    // v1 was written with these options and no ignore condition; it is only read.
    [JsonSourceGenerationOptions(
        PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
        Converters =
        [
            typeof(SnakeCaseEnumConverter<StripeFailureKind>), typeof(SnakeCaseEnumConverter<CheckoutCanceledBy>),
            typeof(SnakeCaseEnumConverter<CheckoutCaptureMode>), typeof(SnakeCaseEnumConverter<CheckoutCommandKind>),
            typeof(SnakeCaseEnumConverter<CheckoutFailureReason>), typeof(SnakeCaseEnumConverter<CheckoutFlow>),
            typeof(SnakeCaseEnumConverter<CheckoutOutcome>), typeof(SnakeCaseEnumConverter<CheckoutPhase>),
            typeof(SnakeCaseEnumConverter<EndIntent>), typeof(SnakeCaseEnumConverter<NeedsAttentionReason>),
            typeof(SnakeCaseEnumConverter<NextAction>), typeof(SnakeCaseEnumConverter<IntentStatus>),
            typeof(SnakeCaseEnumConverter<PendingKind>), typeof(SnakeCaseEnumConverter<PostOperation>),
            typeof(SnakeCaseEnumConverter<ReaderStep>),
        ])]
    [JsonSerializable(typeof(Envelope))]
    private sealed partial class V1JsonContext : JsonSerializerContext;
}
