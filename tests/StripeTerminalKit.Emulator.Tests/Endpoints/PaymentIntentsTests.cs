using System.Net;
using Stripe;
using StripeTerminalKit.Emulator.Tests.Support;

namespace StripeTerminalKit.Emulator.Tests.Endpoints;

public sealed class PaymentIntentsTests
{
    [Fact]
    public async Task Create_with_allowed_payment_method_types_answers_a_card_present_intent()
    {
        await using var h = new WireHarness();

        var intent = await h.Stripe.V1.PaymentIntents.CreateAsync(new PaymentIntentCreateOptions
        {
            Amount = 1999,
            Currency = "AUD",
            AllowedPaymentMethodTypes = ["card_present"],
            CaptureMethod = "automatic",
            PaymentMethodOptions = new PaymentIntentPaymentMethodOptionsOptions
            {
                CardPresent = new PaymentIntentPaymentMethodOptionsCardPresentOptions
                {
                    CaptureMethod = "manual_preferred",
                    Routing = new PaymentIntentPaymentMethodOptionsCardPresentRoutingOptions { RequestedPriority = "domestic" },
                },
            },
            Description = "Order 42",
            Metadata = new Dictionary<string, string> { ["order"] = "42" },
            ReceiptEmail = "jo@example.com",
            StatementDescriptorSuffix = "ORDER 42",
        });

        Assert.StartsWith("pi_", intent.Id);
        Assert.Equal("payment_intent", intent.Object);
        Assert.Equal(1999, intent.Amount);
        Assert.Equal("aud", intent.Currency);
        Assert.Equal("requires_payment_method", intent.Status);
        Assert.Equal("automatic", intent.CaptureMethod);
        Assert.Equal(["card_present"], intent.PaymentMethodTypes);
        Assert.Equal(["card_present"], intent.AllowedPaymentMethodTypes);
        Assert.Equal("manual_preferred", intent.PaymentMethodOptions.CardPresent.CaptureMethod);
        Assert.Equal("domestic", intent.PaymentMethodOptions.CardPresent.Routing.RequestedPriority);
        Assert.Equal("Order 42", intent.Description);
        Assert.Equal("42", intent.Metadata["order"]);
        Assert.Equal("jo@example.com", intent.ReceiptEmail);
        Assert.Equal("ORDER 42", intent.StatementDescriptorSuffix);
        Assert.StartsWith(intent.Id + "_secret_", intent.ClientSecret);
        Assert.Equal(0, intent.AmountReceived);
        Assert.Equal(0, intent.AmountCapturable);
        Assert.Null(intent.LatestChargeId);
        Assert.Equal(WireHarness.Start.UtcDateTime, intent.Created);
    }

    [Fact]
    public async Task Create_without_a_type_defaults_to_card_present_and_automatic_async()
    {
        await using var h = new WireHarness();

        var intent = await h.Stripe.V1.PaymentIntents.CreateAsync(new PaymentIntentCreateOptions { Amount = 500, Currency = "aud" });

        Assert.Equal(["card_present"], intent.PaymentMethodTypes);
        Assert.Equal("automatic_async", intent.CaptureMethod);
    }

    [Fact]
    public async Task Interac_present_is_accepted_in_cad_only()
    {
        await using var h = new WireHarness();

        var cad = await h.Stripe.V1.PaymentIntents.CreateAsync(new PaymentIntentCreateOptions { Amount = 500, Currency = "cad", AllowedPaymentMethodTypes = ["card_present", "interac_present"] });
        await StripeAssert.FailsAsync(
            () => h.Stripe.V1.PaymentIntents.CreateAsync(new PaymentIntentCreateOptions { Amount = 500, Currency = "aud", AllowedPaymentMethodTypes = ["interac_present"] }),
            HttpStatusCode.BadRequest, null, "allowed_payment_method_types");

        Assert.Equal(["card_present", "interac_present"], cad.PaymentMethodTypes);
    }

