using StripeTerminalKit.Checkout;
using StripeTerminalKit.Readers;
using K = StripeTerminalKit.Checkout.CheckoutCommandKind;
using S = StripeTerminalKit.Payments.IntentStatus;
using A = StripeTerminalKit.Readers.ReaderActionStatus;

namespace StripeTerminalKit.Tests.Checkout;

public sealed class CheckoutStateSerializerTests
{
    private static MachineHarness Reloaded(MachineHarness h) =>
        new() { State = CheckoutStateSerializer.Deserialize(CheckoutStateSerializer.Serialize(h.State)), Now = h.Now };

    [Fact]
    public void Fields_of_the_machine_at_their_default_are_left_out_but_every_request_setting_survives()
    {
        var request = MachineHarness.Request(retry: false) with { AllowCustomerCancellation = false, SkipTipping = false };
        var h = new MachineHarness(request);
        h.ToWaiting();

        var json = CheckoutStateSerializer.Serialize(h.State);
        var back = CheckoutStateSerializer.Deserialize(json);

        Assert.DoesNotContain("\"refund_baseline\"", json, StringComparison.Ordinal);
        Assert.DoesNotContain("\"voided\"", json, StringComparison.Ordinal);
        Assert.False(back.Request.WaitForRetryAfterDecline);
        Assert.False(back.Request.AllowCustomerCancellation);
        Assert.Equal(h.State.Request, back.Request);
        Assert.Equal(json, CheckoutStateSerializer.Serialize(back));
    }

    [Fact]
    public void A_persisted_state_resumes_exactly_like_the_original()
    {
        var request = MachineHarness.Request(cart: true) with
        {
            Metadata = new Dictionary<string, string> { ["table"] = "12" },
            Description = "Lunch",
        };
        var original = new MachineHarness(request);
        original.ToSend();
        original.Answer(K.SetReaderDisplay, MachineHarness.Reader(A.InProgress, ReaderActionType.SetReaderDisplay, intent: null));
        var copy = Reloaded(original);
        Assert.Equal("12", copy.State.Request.Metadata!["table"]);
        Assert.Equal("Flat white", copy.State.Request.CartLines![0].Description);

        foreach (var h in new[] { original, copy })
        {
            h.Fire(CheckoutEvent.Resume(h.Now));
            h.AnswerReads(MachineHarness.NoAction(), MachineHarness.Pi(S.RequiresPaymentMethod));
            h.Wake();
        }

        Assert.Equal(original.Since(0).Skip(original.All.Count - copy.All.Count), copy.All);
        Assert.Equal("stk:order-1:process:1", copy.LastOf(K.ProcessPaymentIntent).Key.ToString());
    }

    [Fact]
    public void A_completed_state_keeps_its_result()
    {
        var h = new MachineHarness();
        h.ToCaptured();

        var copy = Reloaded(h);

        var result = Assert.IsType<CheckoutSucceeded>(copy.Result);
        Assert.Equal(h.Result, result);
        Assert.Equal(CheckoutState.Succeeded, copy.PublicState);
    }

    [Fact]
    public void Enums_are_written_as_names_so_the_stored_form_survives_reordering()
    {
        var h = new MachineHarness();
        h.ToWaiting();

        var json = CheckoutStateSerializer.Serialize(h.State);

        Assert.Contains("\"phase\":\"awaiting_reader\"", json, StringComparison.Ordinal);
        Assert.Contains("\"v\":2", json, StringComparison.Ordinal);
    }

    [Fact]
    public void A_state_from_an_unknown_version_is_refused()
    {
        var json = CheckoutStateSerializer.Serialize(new MachineHarness().State).Replace("\"v\":2", "\"v\":99", StringComparison.Ordinal);

        var error = Assert.Throws<CheckoutDocumentException>(() => CheckoutStateSerializer.Deserialize(json));

        Assert.Equal(99, error.DocumentVersion);
        Assert.Contains("later version", error.Message, StringComparison.Ordinal);
    }
}
