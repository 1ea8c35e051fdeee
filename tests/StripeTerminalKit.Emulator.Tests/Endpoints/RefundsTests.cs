using System.Net;
using Stripe;
using StripeTerminalKit.Emulator.Tests.Support;

namespace StripeTerminalKit.Emulator.Tests.Endpoints;

public sealed class RefundsTests
{
    [Fact]
    public async Task A_refund_by_payment_intent_defaults_to_the_whole_captured_amount()
    {
        await using var h = new WireHarness();
        var paid = await h.PaidIntentAsync(3000);

        var refund = await h.Stripe.V1.Refunds.CreateAsync(new RefundCreateOptions
        {
            PaymentIntent = paid.Id,
            Reason = "requested_by_customer",
            Metadata = new Dictionary<string, string> { ["return"] = "R-1" },
        });
        var charge = await h.Stripe.V1.Charges.GetAsync(paid.LatestChargeId);

        Assert.StartsWith("re_", refund.Id);
        Assert.Equal("refund", refund.Object);
        Assert.Equal(3000, refund.Amount);
        Assert.Equal("aud", refund.Currency);
        Assert.Equal("succeeded", refund.Status);
        Assert.Equal("requested_by_customer", refund.Reason);
        Assert.Equal(paid.Id, refund.PaymentIntentId);
        Assert.Equal(paid.LatestChargeId, refund.ChargeId);
        Assert.Equal("R-1", refund.Metadata["return"]);
        Assert.True(charge.Refunded);
        Assert.Equal(3000, charge.AmountRefunded);
    }

    [Fact]
    public async Task Partial_refunds_by_charge_add_up_to_the_captured_amount_and_no_further()
    {
        await using var h = new WireHarness();
        var paid = await h.PaidIntentAsync(3000);

        var first = await h.Stripe.V1.Refunds.CreateAsync(new RefundCreateOptions { Charge = paid.LatestChargeId, Amount = 1000 });
        var afterFirst = await h.Stripe.V1.Charges.GetAsync(paid.LatestChargeId);
        await StripeAssert.FailsAsync(() => h.Stripe.V1.Refunds.CreateAsync(new RefundCreateOptions { Charge = paid.LatestChargeId, Amount = 2001 }), HttpStatusCode.BadRequest, "amount_too_large", "amount");
        var rest = await h.Stripe.V1.Refunds.CreateAsync(new RefundCreateOptions { PaymentIntent = paid.Id });
        await StripeAssert.FailsAsync(() => h.Stripe.V1.Refunds.CreateAsync(new RefundCreateOptions { PaymentIntent = paid.Id }), HttpStatusCode.BadRequest, "charge_already_refunded");

        Assert.Equal(1000, first.Amount);
        Assert.False(afterFirst.Refunded);
        Assert.Equal(1000, afterFirst.AmountRefunded);
        Assert.Equal(2000, rest.Amount);
    }

    [Fact]
    public async Task Only_the_captured_part_of_a_partial_capture_is_refundable()
    {
        await using var h = new WireHarness();
        var authorised = await h.PaidIntentAsync(3000, manual: true);
        await h.Stripe.V1.PaymentIntents.CaptureAsync(authorised.Id, new PaymentIntentCaptureOptions { AmountToCapture = 2000 });

        await StripeAssert.FailsAsync(() => h.Stripe.V1.Refunds.CreateAsync(new RefundCreateOptions { PaymentIntent = authorised.Id, Amount = 2500 }), HttpStatusCode.BadRequest, "amount_too_large", "amount");
        var refund = await h.Stripe.V1.Refunds.CreateAsync(new RefundCreateOptions { PaymentIntent = authorised.Id });

        Assert.Equal(2000, refund.Amount);
    }

    [Fact]
    public async Task Refunds_of_unpaid_or_uncaptured_intents_are_refused()
    {
        await using var h = new WireHarness();
        var fresh = await h.CreateIntentAsync();
        var authorised = await h.PaidIntentAsync(1000, manual: true);

        await StripeAssert.FailsAsync(() => h.Stripe.V1.Refunds.CreateAsync(new RefundCreateOptions { PaymentIntent = fresh.Id }), HttpStatusCode.BadRequest, "payment_intent_unexpected_state");
        await StripeAssert.FailsAsync(() => h.Stripe.V1.Refunds.CreateAsync(new RefundCreateOptions { PaymentIntent = authorised.Id }), HttpStatusCode.BadRequest, "payment_intent_unexpected_state");
        await StripeAssert.FailsAsync(() => h.Stripe.V1.Refunds.CreateAsync(new RefundCreateOptions { Charge = authorised.LatestChargeId }), HttpStatusCode.BadRequest, "charge_not_refundable");
    }