    [Fact]
    public async Task Payment_method_types_is_refused_on_the_endive_api_version()
    {
        await using var h = new WireHarness();
        var options = new PaymentIntentCreateOptions { Amount = 500, Currency = "aud" };
        options.AddExtraParam("payment_method_types[0]", "card_present");

        await StripeAssert.FailsAsync(() => h.Stripe.V1.PaymentIntents.CreateAsync(options), HttpStatusCode.BadRequest, "payment_method_types_no_longer_supported", "payment_method_types");

        Assert.Empty(h.Emulator.GetLedger().PaymentIntents);
    }

    [Fact]
    public async Task Payment_method_types_is_refused_on_update_too()
    {
        await using var h = new WireHarness();
        var intent = await h.CreateIntentAsync();
        var options = new PaymentIntentUpdateOptions();
        options.AddExtraParam("payment_method_types[0]", "card_present");

        await StripeAssert.FailsAsync(() => h.Stripe.V1.PaymentIntents.UpdateAsync(intent.Id, options), HttpStatusCode.BadRequest, "payment_method_types_no_longer_supported", "payment_method_types");
    }

    [Fact]
    public async Task Update_can_change_the_allowed_payment_method_types_before_payment()
    {
        await using var h = new WireHarness();
        var intent = await h.Stripe.V1.PaymentIntents.CreateAsync(new PaymentIntentCreateOptions { Amount = 500, Currency = "cad", AllowedPaymentMethodTypes = ["card_present"] });

        var updated = await h.Stripe.V1.PaymentIntents.UpdateAsync(intent.Id, new PaymentIntentUpdateOptions { AllowedPaymentMethodTypes = ["card_present", "interac_present"] });

        Assert.Equal(["card_present", "interac_present"], updated.PaymentMethodTypes);
        Assert.Equal(["card_present", "interac_present"], updated.AllowedPaymentMethodTypes);
        Assert.NotNull(updated.PaymentMethodOptions.InteracPresent);
    }

    [Fact]
    public async Task An_unsupported_allowed_payment_method_type_is_refused()
    {
        await using var h = new WireHarness();

        await StripeAssert.FailsAsync(
            () => h.Stripe.V1.PaymentIntents.CreateAsync(new PaymentIntentCreateOptions { Amount = 500, Currency = "aud", AllowedPaymentMethodTypes = ["klarna_present"] }),
            HttpStatusCode.BadRequest, null, "allowed_payment_method_types");
    }

    [Fact]
    public async Task Get_returns_the_intent_and_can_expand_latest_charge_and_payment_method()
    {
        await using var h = new WireHarness();
        var paid = await h.PaidIntentAsync(1500, card: TestCards.Mastercard);

        var plain = await h.Stripe.V1.PaymentIntents.GetAsync(paid.Id);
        var expanded = await h.Stripe.V1.PaymentIntents.GetAsync(paid.Id, new PaymentIntentGetOptions { Expand = ["latest_charge", "payment_method"] });

        Assert.Equal("succeeded", plain.Status);
        Assert.StartsWith("ch_", plain.LatestChargeId);
        Assert.Null(plain.LatestCharge);
        Assert.StartsWith("pm_", plain.PaymentMethodId);
        Assert.Equal(plain.LatestChargeId, expanded.LatestCharge.Id);
        Assert.Equal(1500, expanded.LatestCharge.AmountCaptured);
        Assert.Equal("card_present", expanded.LatestCharge.PaymentMethodDetails.Type);
        Assert.Equal("mastercard", expanded.PaymentMethod.CardPresent.Brand);
        Assert.Equal("4444", expanded.PaymentMethod.CardPresent.Last4);
    }

    [Fact]
    public async Task Unknown_intent_ids_are_404_everywhere()
    {
        await using var h = new WireHarness();
        var pis = h.Stripe.V1.PaymentIntents;

        await StripeAssert.FailsAsync(() => pis.GetAsync("pi_nope"), HttpStatusCode.NotFound, "resource_missing");
        await StripeAssert.FailsAsync(() => pis.UpdateAsync("pi_nope", new PaymentIntentUpdateOptions { Description = "x" }), HttpStatusCode.NotFound, "resource_missing");
        await StripeAssert.FailsAsync(() => pis.CaptureAsync("pi_nope"), HttpStatusCode.NotFound, "resource_missing");
        await StripeAssert.FailsAsync(() => pis.CancelAsync("pi_nope"), HttpStatusCode.NotFound, "resource_missing");
        await StripeAssert.FailsAsync(() => pis.IncrementAuthorizationAsync("pi_nope", new PaymentIntentIncrementAuthorizationOptions { Amount = 2000 }), HttpStatusCode.NotFound, "resource_missing");
    }

