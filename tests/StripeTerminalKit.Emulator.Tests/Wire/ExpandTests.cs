using System.Net;
using Stripe;
using Stripe.Terminal;
using StripeTerminalKit.Emulator.Tests.Support;

namespace StripeTerminalKit.Emulator.Tests.Wire;

/// <summary><c>expand[]</c> for the fields a POS backend expands, and Stripe's error for the rest.</summary>
public sealed class ExpandTests
{
    [Fact]
    public async Task Process_payment_intent_can_expand_the_payment_intent_inside_the_action()
    {
        await using var h = new WireHarness();
        var reader = await h.RegisterReaderAsync();
        var intent = await h.CreateIntentAsync(1234);

        var processing = await h.Stripe.V1.Terminal.Readers.ProcessPaymentIntentAsync(reader.Id, new ReaderProcessPaymentIntentOptions
        {
            PaymentIntent = intent.Id,
            Expand = ["action.process_payment_intent.payment_intent"],
        });

        Assert.Equal(intent.Id, processing.Action.ProcessPaymentIntent.PaymentIntentId);
        Assert.Equal(1234, processing.Action.ProcessPaymentIntent.PaymentIntent.Amount);
        Assert.Equal("requires_payment_method", processing.Action.ProcessPaymentIntent.PaymentIntent.Status);
    }

    [Fact]
    public async Task Get_reader_can_expand_the_action_payment_intent_and_the_location_together()
    {
        await using var h = new WireHarness();
        var location = await h.CreateLocationAsync("Bar");
        var reader = await h.RegisterReaderAsync(locationId: location.Id);
        var intent = await h.CreateIntentAsync();
        await h.PayOnReaderAsync(reader, intent);

        var fetched = await h.Stripe.V1.Terminal.Readers.GetAsync(reader.Id, new ReaderGetOptions { Expand = ["location", "action.process_payment_intent.payment_intent"] });

        Assert.Equal("Bar", fetched.Location.DisplayName);
        Assert.Equal("succeeded", fetched.Action.Status);
        Assert.Equal("succeeded", fetched.Action.ProcessPaymentIntent.PaymentIntent.Status);
        Assert.StartsWith("ch_", fetched.Action.ProcessPaymentIntent.PaymentIntent.LatestChargeId);
    }

    [Fact]
    public async Task Collect_payment_method_can_expand_its_payment_intent()
    {
        await using var h = new WireHarness();
        var reader = await h.RegisterReaderAsync();
        var intent = await h.CreateIntentAsync();

        var collecting = await h.Stripe.V1.Terminal.Readers.CollectPaymentMethodAsync(reader.Id, new ReaderCollectPaymentMethodOptions
        {
            PaymentIntent = intent.Id,
            Expand = ["action.collect_payment_method.payment_intent"],
        });

        Assert.Equal(intent.Id, collecting.Action.CollectPaymentMethod.PaymentIntent.Id);
    }

    /// <summary>
    /// Stripe expands the items of a list through <c>data.</c> (docs.stripe.com/api/expanding_objects: "expand
    /// properties in lists … with the data property"), and a reader's action PaymentIntent is expandable
    /// (OpenAPI <c>terminal.reader</c> x-expandableFields <c>action</c>; <c>process_payment_intent.payment_intent</c> is
    /// expandable): one list request of a location shows each reader's action with its PaymentIntent.
    /// </summary>
    [Fact]
    public async Task Listing_a_location_s_readers_expands_each_action_s_payment_intent()
    {
        await using var h = new WireHarness();
        var shop = await h.CreateLocationAsync("Shop");
        var other = await h.CreateLocationAsync("Other");
        var paid = await h.RegisterReaderAsync(locationId: shop.Id);
        var idle = await h.RegisterReaderAsync(locationId: shop.Id);
        await h.RegisterReaderAsync(locationId: other.Id);
        var intent = await h.CreateIntentAsync(2345);
        await h.PayOnReaderAsync(paid, intent);

        var page = await h.Stripe.V1.Terminal.Readers.ListAsync(new ReaderListOptions
        {
            Location = shop.Id,
            Limit = 100,
            Expand = ["data.action.process_payment_intent.payment_intent"],
        });

        Assert.Equal([idle.Id, paid.Id], page.Data.Select(r => r.Id));
        var action = page.Data.Single(r => r.Id == paid.Id).Action;
        Assert.Equal("succeeded", action.Status);
        Assert.Equal(intent.Id, action.ProcessPaymentIntent.PaymentIntent.Id);
        Assert.Equal(2345, action.ProcessPaymentIntent.PaymentIntent.AmountReceived);
        Assert.Null(page.Data.Single(r => r.Id == idle.Id).Action);
    }

