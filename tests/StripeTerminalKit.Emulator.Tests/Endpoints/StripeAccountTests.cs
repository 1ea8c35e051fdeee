using System.Net;
using Stripe;
using Stripe.Terminal;
using StripeTerminalKit.Emulator.Tests.Support;

namespace StripeTerminalKit.Emulator.Tests.Endpoints;

/// <summary>The <c>Stripe-Account</c> header scopes every object to one connected account.</summary>
public sealed class StripeAccountTests
{
    [Fact]
    public async Task Objects_of_one_connected_account_are_invisible_to_another_and_to_the_platform()
    {
        await using var h = new WireHarness();
        var shopA = h.Client("acct_1ShopA");
        var shopB = h.Client("acct_1ShopB");
        var location = await h.CreateLocationAsync(client: shopA);
        var reader = await h.RegisterReaderAsync(locationId: location.Id, client: shopA);
        var paid = await h.PaidIntentAsync(1000, reader: reader, client: shopA);
        var refund = await shopA.V1.Refunds.CreateAsync(new RefundCreateOptions { PaymentIntent = paid.Id, Amount = 100 });

        foreach (var other in new[] { shopB, h.Stripe })
        {
            await StripeAssert.FailsAsync(() => other.V1.Terminal.Locations.GetAsync(location.Id), HttpStatusCode.NotFound, "resource_missing");
            await StripeAssert.FailsAsync(() => other.V1.Terminal.Readers.GetAsync(reader.Id), HttpStatusCode.NotFound, "resource_missing");
            await StripeAssert.FailsAsync(() => other.V1.PaymentIntents.GetAsync(paid.Id), HttpStatusCode.NotFound, "resource_missing");
            await StripeAssert.FailsAsync(() => other.V1.Charges.GetAsync(paid.LatestChargeId), HttpStatusCode.NotFound, "resource_missing");
            await StripeAssert.FailsAsync(() => other.V1.Refunds.GetAsync(refund.Id), HttpStatusCode.NotFound, "resource_missing");
            await StripeAssert.FailsAsync(() => other.V1.PaymentIntents.CaptureAsync(paid.Id), HttpStatusCode.NotFound, "resource_missing");
            await StripeAssert.FailsAsync(() => other.V1.Refunds.CreateAsync(new RefundCreateOptions { PaymentIntent = paid.Id }), HttpStatusCode.NotFound, "resource_missing");
            await StripeAssert.FailsAsync(() => other.V1.Terminal.Readers.DeleteAsync(reader.Id), HttpStatusCode.NotFound, "resource_missing");
            Assert.Empty((await other.V1.Terminal.Locations.ListAsync()).Data);
            Assert.Empty((await other.V1.Terminal.Readers.ListAsync()).Data);
            Assert.Empty((await other.V1.PaymentIntents.ListAsync()).Data);
            Assert.Empty((await other.V1.Refunds.ListAsync()).Data);
            Assert.Empty((await other.V1.Events.ListAsync()).Data);
        }

        Assert.Equal(paid.Id, (await shopA.V1.PaymentIntents.GetAsync(paid.Id)).Id);
        Assert.Single((await shopA.V1.Terminal.Readers.ListAsync()).Data);
    }

    [Fact]
    public async Task A_reader_cannot_take_a_payment_intent_of_another_account()
    {
        await using var h = new WireHarness();
        var shopA = h.Client("acct_1ShopA");
        var shopB = h.Client("acct_1ShopB");
        var readerOfA = await h.RegisterReaderAsync(client: shopA);
        var intentOfB = await h.CreateIntentAsync(client: shopB);
        var locationOfB = await h.CreateLocationAsync(client: shopB);

        await StripeAssert.FailsAsync(
            () => shopA.V1.Terminal.Readers.ProcessPaymentIntentAsync(readerOfA.Id, new ReaderProcessPaymentIntentOptions { PaymentIntent = intentOfB.Id }),
            HttpStatusCode.NotFound, "resource_missing");
        await StripeAssert.FailsAsync(
            () => shopA.V1.Terminal.Readers.CreateAsync(new ReaderCreateOptions { RegistrationCode = "simulated-wpe", Location = locationOfB.Id }),
            HttpStatusCode.NotFound, "resource_missing");
    }

    [Fact]
    public async Task Connected_account_events_name_the_account_and_stay_with_it()
    {
        await using var h = new WireHarness();
        var shopA = h.Client("acct_1ShopA");
        var intent = await h.CreateIntentAsync(client: shopA);

        var events = await shopA.V1.Events.ListAsync();
        var evt = Assert.Single(events.Data);

        Assert.Equal("acct_1ShopA", evt.Account);
        Assert.Equal(intent.Id, ((PaymentIntent)evt.Data.Object).Id);
        await StripeAssert.FailsAsync(() => h.Stripe.V1.Events.GetAsync(evt.Id), HttpStatusCode.NotFound, "resource_missing");
    }

    [Fact]
    public async Task The_same_idempotency_key_on_two_accounts_makes_two_objects()
    {
        await using var h = new WireHarness();
        var options = new PaymentIntentCreateOptions { Amount = 1000, Currency = "aud" };
        var key = new RequestOptions { IdempotencyKey = "order-1" };

        var a = await h.Client("acct_1ShopA").V1.PaymentIntents.CreateAsync(options, key);
        var b = await h.Client("acct_1ShopB").V1.PaymentIntents.CreateAsync(options, key);

        Assert.NotEqual(a.Id, b.Id);
    }
}