    [Fact]
    public async Task Update_changes_amount_description_and_metadata_before_payment()
    {
        await using var h = new WireHarness();
        var intent = await h.Stripe.V1.PaymentIntents.CreateAsync(new PaymentIntentCreateOptions
        {
            Amount = 1000,
            Currency = "aud",
            Metadata = new Dictionary<string, string> { ["a"] = "1" },
            Description = "first",
        });

        var updated = await h.Stripe.V1.PaymentIntents.UpdateAsync(intent.Id, new PaymentIntentUpdateOptions
        {
            Amount = 1250,
            Metadata = new Dictionary<string, string> { ["b"] = "2" },
            Description = "",
        });

        Assert.Equal(1250, updated.Amount);
        Assert.Equal(new Dictionary<string, string> { ["a"] = "1", ["b"] = "2" }, updated.Metadata);
        Assert.Null(updated.Description);
        Assert.Equal(1250, (await h.Stripe.V1.PaymentIntents.GetAsync(intent.Id)).Amount);
    }

    [Fact]
    public async Task Update_of_the_amount_after_authorisation_is_refused_but_metadata_is_not()
    {
        await using var h = new WireHarness();
        var authorised = await h.PaidIntentAsync(1000, manual: true);

        await StripeAssert.FailsAsync(() => h.Stripe.V1.PaymentIntents.UpdateAsync(authorised.Id, new PaymentIntentUpdateOptions { Amount = 900 }), HttpStatusCode.BadRequest, "payment_intent_unexpected_state");
        var tagged = await h.Stripe.V1.PaymentIntents.UpdateAsync(authorised.Id, new PaymentIntentUpdateOptions { Metadata = new Dictionary<string, string> { ["till"] = "3" } });

        Assert.Equal("requires_capture", tagged.Status);
        Assert.Equal("3", tagged.Metadata["till"]);
    }

    [Fact]
    public async Task List_pages_newest_first_and_auto_paging_sees_every_intent()
    {
        await using var h = new WireHarness();
        var ids = new List<string>();
        for (var i = 0; i < 13; i++)
        {
            ids.Add((await h.CreateIntentAsync(1000 + i)).Id);
        }

        var first = await h.Stripe.V1.PaymentIntents.ListAsync(new PaymentIntentListOptions { Limit = 5 });
        var all = new List<string>();
        await foreach (var pi in h.Stripe.V1.PaymentIntents.ListAutoPagingAsync(new PaymentIntentListOptions { Limit = 5 }))
        {
            all.Add(pi.Id);
        }

        Assert.Equal(Enumerable.Reverse(ids).Take(5), first.Data.Select(p => p.Id));
        Assert.True(first.HasMore);
        Assert.Equal("/v1/payment_intents", first.Url);
        Assert.Equal(Enumerable.Reverse(ids), all);
    }

    [Fact]
    public async Task List_filters_by_created()
    {
        await using var h = new WireHarness();
        var early = await h.CreateIntentAsync();
        h.Time.Advance(TimeSpan.FromMinutes(5));
        var late = await h.CreateIntentAsync();

        var after = await h.Stripe.V1.PaymentIntents.ListAsync(new PaymentIntentListOptions { Created = new DateRangeOptions { GreaterThan = WireHarness.Start.UtcDateTime } });
        var before = await h.Stripe.V1.PaymentIntents.ListAsync(new PaymentIntentListOptions { Created = new DateRangeOptions { LessThanOrEqual = WireHarness.Start.UtcDateTime } });

        Assert.Equal([late.Id], after.Data.Select(p => p.Id));
        Assert.Equal([early.Id], before.Data.Select(p => p.Id));
    }