    [Fact]
    public async Task Lists_expand_through_data()
    {
        await using var h = new WireHarness();
        var location = await h.CreateLocationAsync("Front");
        await h.RegisterReaderAsync(locationId: location.Id);
        var paid = await h.PaidIntentAsync();
        await h.Stripe.V1.Refunds.CreateAsync(new RefundCreateOptions { PaymentIntent = paid.Id });

        var readers = await h.Stripe.V1.Terminal.Readers.ListAsync(new ReaderListOptions { Expand = ["data.location"] });
        var intents = await h.Stripe.V1.PaymentIntents.ListAsync(new PaymentIntentListOptions { Expand = ["data.latest_charge"] });
        var refunds = await h.Stripe.V1.Refunds.ListAsync(new RefundListOptions { Expand = ["data.charge", "data.payment_intent"] });

        Assert.Contains(readers.Data, r => r.Location?.DisplayName == "Front");
        Assert.Equal(paid.LatestChargeId, intents.Data.Single().LatestCharge.Id);
        Assert.Equal(paid.Id, refunds.Data.Single().PaymentIntent.Id);
        Assert.Equal(paid.LatestChargeId, refunds.Data.Single().Charge.Id);
    }

    [Fact]
    public async Task Expanding_a_field_that_is_null_leaves_it_null()
    {
        await using var h = new WireHarness();
        var intent = await h.CreateIntentAsync();

        var fetched = await h.Stripe.V1.PaymentIntents.GetAsync(intent.Id, new PaymentIntentGetOptions { Expand = ["latest_charge", "payment_method"] });

        Assert.Null(fetched.LatestChargeId);
        Assert.Null(fetched.LatestCharge);
        Assert.Null(fetched.PaymentMethodId);
    }

    [Fact]
    public async Task Create_and_update_answers_can_be_expanded_too()
    {
        await using var h = new WireHarness();
        var location = await h.CreateLocationAsync("Kiosk");

        var reader = await h.Stripe.V1.Terminal.Readers.CreateAsync(new ReaderCreateOptions { RegistrationCode = "simulated-wpe", Location = location.Id, Expand = ["location"] });
        var updated = await h.Stripe.V1.Terminal.Readers.UpdateAsync(reader.Id, new ReaderUpdateOptions { Label = "K1", Expand = ["location"] });

        Assert.Equal("Kiosk", reader.Location.DisplayName);
        Assert.Equal("Kiosk", updated.Location.DisplayName);
    }

    [Theory]
    [InlineData("/v1/payment_intents", "amount=1000&currency=aud&expand[0]=customer")]
    [InlineData("/v1/payment_intents", "amount=1000&currency=aud&expand[0]=latest_charge.customer")]
    [InlineData("/v1/terminal/locations", "display_name=x&address[country]=AU&address[state]=VIC&address[postal_code]=3000&expand[0]=address")]
    [InlineData("/v1/terminal/readers", "registration_code=simulated-wpe&expand[0]=serial_number")]
    public async Task Expanding_what_cannot_be_expanded_is_a_400_on_expand(string path, string form)
    {
        await using var h = new WireHarness();

        var response = await h.SendAsync(HttpMethod.Post, path, form);

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal("expand", response.ErrorParam);
        Assert.Contains("cannot be expanded", response.ErrorMessage);
    }

    [Fact]
    public async Task A_list_refuses_an_expansion_that_does_not_start_with_data()
    {
        await using var h = new WireHarness();

        var response = await h.SendAsync(HttpMethod.Get, "/v1/terminal/readers", "expand[0]=location");

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal("expand", response.ErrorParam);
    }
}
