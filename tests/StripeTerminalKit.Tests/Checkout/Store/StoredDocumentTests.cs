using StripeTerminalKit.Checkout;

namespace StripeTerminalKit.Tests.Checkout.Store;

/// <summary>
/// A record of the kit's own save writes its document when a store first reads it: the in-memory
/// store never does on save, a durable store does as it saves; either way the text is the one the
/// serializer writes for the state as it was saved.
/// </summary>
public sealed class StoredDocumentTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 7, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_saved_record_writes_its_document_when_first_read_and_writes_the_serializers_text()
    {
        var h = new MachineHarness();
        h.ToWaiting();
        var expected = CheckoutStateSerializer.Serialize(h.State);

        var record = CheckoutStateSerializer.Record(h.State, completed: false, version: 3, At);

        Assert.False(record.IsDocumentWritten);
        Assert.Equal(expected, record.StateJson);
        Assert.True(record.IsDocumentWritten);
        Assert.Same(record.StateJson, record.StateJson);
    }

    [Fact]
    public void The_document_is_the_state_as_saved_not_as_the_checkout_went_on()
    {
        var h = new MachineHarness();
        h.ToWaiting();
        var saved = CheckoutStateSerializer.Serialize(h.State);
        var record = CheckoutStateSerializer.Record(h.State, completed: false, version: 3, At);

        h.Fire(CheckoutEvent.IntentObserved(h.Now, MachineHarness.Authorized()));

        Assert.NotEqual(saved, CheckoutStateSerializer.Serialize(h.State));
        Assert.Equal(saved, record.StateJson);
    }

    [Fact]
    public async Task The_in_memory_store_keeps_a_save_without_writing_it_and_a_load_reads_the_same_text()
    {
        var h = new MachineHarness();
        h.ToWaiting();
        var expected = CheckoutStateSerializer.Serialize(h.State);
        var store = new InMemoryCheckoutStore();
        var record = CheckoutStateSerializer.Record(h.State, completed: false, version: 1, At);

        await store.SaveAsync(record, 0);
        Assert.False(record.IsDocumentWritten);

        var loaded = await store.LoadAsync(record.CheckoutId);
        Assert.Equal(expected, loaded!.StateJson);
        Assert.Equal(h.State, CheckoutStateSerializer.Deserialize(loaded.StateJson));
    }

    [Fact]
    public void Records_compare_by_their_document_however_it_was_made()
    {
        var h = new MachineHarness();
        h.ToWaiting();
        var lazy = CheckoutStateSerializer.Record(h.State, completed: false, version: 3, At);
        var text = new CheckoutRecord(lazy.CheckoutId, lazy.ReaderId, lazy.State, lazy.Completed, CheckoutStateSerializer.Serialize(h.State), 3, At);

        Assert.Equal(text, lazy);
        Assert.Equal(text.GetHashCode(), lazy.GetHashCode());
        Assert.NotEqual(text, lazy with { StateJson = "{}" });
        Assert.Equal(text with { LeaseHolder = "instance:a" }, lazy with { LeaseHolder = "instance:a" });
    }

    [Fact]
    public void A_document_given_as_text_is_kept_as_given()
    {
        var record = new CheckoutRecord("sale-1", "tmr_1", CheckoutState.Created, false, "{\"v\":2}", 1, At);
        var empty = record with { StateJson = string.Empty };

        Assert.True(record.IsDocumentWritten);
        Assert.Equal("{\"v\":2}", record.StateJson);
        Assert.Equal(string.Empty, empty.StateJson);
        Assert.Null((record with { StateJson = null! }).StateJson);
    }
}
