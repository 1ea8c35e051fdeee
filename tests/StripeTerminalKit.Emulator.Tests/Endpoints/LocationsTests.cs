using System.Net;
using Stripe;
using Stripe.Terminal;
using StripeTerminalKit.Emulator.Tests.Support;

namespace StripeTerminalKit.Emulator.Tests.Endpoints;

public sealed class LocationsTests
{
    private static AddressOptions Sydney() => new() { Line1 = "1 George St", City = "Sydney", State = "NSW", PostalCode = "2000", Country = "AU" };

    [Fact]
    public async Task Create_returns_the_location_with_every_field_it_was_given()
    {
        await using var h = new WireHarness();

        var location = await h.Stripe.V1.Terminal.Locations.CreateAsync(new LocationCreateOptions
        {
            DisplayName = "George St",
            Address = new AddressOptions { Line1 = "1 George St", Line2 = "Level 2", City = "Sydney", State = "NSW", PostalCode = "2000", Country = "AU" },
            Phone = "+61 2 5550 1234",
            Metadata = new Dictionary<string, string> { ["store"] = "42" },
        });

        Assert.StartsWith("tml_", location.Id);
        Assert.Equal("terminal.location", location.Object);
        Assert.Equal("George St", location.DisplayName);
        Assert.Equal("Level 2", location.Address.Line2);
        Assert.Equal("AU", location.Address.Country);
        Assert.Equal("NSW", location.Address.State);
        Assert.Equal("+61 2 5550 1234", location.Phone);
        Assert.Equal("42", location.Metadata["store"]);
        Assert.False(location.Livemode);
        Assert.Null(location.Deleted);
    }

    [Fact]
    public async Task Get_returns_what_create_stored()
    {
        await using var h = new WireHarness();
        var created = await h.CreateLocationAsync("Front");

        var fetched = await h.Stripe.V1.Terminal.Locations.GetAsync(created.Id);

        Assert.Equal(created.Id, fetched.Id);
        Assert.Equal("Front", fetched.DisplayName);
        Assert.Equal("Melbourne", fetched.Address.City);
    }

    [Fact]
    public async Task Update_changes_only_the_fields_sent_and_merges_metadata()
    {
        await using var h = new WireHarness();
        var created = await h.Stripe.V1.Terminal.Locations.CreateAsync(new LocationCreateOptions
        {
            DisplayName = "Old",
            Address = Sydney(),
            Metadata = new Dictionary<string, string> { ["keep"] = "1", ["drop"] = "2" },
        });

        var updated = await h.Stripe.V1.Terminal.Locations.UpdateAsync(created.Id, new LocationUpdateOptions
        {
            DisplayName = "New",
            Metadata = new Dictionary<string, string> { ["drop"] = "", ["add"] = "3" },
        });

        Assert.Equal("New", updated.DisplayName);
        Assert.Equal("Sydney", updated.Address.City);
        Assert.Equal(new Dictionary<string, string> { ["keep"] = "1", ["add"] = "3" }, updated.Metadata);
        Assert.Equal("New", (await h.Stripe.V1.Terminal.Locations.GetAsync(created.Id)).DisplayName);
    }

    [Fact]
    public async Task Update_replaces_the_address_but_refuses_to_change_its_country()
    {
        await using var h = new WireHarness();
        var created = await h.Stripe.V1.Terminal.Locations.CreateAsync(new LocationCreateOptions { DisplayName = "Shop", Address = Sydney() });

        var moved = await h.Stripe.V1.Terminal.Locations.UpdateAsync(created.Id, new LocationUpdateOptions
        {
            Address = new AddressOptions { Line1 = "2 Pitt St", City = "Sydney", State = "NSW", PostalCode = "2000" },
        });
        await StripeAssert.FailsAsync(
            () => h.Stripe.V1.Terminal.Locations.UpdateAsync(created.Id, new LocationUpdateOptions { Address = new AddressOptions { Country = "NZ", Line1 = "1 Queen St" } }),
            HttpStatusCode.BadRequest, null, "address[country]");

        Assert.Equal("2 Pitt St", moved.Address.Line1);
        Assert.Equal("AU", moved.Address.Country);
    }

