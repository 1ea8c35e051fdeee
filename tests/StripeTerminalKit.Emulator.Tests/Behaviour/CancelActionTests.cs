using Stripe.Terminal;

namespace StripeTerminalKit.Emulator.Tests.Behaviour;

/// <summary>
/// <c>cancel_action</c>: clears the reader's action (<c>action: null</c>), leaves the PaymentIntent
/// <c>requires_payment_method</c>, sends no webhook, and cannot interrupt an authorisation in
/// progress (<c>terminal_reader_busy</c>).
/// </summary>
public sealed class CancelActionTests
{
    [Fact]
    public async Task Cancelling_a_payment_waiting_for_a_card_clears_the_action_and_sends_no_event()
    {
        await using var s = await Scenario.StartAsync();
        var pi = await s.CreatePaymentIntentAsync(1000);
        await s.ProcessAsync(pi.Id);
        var eventsBefore = (await s.EventTypesAsync()).Count;

        var cancelled = await s.CancelActionAsync();

        Assert.Null(cancelled.Action);
        Assert.Equal("online", cancelled.Status);
        Assert.Null((await s.GetReaderAsync()).Action);
        Assert.Equal("requires_payment_method", (await s.GetPaymentIntentAsync(pi.Id)).Status);
        Assert.Equal(eventsBefore, (await s.EventTypesAsync()).Count);
        Assert.Equal("canceled", s.Emulator.GetLedger().ReaderActions.Single().Status);
        await Scenario.FailsAsync(() => s.PresentAsync(TestCards.Visa));
        Assert.Empty(s.Emulator.GetLedger().Charges);
    }

    [Fact]
    public async Task Cancelling_during_authorisation_is_terminal_reader_busy()
    {
        await using var s = await Scenario.StartAsync(o => o.AuthorizationDelay = TimeSpan.FromSeconds(3));
        var pi = await s.CreatePaymentIntentAsync(1000, captureMethod: "manual");
        await s.ProcessAsync(pi.Id);
        var tapped = await s.PresentAsync(TestCards.Visa);

        var busy = await Scenario.FailsAsync(() => s.CancelActionAsync());
        var cancelIntent = await Scenario.FailsAsync(() => s.Stripe.V1.PaymentIntents.CancelAsync(pi.Id));
        var other = await s.CreatePaymentIntentAsync(500);
        var replace = await Scenario.FailsAsync(() => s.ProcessAsync(other.Id));
        s.Time.Advance(TimeSpan.FromSeconds(3));
        var done = await s.GetReaderAsync();

        Assert.Equal("in_progress", tapped.Action.Status);
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, busy.HttpStatusCode);
        Assert.Equal("terminal_reader_busy", busy.StripeError.Code);
        Assert.Equal("payment_intent_unexpected_state", cancelIntent.StripeError.Code);
        Assert.Equal("terminal_reader_busy", replace.StripeError.Code);
        Assert.Equal("succeeded", done.Action.Status);
        Assert.Equal("requires_capture", (await s.GetPaymentIntentAsync(pi.Id)).Status);
    }

    [Fact]
    public async Task Cancelling_is_allowed_again_once_the_authorisation_finished()
    {
        await using var s = await Scenario.StartAsync(o => o.AuthorizationDelay = TimeSpan.FromSeconds(3));
        var pi = await s.CreatePaymentIntentAsync(1000);
        await s.ProcessAsync(pi.Id);
        await s.PresentAsync(TestCards.Visa);
        s.Time.Advance(TimeSpan.FromSeconds(3));

        var cleared = await s.CancelActionAsync();

        Assert.Null(cleared.Action);
        Assert.Equal("succeeded", (await s.GetPaymentIntentAsync(pi.Id)).Status);
        Assert.Equal("succeeded", s.Emulator.GetLedger().ReaderActions.Single().Status);
    }

    [Fact]
    public async Task Cancelling_clears_a_cart_display()
    {
        await using var s = await Scenario.StartAsync();
        await s.Stripe.V1.Terminal.Readers.SetReaderDisplayAsync(s.ReaderId, new ReaderSetReaderDisplayOptions
        {
            Type = "cart",
            Cart = new ReaderCartOptions { Currency = "aud", LineItems = [new ReaderCartLineItemOptions { Amount = 500, Description = "Tea", Quantity = 1 }], Total = 500 },
        });

        var cleared = await s.CancelActionAsync();

        Assert.Null(cleared.Action);
        Assert.Empty(await s.EventTypesAsync());
    }

    [Fact]
    public async Task Cancelling_clears_a_form_and_an_in_person_refund()
    {
        await using var s = await Scenario.StartAsync();
        await s.Stripe.V1.Terminal.Readers.CollectInputsAsync(s.ReaderId, CollectInputsTests.EmailForm());
        Assert.Null((await s.CancelActionAsync()).Action);

        var (pi, _) = await s.PayAsync(1000, TestCards.Interac, currency: "cad", types: ["interac_present"]);
        await s.Stripe.V1.Terminal.Readers.RefundPaymentAsync(s.ReaderId, new ReaderRefundPaymentOptions { PaymentIntent = pi.Id });
        Assert.Null((await s.CancelActionAsync()).Action);

        Assert.Empty(s.Emulator.GetLedger().Refunds);
        Assert.Equal(0, (await s.Stripe.V1.Charges.GetAsync(pi.LatestChargeId)).AmountRefunded);
    }

    [Fact]
    public async Task Cancelling_an_idle_reader_answers_the_reader_with_no_action()
    {
        await using var s = await Scenario.StartAsync();

        var reader = await s.CancelActionAsync();

        Assert.Null(reader.Action);
    }

    [Fact]
    public async Task Cancelling_on_an_offline_reader_is_terminal_reader_offline()
    {
        await using var s = await Scenario.StartAsync();
        var pi = await s.CreatePaymentIntentAsync(1000);
        await s.ProcessAsync(pi.Id);
        s.Emulator.Faults.SetReaderOffline(s.ReaderId);

        var e = await Scenario.FailsAsync(() => s.CancelActionAsync());

        Assert.Equal("terminal_reader_offline", e.StripeError.Code);
        Assert.Equal("in_progress", (await s.GetReaderAsync()).Action.Status);
    }
}