    [Fact]
    public async Task A_refund_names_a_payment_intent_or_a_charge_that_exists()
    {
        await using var h = new WireHarness();

        await StripeAssert.FailsAsync(() => h.Stripe.V1.Refunds.CreateAsync(new RefundCreateOptions { Amount = 100 }), HttpStatusCode.BadRequest, null);
        await StripeAssert.FailsAsync(() => h.Stripe.V1.Refunds.CreateAsync(new RefundCreateOptions { PaymentIntent = "pi_nope" }), HttpStatusCode.NotFound, "resource_missing");
        await StripeAssert.FailsAsync(() => h.Stripe.V1.Refunds.CreateAsync(new RefundCreateOptions { Charge = "ch_nope" }), HttpStatusCode.NotFound, "resource_missing", "charge");
        await StripeAssert.FailsAsync(() => h.Stripe.V1.Refunds.CreateAsync(new RefundCreateOptions { Charge = "ch_nope", Amount = 0 }), HttpStatusCode.BadRequest, "parameter_invalid_integer", "amount");
    }

    [Fact]
    public async Task A_charge_of_another_payment_intent_is_refused()
    {
        await using var h = new WireHarness();
        var one = await h.PaidIntentAsync(1000);
        var other = await h.PaidIntentAsync(1000);

        await StripeAssert.FailsAsync(() => h.Stripe.V1.Refunds.CreateAsync(new RefundCreateOptions { PaymentIntent = one.Id, Charge = other.LatestChargeId }), HttpStatusCode.BadRequest, null, "charge");
    }

    [Fact]
    public async Task Get_update_and_expand()
    {
        await using var h = new WireHarness();
        var paid = await h.PaidIntentAsync(1000);
        var refund = await h.Stripe.V1.Refunds.CreateAsync(new RefundCreateOptions { PaymentIntent = paid.Id, Metadata = new Dictionary<string, string> { ["a"] = "1" } });

        var updated = await h.Stripe.V1.Refunds.UpdateAsync(refund.Id, new RefundUpdateOptions { Metadata = new Dictionary<string, string> { ["a"] = "", ["b"] = "2" } });
        var expanded = await h.Stripe.V1.Refunds.GetAsync(refund.Id, new RefundGetOptions { Expand = ["charge", "payment_intent"] });

        Assert.Equal(new Dictionary<string, string> { ["b"] = "2" }, updated.Metadata);
        Assert.Equal(paid.LatestChargeId, expanded.Charge.Id);
        Assert.Equal(1000, expanded.Charge.AmountRefunded);
        Assert.Equal(paid.Id, expanded.PaymentIntent.Id);
        Assert.Equal(new Dictionary<string, string> { ["b"] = "2" }, expanded.Metadata);
    }

    [Fact]
    public async Task Unknown_refunds_are_404_and_a_succeeded_refund_cannot_be_canceled()
    {
        await using var h = new WireHarness();
        var paid = await h.PaidIntentAsync(1000);
        var refund = await h.Stripe.V1.Refunds.CreateAsync(new RefundCreateOptions { PaymentIntent = paid.Id });

        await StripeAssert.FailsAsync(() => h.Stripe.V1.Refunds.GetAsync("re_nope"), HttpStatusCode.NotFound, "resource_missing");
        await StripeAssert.FailsAsync(() => h.Stripe.V1.Refunds.UpdateAsync("re_nope", new RefundUpdateOptions { Metadata = new Dictionary<string, string> { ["a"] = "1" } }), HttpStatusCode.NotFound, "resource_missing");
        await StripeAssert.FailsAsync(() => h.Stripe.V1.Refunds.CancelAsync("re_nope"), HttpStatusCode.NotFound, "resource_missing");
        await StripeAssert.FailsAsync(() => h.Stripe.V1.Refunds.CancelAsync(refund.Id), HttpStatusCode.BadRequest, StripeAssert.AnyCode);
    }

    [Fact]
    public async Task List_filters_by_payment_intent_charge_and_created_and_pages()
    {
        await using var h = new WireHarness();
        var one = await h.PaidIntentAsync(5000);
        var other = await h.PaidIntentAsync(5000);
        var oneRefunds = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            oneRefunds.Add((await h.Stripe.V1.Refunds.CreateAsync(new RefundCreateOptions { PaymentIntent = one.Id, Amount = 100 })).Id);
        }

        h.Time.Advance(TimeSpan.FromHours(1));
        var late = await h.Stripe.V1.Refunds.CreateAsync(new RefundCreateOptions { PaymentIntent = other.Id, Amount = 100 });

        var byIntent = await h.Stripe.V1.Refunds.ListAsync(new RefundListOptions { PaymentIntent = one.Id });
        var byCharge = await h.Stripe.V1.Refunds.ListAsync(new RefundListOptions { Charge = other.LatestChargeId });
        var recent = await h.Stripe.V1.Refunds.ListAsync(new RefundListOptions { Created = new DateRangeOptions { GreaterThanOrEqual = WireHarness.Start.AddMinutes(30).UtcDateTime } });
        var paged = new List<string>();
        await foreach (var r in h.Stripe.V1.Refunds.ListAutoPagingAsync(new RefundListOptions { Limit = 2 }))
        {
            paged.Add(r.Id);
        }

        Assert.Equal(Enumerable.Reverse(oneRefunds), byIntent.Data.Select(r => r.Id));
        Assert.Equal([late.Id], byCharge.Data.Select(r => r.Id));
        Assert.Equal([late.Id], recent.Data.Select(r => r.Id));
        Assert.Equal(new[] { late.Id }.Concat(Enumerable.Reverse(oneRefunds)), paged);
        Assert.Equal("/v1/refunds", byIntent.Url);
    }
}
