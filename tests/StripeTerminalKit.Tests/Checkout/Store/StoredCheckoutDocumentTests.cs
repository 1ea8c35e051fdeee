using System.Reflection;
using System.Text.Json.Nodes;
using StripeTerminalKit.Checkout;
using StripeTerminalKit.Payments;
using StripeTerminalKit.Readers;

namespace StripeTerminalKit.Tests.Checkout.Store;

/// <summary>
/// The stored checkout document (v2) is a contract with every later version of the library:
/// golden files fix its shape for every phase, v1 documents upgrade to the same state, every
/// machine field survives the trip, and a document from a later version is refused.
/// </summary>
public sealed class StoredCheckoutDocumentTests
{
    public static TheoryData<string> Phases => [.. StoredCheckoutGallery.All().Select(p => p.Name)];

    /// <summary>The states a v1 document could hold (not those showing fields added to v2 later).</summary>
    public static TheoryData<string> V1Phases => [.. StoredCheckoutGallery.All().Select(p => p.Name).Except(StoredCheckoutGallery.AddedAfterV1)];

    private static CheckoutMachineState Gallery(string name) => StoredCheckoutGallery.All().Single(p => p.Name == name).State;

    [Theory]
    [MemberData(nameof(Phases))]
    public void The_stored_document_of_every_phase_matches_its_golden_file(string phase)
    {
        var json = CheckoutStateSerializer.Serialize(Gallery(phase));
        if (GoldenFiles.Update("v2", phase, json))
        {
            return;
        }

        Assert.Equal(GoldenFiles.Read("v2", phase), GoldenFiles.Pretty(json));
    }

    [Fact]
    public void Every_phase_of_the_machine_has_a_golden_file()
    {
        var covered = StoredCheckoutGallery.All().Select(p => p.State.Phase).ToHashSet();

        Assert.Equal(Enum.GetValues<CheckoutPhase>().Where(p => p != CheckoutPhase.New || covered.Contains(p)).ToHashSet(), covered);
        Assert.Equal(StoredCheckoutGallery.All().Select(p => p.Name).Order(StringComparer.Ordinal), GoldenFiles.Names("v2"));
    }

    [Theory]
    [MemberData(nameof(Phases))]
    public void A_golden_document_reads_back_to_the_state_it_was_written_from(string phase)
    {
        var state = CheckoutStateSerializer.Deserialize(GoldenFiles.Read("v2", phase));

        Assert.Equal(CheckoutStateSerializer.Serialize(Gallery(phase)), CheckoutStateSerializer.Serialize(state));
        AssertSameState(Gallery(phase), state);
    }

    [Theory]
    [MemberData(nameof(V1Phases))]
    public void A_v1_document_upgrades_to_the_same_state_and_is_written_as_v2(string phase)
    {
        var upgraded = CheckoutStateSerializer.Deserialize(GoldenFiles.Read("v1", phase));

        // v1 had no owner: the upgraded checkout is unowned; otherwise it is the same checkout.
        var expected = Gallery(phase);
        expected.Request = expected.Request with { Owner = null };
        AssertSameState(expected, upgraded);
        Assert.Equal(GoldenFiles.Pretty(CheckoutStateSerializer.Serialize(expected)), GoldenFiles.Pretty(CheckoutStateSerializer.Serialize(upgraded)));
        Assert.Contains("\"v\":2", CheckoutStateSerializer.Serialize(upgraded), StringComparison.Ordinal);
    }

    [Fact]
    public void The_optional_fields_added_to_v2_are_written_by_name_and_left_out_when_absent()
    {
        var with = JsonNode.Parse(CheckoutStateSerializer.Serialize(Gallery("authorized_delayed_with_receipt")))!;
        var without = CheckoutStateSerializer.Serialize(Gallery("authorized"));

        Assert.Equal(2, (int)with["v"]!);
        Assert.Equal("automatic_delayed", (string)with["checkout"]!["capture_mode"]!);
        Assert.Equal(3, (int)with["checkout"]!["capture_delay_days"]!);
        Assert.False((bool)with["checkout"]!["allow_interac"]!);
        Assert.Equal("A0000000031010", (string)with["result"]!["receipt"]!["dedicated_file_name"]!);
        Assert.Equal("3030", (string)with["known"]!["receipt"]!["authorization_response_code"]!);
        Assert.DoesNotContain("receipt", without, StringComparison.Ordinal);
        Assert.DoesNotContain("capture_delay_days", without, StringComparison.Ordinal);
        Assert.DoesNotContain("allow_interac", without, StringComparison.Ordinal);
    }