    [Fact]
    public async Task Delete_answers_the_deleted_shape_and_the_location_is_gone_from_lists()
    {
        await using var h = new WireHarness();
        var location = await h.CreateLocationAsync();

        var deleted = await h.Stripe.V1.Terminal.Locations.DeleteAsync(location.Id);
        var list = await h.Stripe.V1.Terminal.Locations.ListAsync();
        var afterwards = await h.Stripe.V1.Terminal.Locations.GetAsync(location.Id);

        Assert.Equal(location.Id, deleted.Id);
        Assert.True(deleted.Deleted);
        Assert.DoesNotContain(list.Data, l => l.Id == location.Id);
        Assert.True(afterwards.Deleted);
        var body = h.Conformance.Exchanges.Single(x => x.Method == "DELETE").Body;
        Assert.Equal($$"""{"id":"{{location.Id}}","object":"terminal.location","deleted":true}""", body);
    }

    [Fact]
    public async Task A_deleted_location_cannot_be_updated_or_deleted_again()
    {
        await using var h = new WireHarness();
        var location = await h.CreateLocationAsync();
        await h.Stripe.V1.Terminal.Locations.DeleteAsync(location.Id);

        await StripeAssert.FailsAsync(() => h.Stripe.V1.Terminal.Locations.UpdateAsync(location.Id, new LocationUpdateOptions { DisplayName = "x" }), HttpStatusCode.NotFound, "resource_missing");
        await StripeAssert.FailsAsync(() => h.Stripe.V1.Terminal.Locations.DeleteAsync(location.Id), HttpStatusCode.NotFound, "resource_missing");
    }

    [Fact]
    public async Task Unknown_location_ids_are_404_resource_missing_naming_the_id()
    {
        await using var h = new WireHarness();

        var e = await StripeAssert.FailsAsync(() => h.Stripe.V1.Terminal.Locations.GetAsync("tml_nope"), HttpStatusCode.NotFound, "resource_missing");
        await StripeAssert.FailsAsync(() => h.Stripe.V1.Terminal.Locations.UpdateAsync("tml_nope", new LocationUpdateOptions { DisplayName = "x" }), HttpStatusCode.NotFound, "resource_missing");
        await StripeAssert.FailsAsync(() => h.Stripe.V1.Terminal.Locations.DeleteAsync("tml_nope"), HttpStatusCode.NotFound, "resource_missing");

        Assert.Contains("tml_nope", e.StripeError.Message);
    }

    [Fact]
    public async Task List_is_newest_first_with_a_default_limit_of_ten()
    {
        await using var h = new WireHarness();
        var ids = new List<string>();
        for (var i = 0; i < 12; i++)
        {
            ids.Add((await h.CreateLocationAsync($"L{i}")).Id);
        }

        var page = await h.Stripe.V1.Terminal.Locations.ListAsync();

        Assert.Equal(10, page.Data.Count);
        Assert.True(page.HasMore);
        Assert.Equal("/v1/terminal/locations", page.Url);
        Assert.Equal(Enumerable.Reverse(ids).Take(10), page.Data.Select(l => l.Id));
    }

    [Fact]
    public async Task List_pages_forward_with_starting_after_and_back_with_ending_before()
    {
        await using var h = new WireHarness();
        var ids = new List<string>();
        for (var i = 0; i < 7; i++)
        {
            ids.Add((await h.CreateLocationAsync($"L{i}")).Id);
        }

        var newestFirst = Enumerable.Reverse(ids).ToList();

        var first = await h.Stripe.V1.Terminal.Locations.ListAsync(new LocationListOptions { Limit = 3 });
        var second = await h.Stripe.V1.Terminal.Locations.ListAsync(new LocationListOptions { Limit = 3, StartingAfter = first.Data[^1].Id });
        var third = await h.Stripe.V1.Terminal.Locations.ListAsync(new LocationListOptions { Limit = 3, StartingAfter = second.Data[^1].Id });
        var back = await h.Stripe.V1.Terminal.Locations.ListAsync(new LocationListOptions { Limit = 3, EndingBefore = third.Data[0].Id });
        var backToStart = await h.Stripe.V1.Terminal.Locations.ListAsync(new LocationListOptions { Limit = 3, EndingBefore = second.Data[0].Id });

        Assert.Equal(newestFirst[..3], first.Data.Select(l => l.Id));
        Assert.True(first.HasMore);
        Assert.Equal(newestFirst[3..6], second.Data.Select(l => l.Id));
        Assert.True(second.HasMore);
        Assert.Equal(newestFirst[6..], third.Data.Select(l => l.Id));
        Assert.False(third.HasMore);
        Assert.Equal(newestFirst[3..6], back.Data.Select(l => l.Id));
        Assert.True(back.HasMore);
        Assert.Equal(newestFirst[..3], backToStart.Data.Select(l => l.Id));
        Assert.False(backToStart.HasMore);
    }

