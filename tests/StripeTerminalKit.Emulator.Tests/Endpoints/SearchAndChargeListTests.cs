using Stripe;
using StripeTerminalKit.Emulator.Tests.Behaviour;

namespace StripeTerminalKit.Emulator.Tests.Endpoints;

/// <summary>
/// <c>GET /v1/payment_intents/search?query=metadata['k']:'v'</c> (a search_result, eventually
/// consistent: about a minute) and <c>GET /v1/charges?payment_intent=…</c>. OpenAPI; facts
/// corrections table, row "Search and lists".
/// </summary>
public sealed class SearchAndChargeListTests
{
    [Fact]
    public async Task Payment_intents_are_found_by_metadata_once_indexed()
    {
        await using var s = await Scenario.StartAsync();
        var wanted = await s.Stripe.V1.PaymentIntents.CreateAsync(new PaymentIntentCreateOptions
        {
            Amount = 1000, Currency = "aud", AllowedPaymentMethodTypes = ["card_present"], Metadata = new() { ["order"] = "A-1" },
        });
        await s.Stripe.V1.PaymentIntents.CreateAsync(new PaymentIntentCreateOptions
        {
            Amount = 1000, Currency = "aud", AllowedPaymentMethodTypes = ["card_present"], Metadata = new() { ["order"] = "B-2" },
        });
        var search = new PaymentIntentSearchOptions { Query = "metadata['order']:'A-1'" };

        var tooSoon = await s.Stripe.V1.PaymentIntents.SearchAsync(search);
        s.Time.Advance(TimeSpan.FromMinutes(1));
        var found = await s.Stripe.V1.PaymentIntents.SearchAsync(search);
        var byStatus = await s.Stripe.V1.PaymentIntents.SearchAsync(new PaymentIntentSearchOptions { Query = "metadata['order']:'A-1' AND status:'requires_payment_method'" });
        var none = await s.Stripe.V1.PaymentIntents.SearchAsync(new PaymentIntentSearchOptions { Query = "metadata['order']:'A-1' AND status:'succeeded'" });
        var bad = await Scenario.FailsAsync(() => s.Stripe.V1.PaymentIntents.SearchAsync(new PaymentIntentSearchOptions { Query = "amount>100" }));

        Assert.Empty(tooSoon.Data);
        Assert.Equal("search_result", found.Object);
        Assert.Equal(wanted.Id, Assert.Single(found.Data).Id);
        Assert.Single(byStatus.Data);
        Assert.Empty(none.Data);
        Assert.Equal("query", bad.StripeError.Param);
    }

    [Fact]
    public async Task Search_pages_with_next_page()
    {
        await using var s = await Scenario.StartAsync();
        for (var i = 0; i < 3; i++)
        {
            await s.Stripe.V1.PaymentIntents.CreateAsync(new PaymentIntentCreateOptions
            {
                Amount = 1000 + i, Currency = "aud", AllowedPaymentMethodTypes = ["card_present"], Metadata = new() { ["shift"] = "am" },
            });
        }

        s.Time.Advance(TimeSpan.FromMinutes(2));
        var first = await s.Stripe.V1.PaymentIntents.SearchAsync(new PaymentIntentSearchOptions { Query = "metadata['shift']:'am'", Limit = 2 });
        var second = await s.Stripe.V1.PaymentIntents.SearchAsync(new PaymentIntentSearchOptions { Query = "metadata['shift']:'am'", Limit = 2, Page = first.NextPage });

        Assert.True(first.HasMore);
        Assert.Equal([1002L, 1001L], first.Data.Select(p => p.Amount));
        Assert.False(second.HasMore);
        Assert.Equal(1000, Assert.Single(second.Data).Amount);
    }

    [Fact]
    public async Task Charges_are_listed_by_payment_intent()
    {
        await using var s = await Scenario.StartAsync();
        var pi = await s.CreatePaymentIntentAsync(1000);
        await s.ProcessAsync(pi.Id);
        await s.PresentAsync(TestCards.InsufficientFunds);
        await s.ProcessAsync(pi.Id);
        await s.PresentAsync(TestCards.Visa);
        var (other, _) = await s.PayAsync(2000);

        var charges = await s.Stripe.V1.Charges.ListAsync(new ChargeListOptions { PaymentIntent = pi.Id });
        var all = await s.Stripe.V1.Charges.ListAsync();

        Assert.Equal(["succeeded", "failed"], charges.Data.Select(c => c.Status));
        Assert.All(charges.Data, c => Assert.Equal(pi.Id, c.PaymentIntentId));
        Assert.Equal(3, all.Data.Count);
        Assert.Contains(all.Data, c => c.PaymentIntentId == other.Id);
    }
}

/// <summary>expand[] of action.refund_payment.refund and action.process_setup_intent.setup_intent (OpenAPI; facts corrections table, "Search and lists").</summary>
public sealed class ReaderActionExpandTests
{
    [Fact]
    public async Task The_refund_of_an_in_person_refund_can_be_expanded()
    {
        await using var s = await Scenario.StartAsync();
        var (pi, _) = await s.PayAsync(1500, TestCards.Interac, currency: "cad", types: ["interac_present"]);
        await s.Stripe.V1.Terminal.Readers.RefundPaymentAsync(s.ReaderId, new Stripe.Terminal.ReaderRefundPaymentOptions { PaymentIntent = pi.Id });
        await s.PresentAsync(TestCards.Interac, type: "interac_present");

        var reader = await s.Stripe.V1.Terminal.Readers.GetAsync(s.ReaderId, new Stripe.Terminal.ReaderGetOptions { Expand = ["action.refund_payment.refund"] });

        Assert.NotNull(reader.Action.RefundPayment.Refund);
        Assert.Equal(1500, reader.Action.RefundPayment.Refund.Amount);
        Assert.Equal(reader.Action.RefundPayment.Refund.Id, reader.Action.RefundPayment.RefundId);
    }

    [Fact]
    public async Task The_setup_intent_of_process_setup_intent_can_be_expanded()
    {
        await using var s = await Scenario.StartAsync();
        var si = await s.Stripe.V1.SetupIntents.CreateAsync(new SetupIntentCreateOptions { AllowedPaymentMethodTypes = ["card_present"] });

        var reader = await s.Stripe.V1.Terminal.Readers.ProcessSetupIntentAsync(s.ReaderId, new Stripe.Terminal.ReaderProcessSetupIntentOptions
        {
            SetupIntent = si.Id,
            AllowRedisplay = "always",
            Expand = ["action.process_setup_intent.setup_intent"],
        });

        Assert.NotNull(reader.Action.ProcessSetupIntent.SetupIntent);
        Assert.Equal(si.Id, reader.Action.ProcessSetupIntent.SetupIntent.Id);
        Assert.Equal("setup_intent", reader.Action.ProcessSetupIntent.SetupIntent.Object);
    }
}