    [Fact]
    public void Idempotency_keys_are_stored_by_step_name_and_enums_by_name()
    {
        var json = JsonNode.Parse(CheckoutStateSerializer.Serialize(Gallery("captured_refunding")))!;

        Assert.Equal(1, (int)json["keys"]!["create"]!);
        Assert.Equal(1, (int)json["keys"]!["refund"]!);
        Assert.Equal(["create", "process", "capture"], json["new_keys"]!.AsArray().Select(n => (string)n!));
        Assert.Equal("captured", (string)json["phase"]!);
        Assert.Equal("refund_payment", (string)json["pending"]!["mutation"]!);
        Assert.Equal("succeeded", (string)json["result"]!["outcome"]!);
    }

    /// <summary>
    /// Sets every field of the machine's state to a value other than its default, one at a time:
    /// a field added to the machine but not mapped into the document is lost here.
    /// </summary>
    [Fact]
    public void Every_field_of_the_machine_state_survives_the_document()
    {
        var fields = typeof(CheckoutMachineState).GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic);
        Assert.True(fields.Length > 50, "the machine's state is a struct of fields");
        foreach (var field in fields)
        {
            object boxed = Gallery("awaiting_reader");
            var value = OtherValue(field.FieldType, field.GetValue(boxed));
            field.SetValue(boxed, value);
            var state = (CheckoutMachineState)boxed;

            var back = CheckoutStateSerializer.Deserialize(CheckoutStateSerializer.Serialize(state));

            var read = field.GetValue(back);
            Assert.True(Same(value, read), $"{field.Name}: wrote {value}, read {read}");
        }
    }

    /// <summary>
    /// The reader's action is stored by the document's own names, not the public enum's: no action
    /// is "none", an action the checkout does not run is "other" (read back as Unknown: the machine
    /// tells only its own actions apart), and the status of no action is "none".
    /// </summary>
    [Theory]
    [InlineData(null, "none", null)]
    [InlineData(ReaderActionType.CollectInputs, "collect_inputs", ReaderActionType.CollectInputs)]
    [InlineData(ReaderActionType.RefundPayment, "other", ReaderActionType.Unknown)]
    [InlineData(ReaderActionType.Unknown, "other", ReaderActionType.Unknown)]
    public void The_reader_action_is_stored_by_the_documents_own_names(ReaderActionType? type, string stored, ReaderActionType? read)
    {
        var state = Gallery("awaiting_reader");
        state.FreshReader = new ReaderObservation(MachineHarness.ReaderId, type);

        var json = CheckoutStateSerializer.Serialize(state);
        var back = CheckoutStateSerializer.Deserialize(json);

        var reader = JsonNode.Parse(json)!["reads"]!["reader"]!;
        Assert.Equal(stored, (string)reader["action"]!);
        Assert.Equal("none", (string)reader["status"]!);
        Assert.Equal(new ReaderObservation(MachineHarness.ReaderId, read), back.FreshReader);
        Assert.Equal(json, CheckoutStateSerializer.Serialize(back));
    }

    [Theory]
    [InlineData("action", "refund_payment")]
    [InlineData("status", "unknown")]
    public void A_reader_action_name_the_document_does_not_hold_is_refused(string field, string name)
    {
        var json = JsonNode.Parse(GoldenFiles.Read("v2", "awaiting_reader"))!;
        json["reads"]!["reader"]![field] = name;

        Assert.Throws<CheckoutDocumentException>(() => CheckoutStateSerializer.Deserialize(json.ToJsonString()));
    }

    [Fact]
    public void A_document_from_a_later_version_is_refused_never_misread()
    {
        var later = JsonNode.Parse(GoldenFiles.Read("v2", "awaiting_reader"))!;
        later["v"] = 3;

        var error = Assert.Throws<CheckoutDocumentException>(() => CheckoutStateSerializer.Deserialize(later.ToJsonString()));

        Assert.Equal(3, error.DocumentVersion);
        Assert.Contains("later version of StripeTerminalKit", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[]")]
    [InlineData("{}")]
    [InlineData("{\"v\":\"2\"}")]
    [InlineData("{\"v\":0}")]
    [InlineData("{\"v\":2}")]
    [InlineData("{\"v\":2,\"checkout\":{\"id\":\"a\"},\"phase\":\"no_such_phase\"}")]
    [InlineData("{\"v\":2,\"checkout\":{\"id\":\"a\",\"amount\":1,\"currency\":\"aud\",\"reader\":\"tmr_1\"},\"keys\":{\"teleport\":1},\"times\":{}}")]
    [InlineData("{\"v\":1}")]
    public void A_damaged_document_is_refused_with_a_typed_error(string json) =>
        Assert.Throws<CheckoutDocumentException>(() => CheckoutStateSerializer.Deserialize(json));

    private static void AssertSameState(CheckoutMachineState expected, CheckoutMachineState actual)
    {
        foreach (var field in typeof(CheckoutMachineState).GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
        {
            var a = field.GetValue(expected);
            var b = field.GetValue(actual);
            Assert.True(Same(a, b), $"{field.Name}: expected {a}, read {b}");
        }
    }

    private static bool Same(object? a, object? b) => (a, b) switch
    {
        (CheckoutRequest x, CheckoutRequest y) => x with { CartLines = null, Metadata = null } == y with { CartLines = null, Metadata = null }
            && (x.CartLines ?? []).SequenceEqual(y.CartLines ?? [])
            && (x.Metadata ?? new Dictionary<string, string>()).OrderBy(p => p.Key).SequenceEqual((y.Metadata ?? new Dictionary<string, string>()).OrderBy(p => p.Key)),
        _ => Equals(a, b),
    };

    // Every step that numbers its own keys, moved on.
    private static KeySequences OtherSequences(KeySequences current)
    {
        foreach (var step in CheckoutSteps.All)
        {
            current.Set(step.KeySequence, current.Get(step.KeySequence) + 7);
        }

        return current;
    }

    private static object OtherValue(Type type, object? current)
    {
        var at = new DateTimeOffset(2026, 12, 6, 10, 0, 0, TimeSpan.Zero);
        return type switch
        {
            _ when type == typeof(int) => (int)current! + 7,
            _ when type == typeof(long) => (long)current! + 700,
            _ when type == typeof(ushort) => (ushort)(1 << (int)IdempotencyStep.Capture | 1 << (int)IdempotencyStep.Display),
            _ when type == typeof(bool) => !(bool)current!,
            _ when type == typeof(string) => "changed_" + (current ?? "x"),
            _ when type == typeof(DateTimeOffset) => (DateTimeOffset)current! == at ? at.AddSeconds(1) : at,
            _ when type.IsEnum => Enum.GetValues(type).Cast<object>().First(v => !Equals(v, current)),
            _ when type == typeof(KeySequences) => OtherSequences((KeySequences)current!),
            _ when type == typeof(CheckoutRequest) => ((CheckoutRequest)current!) with { Owner = "till-9", Description = "changed" },
            _ when type == typeof(PaymentIntentObservation) => new PaymentIntentObservation("pi_x", IntentStatus.Processing, 5, 4, 3, 2, 1, "ch_x", "mastercard", "0005", "eftpos_au", "d", "e", "abandoned"),
            _ when type == typeof(ReaderObservation) => new ReaderObservation("tmr_x", ReaderActionType.CollectPaymentMethod, ReaderActionStatus.Failed, "pi_x", "f", "d"),
            _ when type == typeof(CheckoutResult) => new CheckoutCanceled
            {
                CheckoutId = "order-1",
                PaymentIntentId = "pi_x",
                Attempts = 3,
                CompletedAt = at,
                CanceledBy = CheckoutCanceledBy.Customer,
                Voided = true,
                AmountRefunded = 5,
                RefundId = "re_x",
                LastDeclineCode = "generic_decline",
            },
            _ => throw new InvalidOperationException($"No other value for a field of type {type.Name}: teach the test."),
        };
    }
}
