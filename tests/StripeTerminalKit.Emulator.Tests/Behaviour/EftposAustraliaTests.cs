using Stripe;

namespace StripeTerminalKit.Emulator.Tests.Behaviour;

/// <summary>
/// Australia's eftpos rules: eftpos is single-message (authorised and captured in one step), so
/// plain manual capture declines eftpos-only cards, <c>manual_preferred</c> captures eftpos at once
/// and authorises other networks only, dual-network cards follow the routing table and
/// <c>requested_priority</c>, and eftpos payments are refunded online.
/// </summary>
public sealed class EftposAustraliaTests
{
    [Fact]
    public async Task Manual_capture_declines_an_eftpos_only_card()
    {
        await using var s = await Scenario.StartAsync();

        var (pi, reader) = await s.PayAsync(1000, TestCards.EftposAuDebit, captureMethod: "manual");

        Assert.Equal("failed", reader.Action.Status);
        Assert.Equal("card_declined", reader.Action.FailureCode);
        Assert.Equal("card_error", reader.Action.ApiError.Type);
        Assert.Equal("requires_payment_method", pi.Status);
        Assert.Equal(0, pi.AmountCapturable);
        Assert.Equal("eftpos_au", pi.LatestCharge.PaymentMethodDetails.CardPresent.Network);
        Assert.Equal("failed", pi.LatestCharge.Status);
    }

    [Fact]
    public async Task Manual_capture_routes_a_dual_network_card_internationally_and_authorises_it()
    {
        await using var s = await Scenario.StartAsync();

        var (pi, _) = await s.PayAsync(1000, TestCards.EftposAuVisaDebit, captureMethod: "manual", routing: "domestic");

        Assert.Equal("requires_capture", pi.Status);
        Assert.Equal("visa", pi.LatestCharge.PaymentMethodDetails.CardPresent.Network);
        Assert.False(pi.LatestCharge.Captured);
    }

    [Fact]
    public async Task Manual_preferred_captures_an_eftpos_only_card_in_one_step()
    {
        await using var s = await Scenario.StartAsync();

        var (pi, reader) = await s.PayAsync(1000, TestCards.EftposAuDebit, cardPresentCapture: "manual_preferred");

        Assert.Equal("succeeded", reader.Action.Status);
        Assert.Equal("succeeded", pi.Status);
        Assert.Equal(1000, pi.AmountReceived);
        Assert.Equal(0, pi.AmountCapturable);
        Assert.True(pi.LatestCharge.Captured);
        Assert.Equal("eftpos_au", pi.LatestCharge.PaymentMethodDetails.CardPresent.Network);
        var capture = await Scenario.FailsAsync(() => s.Stripe.V1.PaymentIntents.CaptureAsync(pi.Id));
        Assert.Equal("payment_intent_unexpected_state", capture.StripeError.Code);
    }

    [Fact]
    public async Task Manual_preferred_wins_over_a_manual_top_level_capture_method()
    {
        await using var s = await Scenario.StartAsync();

        var (pi, _) = await s.PayAsync(1000, TestCards.EftposAuDebit, captureMethod: "manual", cardPresentCapture: "manual_preferred");

        Assert.Equal("succeeded", pi.Status);
        Assert.Equal("eftpos_au", pi.LatestCharge.PaymentMethodDetails.CardPresent.Network);
    }

    [Fact]
    public async Task Manual_preferred_only_authorises_an_international_card()
    {
        await using var s = await Scenario.StartAsync();

        var (pi, _) = await s.PayAsync(1000, TestCards.Mastercard, cardPresentCapture: "manual_preferred");

        Assert.Equal("requires_capture", pi.Status);
        Assert.Equal(1000, pi.AmountCapturable);
        Assert.Equal("mastercard", pi.LatestCharge.PaymentMethodDetails.CardPresent.Network);
    }