    [Fact]
    public async Task Full_capture_takes_the_whole_authorisation()
    {
        await using var h = new WireHarness();
        var authorised = await h.PaidIntentAsync(2500, manual: true);

        var captured = await h.Stripe.V1.PaymentIntents.CaptureAsync(authorised.Id);

        Assert.Equal("requires_capture", authorised.Status);
        Assert.Equal(2500, authorised.AmountCapturable);
        Assert.Equal("succeeded", captured.Status);
        Assert.Equal(2500, captured.AmountReceived);
        Assert.Equal(0, captured.AmountCapturable);
        var charge = await h.Stripe.V1.Charges.GetAsync(captured.LatestChargeId);
        Assert.True(charge.Captured);
        Assert.Equal(2500, charge.AmountCaptured);
    }

    [Fact]
    public async Task Partial_capture_takes_less_and_releases_the_rest()
    {
        await using var h = new WireHarness();
        var authorised = await h.PaidIntentAsync(2500, manual: true);

        var captured = await h.Stripe.V1.PaymentIntents.CaptureAsync(authorised.Id, new PaymentIntentCaptureOptions
        {
            AmountToCapture = 1800,
            Metadata = new Dictionary<string, string> { ["captured_by"] = "till" },
            StatementDescriptorSuffix = "TABLE 4",
        });

        Assert.Equal("succeeded", captured.Status);
        Assert.Equal(2500, captured.Amount);
        Assert.Equal(1800, captured.AmountReceived);
        Assert.Equal(0, captured.AmountCapturable);
        Assert.Equal("till", captured.Metadata["captured_by"]);
        Assert.Equal("TABLE 4", captured.StatementDescriptorSuffix);
        Assert.Equal(1800, (await h.Stripe.V1.Charges.GetAsync(captured.LatestChargeId)).AmountCaptured);
    }

    [Fact]
    public async Task Capture_more_than_authorised_or_of_an_uncapturable_intent_is_refused()
    {
        await using var h = new WireHarness();
        var authorised = await h.PaidIntentAsync(2500, manual: true);
        var fresh = await h.CreateIntentAsync();

        await StripeAssert.FailsAsync(() => h.Stripe.V1.PaymentIntents.CaptureAsync(authorised.Id, new PaymentIntentCaptureOptions { AmountToCapture = 2501 }), HttpStatusCode.BadRequest, "amount_too_large", "amount_to_capture");
        var e = await StripeAssert.FailsAsync(() => h.Stripe.V1.PaymentIntents.CaptureAsync(fresh.Id), HttpStatusCode.BadRequest, "payment_intent_unexpected_state");
        await h.Stripe.V1.PaymentIntents.CaptureAsync(authorised.Id);
        await StripeAssert.FailsAsync(() => h.Stripe.V1.PaymentIntents.CaptureAsync(authorised.Id), HttpStatusCode.BadRequest, "payment_intent_unexpected_state");

        Assert.Equal(fresh.Id, e.StripeError.PaymentIntent.Id);
        Assert.Equal("requires_payment_method", e.StripeError.PaymentIntent.Status);
    }

    [Fact]
    public async Task Cancel_records_the_reason_and_time()
    {
        await using var h = new WireHarness();
        var intent = await h.CreateIntentAsync();
        h.Time.Advance(TimeSpan.FromSeconds(30));

        var canceled = await h.Stripe.V1.PaymentIntents.CancelAsync(intent.Id, new PaymentIntentCancelOptions { CancellationReason = "abandoned" });

        Assert.Equal("canceled", canceled.Status);
        Assert.Equal("abandoned", canceled.CancellationReason);
        Assert.Equal(WireHarness.Start.AddSeconds(30).UtcDateTime, canceled.CanceledAt);
    }

    [Fact]
    public async Task Cancel_of_an_authorisation_voids_it()
    {
        await using var h = new WireHarness();
        var authorised = await h.PaidIntentAsync(1200, manual: true);

        var canceled = await h.Stripe.V1.PaymentIntents.CancelAsync(authorised.Id);
        var charge = await h.Stripe.V1.Charges.GetAsync(authorised.LatestChargeId);

        Assert.Equal("canceled", canceled.Status);
        Assert.Equal(0, canceled.AmountCapturable);
        Assert.False(charge.Captured);
        Assert.True(charge.Refunded);
        Assert.Equal(1200, charge.AmountRefunded);
    }

