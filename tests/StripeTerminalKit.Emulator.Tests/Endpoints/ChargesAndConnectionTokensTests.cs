using System.Net;
using Stripe;
using Stripe.Terminal;
using StripeTerminalKit.Emulator.Tests.Support;

namespace StripeTerminalKit.Emulator.Tests.Endpoints;

public sealed class ChargesAndConnectionTokensTests
{
    [Fact]
    public async Task A_charge_describes_the_card_present_payment()
    {
        await using var h = new WireHarness();
        var paid = await h.PaidIntentAsync(2200, card: TestCards.Amex);

        var charge = await h.Stripe.V1.Charges.GetAsync(paid.LatestChargeId);

        Assert.StartsWith("ch_", charge.Id);
        Assert.Equal("charge", charge.Object);
        Assert.Equal(2200, charge.Amount);
        Assert.Equal(2200, charge.AmountCaptured);
        Assert.Equal(0, charge.AmountRefunded);
        Assert.True(charge.Captured);
        Assert.True(charge.Paid);
        Assert.False(charge.Refunded);
        Assert.Equal("succeeded", charge.Status);
        Assert.Equal(paid.Id, charge.PaymentIntentId);
        Assert.Equal(paid.PaymentMethodId, charge.PaymentMethod);
        Assert.Equal("card_present", charge.PaymentMethodDetails.Type);
        Assert.Equal("amex", charge.PaymentMethodDetails.CardPresent.Brand);
        Assert.Equal("0005", charge.PaymentMethodDetails.CardPresent.Last4);
        Assert.Equal(2200, charge.PaymentMethodDetails.CardPresent.AmountAuthorized);
        Assert.Equal("authorized", charge.Outcome.Type);
    }

    [Fact]
    public async Task An_uncaptured_charge_says_until_when_it_can_be_captured()
    {
        await using var h = new WireHarness();
        var authorised = await h.PaidIntentAsync(1500, manual: true);

        var charge = await h.Stripe.V1.Charges.GetAsync(authorised.LatestChargeId);

        Assert.False(charge.Captured);
        Assert.Equal(0, charge.AmountCaptured);
        Assert.Equal(WireHarness.Start.AddDays(2).UtcDateTime, charge.PaymentMethodDetails.CardPresent.CaptureBefore);
    }

    [Fact]
    public async Task A_declined_charge_carries_its_failure()
    {
        await using var h = new WireHarness();
        var declined = await h.PaidIntentAsync(1000, card: TestCards.Declined);

        var charge = await h.Stripe.V1.Charges.GetAsync(declined.LatestChargeId);

        Assert.Equal("failed", charge.Status);
        Assert.False(charge.Paid);
        Assert.Equal("card_declined", charge.FailureCode);
        Assert.False(string.IsNullOrEmpty(charge.FailureMessage));
        Assert.Equal("issuer_declined", charge.Outcome.Type);
    }

    [Fact]
    public async Task Unknown_charges_are_404_and_charges_take_no_unknown_parameters()
    {
        await using var h = new WireHarness();
        var paid = await h.PaidIntentAsync();

        await StripeAssert.FailsAsync(() => h.Stripe.V1.Charges.GetAsync("ch_nope"), HttpStatusCode.NotFound, "resource_missing");
        await StripeAssert.FailsAsync(() => h.Stripe.V1.Charges.GetAsync(paid.LatestChargeId, new ChargeGetOptions { Expand = ["balance_transaction.source"] }), HttpStatusCode.BadRequest, null, "expand");
    }

    [Fact]
    public async Task A_connection_token_has_a_secret_and_the_location_it_is_bound_to()
    {
        await using var h = new WireHarness();
        var location = await h.CreateLocationAsync();

        var bound = await h.Stripe.V1.Terminal.ConnectionTokens.CreateAsync(new ConnectionTokenCreateOptions { Location = location.Id });
        var unbound = await h.Stripe.V1.Terminal.ConnectionTokens.CreateAsync(new ConnectionTokenCreateOptions());

        Assert.Equal("terminal.connection_token", bound.Object);
        Assert.StartsWith("pst_test_", bound.Secret);
        Assert.Equal(location.Id, bound.Location);
        Assert.Null(unbound.Location);
        Assert.NotEqual(bound.Secret, unbound.Secret);
        Assert.Contains("terminal.connection_token", h.Conformance.ValidatedComponents.Keys);
    }

    [Fact]
    public async Task A_connection_token_for_an_unknown_location_is_refused()
    {
        await using var h = new WireHarness();

        await StripeAssert.FailsAsync(() => h.Stripe.V1.Terminal.ConnectionTokens.CreateAsync(new ConnectionTokenCreateOptions { Location = "tml_nope" }), HttpStatusCode.NotFound, "resource_missing");
    }
}