    // The routing table for dual-network (co-branded) debit cards tapped contactless:
    // automatic → eftpos, manual_preferred → international, manual → international;
    // requested_priority overrides where the capture method allows it.
    [Theory]
    [InlineData(TestCards.EftposAuVisaDebit, "automatic", null, null, "eftpos_au", "succeeded")]
    [InlineData(TestCards.EftposAuVisaDebit, "automatic", null, "international", "visa", "succeeded")]
    [InlineData(TestCards.EftposAuVisaDebit, "automatic", null, "domestic", "eftpos_au", "succeeded")]
    [InlineData(TestCards.EftposAuMastercardDebit, "automatic", null, null, "eftpos_au", "succeeded")]
    [InlineData(TestCards.EftposAuMastercardDebit, "automatic", null, "international", "mastercard", "succeeded")]
    [InlineData(TestCards.EftposAuVisaDebit, null, "manual_preferred", null, "visa", "requires_capture")]
    [InlineData(TestCards.EftposAuVisaDebit, null, "manual_preferred", "international", "visa", "requires_capture")]
    [InlineData(TestCards.EftposAuVisaDebit, null, "manual_preferred", "domestic", "eftpos_au", "succeeded")]
    [InlineData(TestCards.EftposAuMastercardDebit, null, "manual_preferred", "domestic", "eftpos_au", "succeeded")]
    [InlineData(TestCards.EftposAuMastercardDebit, "manual", null, null, "mastercard", "requires_capture")]
    [InlineData(TestCards.EftposAuMastercardDebit, null, "manual", "domestic", "mastercard", "requires_capture")]
    public async Task A_co_branded_card_is_routed_by_capture_method_and_requested_priority(
        string card, string? captureMethod, string? cardPresentCapture, string? routing, string network, string status)
    {
        await using var s = await Scenario.StartAsync();

        var (pi, _) = await s.PayAsync(1000, card, captureMethod, cardPresentCapture, routing);

        var details = pi.LatestCharge.PaymentMethodDetails.CardPresent;
        Assert.Equal(network, details.Network);
        Assert.Equal(status, pi.Status);
        Assert.Equal("debit", details.Funding);
        Assert.Equal("AU", details.Country);
    }

    [Fact]
    public async Task A_co_branded_card_tapped_for_USD_goes_through_its_international_network()
    {
        await using var s = await Scenario.StartAsync();

        var (pi, _) = await s.PayAsync(1000, TestCards.EftposAuVisaDebit, routing: "domestic", currency: "usd");

        Assert.Equal("visa", pi.LatestCharge.PaymentMethodDetails.CardPresent.Network);
    }

    [Fact]
    public async Task The_collected_payment_method_lists_both_networks_of_a_co_branded_card()
    {
        await using var s = await Scenario.StartAsync();
        var pi = await s.CreatePaymentIntentAsync(1000, routing: "domestic");
        await s.CollectAsync(pi.Id);

        var reader = await s.PresentAsync(TestCards.EftposAuMastercardDebit);

        var pm = reader.Action.CollectPaymentMethod.PaymentMethod.CardPresent;
        Assert.Contains("mastercard", pm.Networks.Available);
        Assert.Contains("eftpos_au", pm.Networks.Available);
        Assert.Equal("eftpos_au", pm.Networks.Preferred);
    }

    [Fact]
    public async Task An_eftpos_payment_is_refunded_online_in_full_or_in_parts()
    {
        await using var s = await Scenario.StartAsync();
        var (pi, _) = await s.PayAsync(5000, TestCards.EftposAuDebit);

        var first = await s.Stripe.V1.Refunds.CreateAsync(new RefundCreateOptions { PaymentIntent = pi.Id, Amount = 2000 });
        var rest = await s.Stripe.V1.Refunds.CreateAsync(new RefundCreateOptions { PaymentIntent = pi.Id });
        var charge = await s.Stripe.V1.Charges.GetAsync(pi.LatestChargeId);

        Assert.Equal("succeeded", first.Status);
        Assert.Equal(2000, first.Amount);
        Assert.Equal(3000, rest.Amount);
        Assert.Equal(5000, charge.AmountRefunded);
        Assert.True(charge.Refunded);
        Assert.All(s.Emulator.GetLedger().Refunds, r => Assert.False(r.InPerson));
    }

    [Fact]
    public async Task An_eftpos_payment_cannot_be_voided_because_it_is_already_captured()
    {
        await using var s = await Scenario.StartAsync();
        var (pi, _) = await s.PayAsync(1000, TestCards.EftposAuDebit, cardPresentCapture: "manual_preferred");

        var e = await Scenario.FailsAsync(() => s.Stripe.V1.PaymentIntents.CancelAsync(pi.Id));

        Assert.Equal("payment_intent_unexpected_state", e.StripeError.Code);
        Assert.Equal("succeeded", (await s.GetPaymentIntentAsync(pi.Id)).Status);
    }

    [Fact]
    public async Task The_ledger_records_the_eftpos_network()
    {
        await using var s = await Scenario.StartAsync();
        await s.PayAsync(1000, TestCards.EftposAuVisaDebit);
        await s.PayAsync(1000, TestCards.EftposAuVisaDebit, routing: "international");

        var charges = s.Emulator.GetLedger().Charges;

        Assert.Equal(["eftpos_au", "visa"], charges.Select(c => c.Network));
        Assert.All(charges, c => Assert.True(c.Captured));
    }
}