    [Fact]
    public async Task Cancel_of_a_succeeded_or_canceled_intent_is_refused_with_the_intent_attached()
    {
        await using var h = new WireHarness();
        var paid = await h.PaidIntentAsync();
        var canceled = await h.CreateIntentAsync();
        await h.Stripe.V1.PaymentIntents.CancelAsync(canceled.Id);

        var e = await StripeAssert.FailsAsync(() => h.Stripe.V1.PaymentIntents.CancelAsync(paid.Id), HttpStatusCode.BadRequest, "payment_intent_unexpected_state");
        await StripeAssert.FailsAsync(() => h.Stripe.V1.PaymentIntents.CancelAsync(canceled.Id), HttpStatusCode.BadRequest, "payment_intent_unexpected_state");
        await StripeAssert.FailsAsync(() => h.Stripe.V1.PaymentIntents.CancelAsync(paid.Id, new PaymentIntentCancelOptions { CancellationReason = "bored" }), HttpStatusCode.BadRequest, null, "cancellation_reason");

        Assert.Equal("succeeded", e.StripeError.PaymentIntent.Status);
    }

    [Fact]
    public async Task Increment_authorization_raises_the_capturable_amount()
    {
        await using var h = new WireHarness();
        var authorised = await h.PaidIntentAsync(2000, manual: true, incremental: true);

        var incremented = await h.Stripe.V1.PaymentIntents.IncrementAuthorizationAsync(authorised.Id, new PaymentIntentIncrementAuthorizationOptions { Amount = 2600 });
        var captured = await h.Stripe.V1.PaymentIntents.CaptureAsync(authorised.Id);

        Assert.True(authorised.PaymentMethodOptions.CardPresent.RequestIncrementalAuthorizationSupport);
        Assert.Equal(2600, incremented.Amount);
        Assert.Equal(2600, incremented.AmountCapturable);
        Assert.Equal("requires_capture", incremented.Status);
        Assert.Equal(2600, captured.AmountReceived);
    }

    [Fact]
    public async Task Increment_authorization_is_refused_without_support_or_for_a_smaller_amount()
    {
        await using var h = new WireHarness();
        var plain = await h.PaidIntentAsync(2000, manual: true);
        var incremental = await h.PaidIntentAsync(2000, manual: true, incremental: true);
        var fresh = await h.CreateIntentAsync(incremental: true);

        await StripeAssert.FailsAsync(() => h.Stripe.V1.PaymentIntents.IncrementAuthorizationAsync(plain.Id, new PaymentIntentIncrementAuthorizationOptions { Amount = 2500 }), HttpStatusCode.BadRequest, "incremental_authorization_not_supported");
        await StripeAssert.FailsAsync(() => h.Stripe.V1.PaymentIntents.IncrementAuthorizationAsync(incremental.Id, new PaymentIntentIncrementAuthorizationOptions { Amount = 1500 }), HttpStatusCode.BadRequest, null, "amount");
        await StripeAssert.FailsAsync(() => h.Stripe.V1.PaymentIntents.IncrementAuthorizationAsync(fresh.Id, new PaymentIntentIncrementAuthorizationOptions { Amount = 2500 }), HttpStatusCode.BadRequest, "payment_intent_unexpected_state");
        await StripeAssert.FailsAsync(() => h.Stripe.V1.PaymentIntents.IncrementAuthorizationAsync(incremental.Id, new PaymentIntentIncrementAuthorizationOptions()), HttpStatusCode.BadRequest, "parameter_missing", "amount");
    }

    [Fact]
    public async Task A_decline_leaves_the_intent_awaiting_a_payment_method_with_the_error()
    {
        await using var h = new WireHarness();

        var declined = await h.PaidIntentAsync(1000, card: TestCards.InsufficientFunds);

        Assert.Equal("requires_payment_method", declined.Status);
        Assert.Equal("card_declined", declined.LastPaymentError.Code);
        Assert.Equal("insufficient_funds", declined.LastPaymentError.DeclineCode);
        Assert.Equal("card_error", declined.LastPaymentError.Type);
    }
}
