using Stripe;

namespace StripeTerminalKit.Emulator.Tests.Behaviour;

/// <summary>
/// The two-step flow: <c>collect_payment_method</c> reads the card and attaches it without
/// authorising (PaymentIntent <c>requires_confirmation</c>), then <c>confirm_payment_intent</c>
/// authorises — within 30 seconds of collection, or the collected card must be collected again.
/// </summary>
public sealed class TwoStepCollectConfirmTests
{
    [Fact]
    public async Task Collect_attaches_the_card_and_confirm_authorises_it()
    {
        await using var s = await Scenario.StartAsync();
        var pi = await s.CreatePaymentIntentAsync(1000, captureMethod: "manual");

        var collecting = await s.CollectAsync(pi.Id);
        var beforeTap = await s.GetPaymentIntentAsync(pi.Id);
        var collected = await s.PresentAsync(TestCards.Amex);
        var awaitingConfirmation = await s.GetPaymentIntentAsync(pi.Id);
        var confirmed = await s.ConfirmAsync(pi.Id);
        var authorised = await s.GetPaymentIntentAsync(pi.Id);

        Assert.Equal("collect_payment_method", collecting.Action.Type);
        Assert.Equal("in_progress", collecting.Action.Status);
        Assert.Equal("requires_payment_method", beforeTap.Status);
        Assert.Equal("succeeded", collected.Action.Status);
        Assert.Equal("amex", collected.Action.CollectPaymentMethod.PaymentMethod.CardPresent.Brand);
        Assert.Equal("requires_confirmation", awaitingConfirmation.Status);
        Assert.Equal(collected.Action.CollectPaymentMethod.PaymentMethod.Id, awaitingConfirmation.PaymentMethodId);
        Assert.Null(awaitingConfirmation.LatestChargeId);
        Assert.Equal("confirm_payment_intent", confirmed.Action.Type);
        Assert.Equal("succeeded", confirmed.Action.Status);
        Assert.Equal(pi.Id, confirmed.Action.ConfirmPaymentIntent.PaymentIntentId);
        Assert.Equal("requires_capture", authorised.Status);
        Assert.Equal("amex", authorised.LatestCharge.PaymentMethodDetails.CardPresent.Brand);
    }

    [Fact]
    public async Task Confirm_within_the_30_second_window_succeeds()
    {
        await using var s = await Scenario.StartAsync();
        var pi = await s.CreatePaymentIntentAsync(1000);
        await s.CollectAsync(pi.Id);
        await s.PresentAsync(TestCards.Visa);

        s.Time.Advance(TimeSpan.FromSeconds(30));
        var confirmed = await s.ConfirmAsync(pi.Id);

        Assert.Equal("succeeded", confirmed.Action.Status);
        Assert.Equal("succeeded", (await s.GetPaymentIntentAsync(pi.Id)).Status);
    }

    [Fact]
    public async Task Confirm_after_the_30_second_window_fails_and_the_card_must_be_collected_again()
    {
        await using var s = await Scenario.StartAsync();
        var pi = await s.CreatePaymentIntentAsync(1000);
        await s.CollectAsync(pi.Id);
        await s.PresentAsync(TestCards.Visa, tip: 100);

        s.Time.Advance(TimeSpan.FromSeconds(31));
        var e = await Scenario.FailsAsync(() => s.ConfirmAsync(pi.Id));
        var expired = await s.GetPaymentIntentAsync(pi.Id);

        Assert.Equal("intent_invalid_state", e.StripeError.Code);
        Assert.Equal("requires_payment_method", expired.Status);
        Assert.Null(expired.PaymentMethodId);
        Assert.Equal(1000, expired.Amount);
        Assert.Empty(s.Emulator.GetLedger().Charges);

        await s.CollectAsync(pi.Id);
        await s.PresentAsync(TestCards.Visa);
        var confirmed = await s.ConfirmAsync(pi.Id);
        Assert.Equal("succeeded", confirmed.Action.Status);
        Assert.Equal(1000, (await s.GetPaymentIntentAsync(pi.Id)).AmountReceived);
    }