    [Fact]
    public async Task ListAutoPaging_walks_every_page_once()
    {
        await using var h = new WireHarness();
        var ids = new List<string>();
        for (var i = 0; i < 25; i++)
        {
            ids.Add((await h.CreateLocationAsync($"L{i}")).Id);
        }

        var seen = new List<string>();
        await foreach (var location in h.Stripe.V1.Terminal.Locations.ListAutoPagingAsync(new LocationListOptions { Limit = 10 }))
        {
            seen.Add(location.Id);
        }

        Assert.Equal(Enumerable.Reverse(ids), seen);
        Assert.Equal(3, h.Conformance.Exchanges.Count(x => x.Method == "GET" && x.PathAndQuery.StartsWith("/v1/terminal/locations?")));
    }

    [Fact]
    public async Task List_rejects_both_cursors_a_bad_limit_and_an_unknown_cursor()
    {
        await using var h = new WireHarness();
        var a = await h.CreateLocationAsync("A");
        var b = await h.CreateLocationAsync("B");

        await StripeAssert.FailsAsync(() => h.Stripe.V1.Terminal.Locations.ListAsync(new LocationListOptions { StartingAfter = a.Id, EndingBefore = b.Id }), HttpStatusCode.BadRequest, null);
        await StripeAssert.FailsAsync(() => h.Stripe.V1.Terminal.Locations.ListAsync(new LocationListOptions { Limit = 0 }), HttpStatusCode.BadRequest, "parameter_invalid_integer", "limit");
        await StripeAssert.FailsAsync(() => h.Stripe.V1.Terminal.Locations.ListAsync(new LocationListOptions { Limit = 101 }), HttpStatusCode.BadRequest, "parameter_invalid_integer", "limit");
        await StripeAssert.FailsAsync(() => h.Stripe.V1.Terminal.Locations.ListAsync(new LocationListOptions { StartingAfter = "tml_missing" }), HttpStatusCode.NotFound, "resource_missing", "starting_after");
    }

    [Fact]
    public async Task Create_requires_a_display_name_and_an_address_with_a_country()
    {
        await using var h = new WireHarness();

        await StripeAssert.FailsAsync(() => h.Stripe.V1.Terminal.Locations.CreateAsync(new LocationCreateOptions { Address = Sydney() }), HttpStatusCode.BadRequest, "parameter_missing", "display_name");
        await StripeAssert.FailsAsync(() => h.Stripe.V1.Terminal.Locations.CreateAsync(new LocationCreateOptions { DisplayName = "x" }), HttpStatusCode.BadRequest, "parameter_missing", "address");
        await StripeAssert.FailsAsync(() => h.Stripe.V1.Terminal.Locations.CreateAsync(new LocationCreateOptions { DisplayName = "x", Address = new AddressOptions { Line1 = "1 Main St" } }), HttpStatusCode.BadRequest, "parameter_missing", "address[country]");
        await StripeAssert.FailsAsync(() => h.Stripe.V1.Terminal.Locations.CreateAsync(new LocationCreateOptions { DisplayName = "x", Address = new AddressOptions { Country = "Australia" } }), HttpStatusCode.BadRequest, StripeAssert.AnyCode, "address[country]");
    }
}
