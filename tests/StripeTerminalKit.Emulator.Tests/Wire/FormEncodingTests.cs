using System.Net;
using Stripe;
using Stripe.Terminal;
using StripeTerminalKit.Emulator.Tests.Support;

namespace StripeTerminalKit.Emulator.Tests.Wire;

/// <summary>What Stripe.net encodes, the emulator decodes to the same strings and structures.</summary>
public sealed class FormEncodingTests
{
    [Theory]
    [InlineData("plain")]
    [InlineData("a+b c")]
    [InlineData("fish & chips = £9.50")]
    [InlineData("100% [sic] {x}")]
    [InlineData("line one\nline two\ttabbed")]
    [InlineData("Ünïcødé — 🦘 ☕")]
    [InlineData("'quoted' \"double\" <tag> \\back")]
    [InlineData("a%20b%2B%26")]
    public async Task Strings_survive_the_round_trip(string text)
    {
        await using var h = new WireHarness();
        var key = text.Replace("[", "(").Replace("]", ")"); // Stripe metadata keys cannot hold square brackets

        var intent = await h.Stripe.V1.PaymentIntents.CreateAsync(new PaymentIntentCreateOptions
        {
            Amount = 1000,
            Currency = "aud",
            Description = text,
            Metadata = new Dictionary<string, string> { ["note"] = text, [key] = "key" },
        });
        var fetched = await h.Stripe.V1.PaymentIntents.GetAsync(intent.Id);

        Assert.Equal(text, fetched.Description);
        Assert.Equal(text, fetched.Metadata["note"]);
        Assert.Equal("key", fetched.Metadata[key]);
    }

    [Fact]
    public async Task A_metadata_key_with_square_brackets_is_a_400_not_a_500()
    {
        await using var h = new WireHarness();

        var e = await StripeAssert.FailsAsync(
            () => h.Stripe.V1.PaymentIntents.CreateAsync(new PaymentIntentCreateOptions { Amount = 1000, Currency = "aud", Metadata = new Dictionary<string, string> { ["a [b] c"] = "v" } }),
            HttpStatusCode.BadRequest, StripeAssert.AnyCode);

        Assert.StartsWith("metadata", e.StripeError.Param);
    }

    [Fact]
    public async Task Query_strings_are_decoded_like_bodies()
    {
        await using var h = new WireHarness();
        var location = await h.CreateLocationAsync("Front & Back");
        var reader = await h.RegisterReaderAsync(locationId: location.Id);

        var found = await h.Stripe.V1.Terminal.Readers.ListAsync(new ReaderListOptions { SerialNumber = reader.SerialNumber, Location = location.Id, Expand = ["data.location"] });

        Assert.Equal(reader.Id, found.Data.Single().Id);
        Assert.Equal("Front & Back", found.Data.Single().Location.DisplayName);
        Assert.Contains(h.Conformance.Exchanges, x => x.PathAndQuery.Contains("expand[0]=data.location", StringComparison.Ordinal) || x.PathAndQuery.Contains("expand%5B0%5D=data.location", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Nested_lists_of_hashes_arrive_in_order()
    {
        await using var h = new WireHarness();
        var reader = await h.RegisterReaderAsync();
        var lines = Enumerable.Range(0, 12).Select(i => new ReaderCartLineItemOptions { Description = $"Item {i} & co", Amount = 100 + i, Quantity = i + 1 }).ToList();

        var shown = await h.Stripe.V1.Terminal.Readers.SetReaderDisplayAsync(reader.Id, new ReaderSetReaderDisplayOptions
        {
            Type = "cart",
            Cart = new ReaderCartOptions { Currency = "aud", LineItems = lines, Tax = 0, Total = 9999 },
        });

        Assert.Equal(lines.Select(l => (l.Description, l.Amount, l.Quantity)), shown.Action.SetReaderDisplay.Cart.LineItems.Select(l => (l.Description, (long?)l.Amount, (long?)l.Quantity)));
    }

    [Fact]
    public async Task Empty_bracket_lists_from_other_clients_are_indexed_in_order()
    {
        await using var h = new WireHarness();

        var response = await h.SendAsync(HttpMethod.Post, "/v1/payment_intents", "amount=1000&currency=cad&allowed_payment_method_types[]=interac_present&allowed_payment_method_types[]=card_present&expand[]=latest_charge");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal(["interac_present", "card_present"], response.Json.GetProperty("payment_method_types").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task Booleans_are_the_lowercase_words_Stripe_net_sends()
    {
        await using var h = new WireHarness();

        var yes = await h.Stripe.V1.PaymentIntents.CreateAsync(new PaymentIntentCreateOptions
        {
            Amount = 1000,
            Currency = "aud",
            PaymentMethodOptions = new PaymentIntentPaymentMethodOptionsOptions { CardPresent = new PaymentIntentPaymentMethodOptionsCardPresentOptions { RequestExtendedAuthorization = true, RequestIncrementalAuthorizationSupport = false } },
        });
        var shouting = await h.SendAsync(HttpMethod.Post, "/v1/payment_intents", "amount=1000&currency=aud&payment_method_options[card_present][request_extended_authorization]=TRUE");

        Assert.True(yes.PaymentMethodOptions.CardPresent.RequestExtendedAuthorization);
        Assert.False(yes.PaymentMethodOptions.CardPresent.RequestIncrementalAuthorizationSupport);
        Assert.Equal(HttpStatusCode.BadRequest, shouting.Status);
        Assert.Equal("payment_method_options[card_present][request_extended_authorization]", shouting.ErrorParam);
    }
}