    [Fact]
    public async Task The_window_follows_the_configured_length()
    {
        await using var s = await Scenario.StartAsync(o => o.CollectConfirmWindow = TimeSpan.FromSeconds(5));
        var pi = await s.CreatePaymentIntentAsync(1000);
        await s.CollectAsync(pi.Id);
        await s.PresentAsync(TestCards.Visa);

        s.Time.Advance(TimeSpan.FromSeconds(6));

        var e = await Scenario.FailsAsync(() => s.ConfirmAsync(pi.Id));
        Assert.Equal("intent_invalid_state", e.StripeError.Code);
    }

    [Fact]
    public async Task Confirm_before_a_card_was_collected_is_an_invalid_state()
    {
        await using var s = await Scenario.StartAsync();
        var pi = await s.CreatePaymentIntentAsync(1000);
        await s.CollectAsync(pi.Id);

        var e = await Scenario.FailsAsync(() => s.ConfirmAsync(pi.Id));
        await s.CancelActionAsync();
        var afterCancel = await Scenario.FailsAsync(() => s.ConfirmAsync(pi.Id));

        // The collect action is still in progress: one action at a time (corrections table) means
        // the reader answers busy first (which check Stripe makes first is the emulator's choice).
        Assert.Equal("terminal_reader_busy", e.StripeError.Code);
        Assert.Equal("intent_invalid_state", afterCancel.StripeError.Code);
    }

    [Fact]
    public async Task Confirm_on_another_reader_than_the_one_that_collected_is_refused()
    {
        await using var s = await Scenario.StartAsync();
        var other = await s.AddReaderAsync("simulated-wpe");
        var pi = await s.CreatePaymentIntentAsync(1000);
        await s.CollectAsync(pi.Id);
        await s.PresentAsync(TestCards.Visa);

        var e = await Scenario.FailsAsync(() => s.ConfirmAsync(pi.Id, other));

        Assert.Equal("intent_invalid_state", e.StripeError.Code);
        Assert.Equal("requires_confirmation", (await s.GetPaymentIntentAsync(pi.Id)).Status);
    }

    [Fact]
    public async Task Cancel_action_after_collection_returns_the_intent_to_requires_payment_method()
    {
        await using var s = await Scenario.StartAsync();
        var pi = await s.CreatePaymentIntentAsync(1000);
        await s.CollectAsync(pi.Id);
        await s.PresentAsync(TestCards.Visa, tip: 250);

        var cancelled = await s.CancelActionAsync();
        var after = await s.GetPaymentIntentAsync(pi.Id);

        Assert.Null(cancelled.Action);
        Assert.Equal("requires_payment_method", after.Status);
        Assert.Null(after.PaymentMethodId);
        Assert.Equal(1000, after.Amount);
        var e = await Scenario.FailsAsync(() => s.ConfirmAsync(pi.Id));
        Assert.Equal("intent_invalid_state", e.StripeError.Code);
    }

    [Fact]
    public async Task A_declining_card_is_collected_and_declines_at_confirmation()
    {
        await using var s = await Scenario.StartAsync();
        var pi = await s.CreatePaymentIntentAsync(1000);
        await s.CollectAsync(pi.Id);
        await s.PresentAsync(TestCards.StolenCard);

        var confirmed = await s.ConfirmAsync(pi.Id);
        var after = await s.GetPaymentIntentAsync(pi.Id);

        Assert.Equal("failed", confirmed.Action.Status);
        Assert.Equal("stolen_card", confirmed.Action.ApiError.DeclineCode);
        Assert.Equal("requires_payment_method", after.Status);
        Assert.Equal("stolen_card", after.LastPaymentError.DeclineCode);
    }

    [Fact]
    public async Task Confirm_is_asynchronous_when_authorisation_takes_time()
    {
        await using var s = await Scenario.StartAsync(o => o.AuthorizationDelay = TimeSpan.FromSeconds(2));
        var pi = await s.CreatePaymentIntentAsync(1000);
        await s.CollectAsync(pi.Id);
        await s.PresentAsync(TestCards.Visa);

        var confirming = await s.ConfirmAsync(pi.Id);
        s.Time.Advance(TimeSpan.FromSeconds(2));
        var done = await s.GetReaderAsync();

        Assert.Equal("in_progress", confirming.Action.Status);
        Assert.Equal("succeeded", done.Action.Status);
        Assert.Equal("succeeded", (await s.GetPaymentIntentAsync(pi.Id)).Status);
    }
}
