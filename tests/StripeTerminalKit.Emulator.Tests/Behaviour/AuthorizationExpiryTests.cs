using Stripe;

namespace StripeTerminalKit.Emulator.Tests.Behaviour;

/// <summary>
/// An uncaptured card authorisation lapses after 2 days (30 with extended authorisation): the
/// PaymentIntent is cancelled automatically, its charge voided, and capture is no longer possible.
/// </summary>
public sealed class AuthorizationExpiryTests
{
    [Fact]
    public async Task The_charge_says_when_it_must_be_captured()
    {
        await using var s = await Scenario.StartAsync();

        var (pi, _) = await s.PayAsync(1000, TestCards.Visa, captureMethod: "manual");

        Assert.Equal(Scenario.Start.AddDays(2).UtcDateTime, pi.LatestCharge.PaymentMethodDetails.CardPresent.CaptureBefore);
    }

    [Fact]
    public async Task An_authorisation_can_be_captured_until_just_before_it_expires()
    {
        await using var s = await Scenario.StartAsync();
        var (pi, _) = await s.PayAsync(1000, TestCards.Visa, captureMethod: "manual");

        s.Time.Advance(TimeSpan.FromDays(2) - TimeSpan.FromSeconds(1));
        var captured = await s.Stripe.V1.PaymentIntents.CaptureAsync(pi.Id);
        s.Time.Advance(TimeSpan.FromDays(10));

        Assert.Equal("succeeded", captured.Status);
        Assert.Equal("succeeded", (await s.GetPaymentIntentAsync(pi.Id)).Status);
    }

    [Fact]
    public async Task An_expired_authorisation_cancels_the_intent_and_voids_the_charge()
    {
        await using var s = await Scenario.StartAsync();
        var (pi, _) = await s.PayAsync(1000, TestCards.Visa, captureMethod: "manual");

        s.Time.Advance(TimeSpan.FromDays(2));
        var expired = await s.GetPaymentIntentAsync(pi.Id);
        var capture = await Scenario.FailsAsync(() => s.Stripe.V1.PaymentIntents.CaptureAsync(pi.Id));

        Assert.Equal("canceled", expired.Status);
        Assert.Equal("automatic", expired.CancellationReason);
        Assert.Equal(0, expired.AmountCapturable);
        Assert.Equal(0, expired.AmountReceived);
        Assert.False(expired.LatestCharge.Captured);
        Assert.True(expired.LatestCharge.Refunded);
        Assert.Equal("payment_intent_unexpected_state", capture.StripeError.Code);
        var charge = s.Emulator.GetLedger().Charges.Single();
        Assert.True(charge.Voided);
        Assert.Equal(0, charge.AmountCaptured);
        var types = await s.EventTypesAsync();
        Assert.Contains("charge.expired", types);
        Assert.Equal("payment_intent.canceled", types[^1]);
    }

    [Fact]
    public async Task The_ledger_sees_the_expiry_without_any_request()
    {
        await using var s = await Scenario.StartAsync();
        await s.PayAsync(1000, TestCards.Visa, captureMethod: "manual");

        s.Time.Advance(TimeSpan.FromDays(3));

        Assert.Equal("canceled", s.Emulator.GetLedger().PaymentIntents.Single().Status);
    }

    [Fact]
    public async Task The_expiry_happens_when_it_is_due_not_when_someone_next_looks()
    {
        await using var s = await Scenario.StartAsync();
        await s.PayAsync(1000, TestCards.Visa, captureMethod: "manual");

        s.Time.Advance(TimeSpan.FromDays(5));

        var events = await s.EventsAsync();
        var canceled = events.Single(e => e.Event.Type == "payment_intent.canceled").Event;
        Assert.Equal(Scenario.Start.AddDays(2).UtcDateTime, canceled.Created);
        Assert.Equal(Scenario.Start.AddDays(2).UtcDateTime, ((PaymentIntent)canceled.Data.Object).CanceledAt);
    }

    [Fact]
    public async Task The_validity_follows_the_configured_length()
    {
        await using var s = await Scenario.StartAsync(o => o.AuthorizationValidity = TimeSpan.FromHours(1));
        var (pi, _) = await s.PayAsync(1000, TestCards.Visa, captureMethod: "manual");

        s.Time.Advance(TimeSpan.FromHours(1));

        Assert.Equal("canceled", (await s.GetPaymentIntentAsync(pi.Id)).Status);
    }

    [Fact]
    public async Task An_extended_authorisation_lasts_longer()
    {
        await using var s = await Scenario.StartAsync();
        var pi = await s.Stripe.V1.PaymentIntents.CreateAsync(new PaymentIntentCreateOptions
        {
            Amount = 1000,
            Currency = "aud",
            AllowedPaymentMethodTypes = ["card_present"],
            CaptureMethod = "manual",
            PaymentMethodOptions = new PaymentIntentPaymentMethodOptionsOptions
            {
                CardPresent = new PaymentIntentPaymentMethodOptionsCardPresentOptions { RequestExtendedAuthorization = true },
            },
        });
        await s.ProcessAsync(pi.Id);
        await s.PresentAsync(TestCards.Visa);

        s.Time.Advance(TimeSpan.FromDays(29));
        var stillCapturable = await s.GetPaymentIntentAsync(pi.Id);
        s.Time.Advance(TimeSpan.FromDays(1));

        Assert.Equal("requires_capture", stillCapturable.Status);
        Assert.Equal("canceled", (await s.GetPaymentIntentAsync(pi.Id)).Status);
    }

    [Fact]
    public async Task A_captured_or_single_step_payment_never_expires()
    {
        await using var s = await Scenario.StartAsync();
        var (eftpos, _) = await s.PayAsync(1000, TestCards.EftposAuDebit, cardPresentCapture: "manual_preferred");
        var (automatic, _) = await s.PayAsync(2000, TestCards.Visa);

        s.Time.Advance(TimeSpan.FromDays(60));

        Assert.Equal("succeeded", (await s.GetPaymentIntentAsync(eftpos.Id)).Status);
        Assert.Equal("succeeded", (await s.GetPaymentIntentAsync(automatic.Id)).Status);
    }
}
