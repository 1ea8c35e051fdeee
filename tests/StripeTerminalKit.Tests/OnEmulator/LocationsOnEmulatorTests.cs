using StripeTerminalKit.Errors;
using StripeTerminalKit.Locations;
using StripeTerminalKit.Tests.TestSupport;

namespace StripeTerminalKit.Tests.OnEmulator;

public sealed class LocationsOnEmulatorTests
{
    private static readonly TerminalAddress Melbourne = new("AU", "1 Collins St", null, "Melbourne", "VIC", "3000");

    [Fact]
    public async Task Create_get_update_and_delete_round_trip()
    {
        await using var kit = TestKit.OnEmulator();

        var created = await kit.Locations.CreateAsync(
            new CreateLocationRequest("Collins St", Melbourne) { Metadata = new Dictionary<string, string> { ["store"] = "42" } });
        var fetched = await kit.Locations.GetAsync(created.Id);
        var updated = await kit.Locations.UpdateAsync(created.Id, new UpdateLocationRequest { DisplayName = "Collins Street" });
        await kit.Locations.DeleteAsync(created.Id);
        var afterDelete = await TestKit.ThrowsAsync<ResourceNotFoundException>(() => kit.Locations.GetAsync(created.Id));

        Assert.StartsWith("tml_", created.Id, StringComparison.Ordinal);
        Assert.Equal("Collins St", fetched.DisplayName);
        Assert.Equal(Melbourne, fetched.Address);
        Assert.Equal("42", fetched.Metadata["store"]);
        Assert.Equal("Collins Street", updated.DisplayName);
        Assert.Equal(Melbourne, updated.Address);
        Assert.NotNull(afterDelete.RequestId);
    }

    [Fact]
    public async Task List_pages_through_every_location()
    {
        await using var kit = TestKit.OnEmulator();
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add((await kit.Locations.CreateAsync(new CreateLocationRequest($"Shop {i}", Melbourne))).Id);
        }

        var listed = new List<TerminalLocation>();
        await foreach (var location in kit.Locations.ListAsync(pageSize: 2))
        {
            listed.Add(location);
        }

        Assert.Equal(ids.Order(), listed.Select(l => l.Id).Order());
        Assert.Equal(3, kit.Emulator!.RequestLog.Count(r => r.Operation == "terminal.locations.list"));
    }

    [Fact]
    public async Task Ensure_creates_once_then_finds_the_same_location()
    {
        await using var kit = TestKit.OnEmulator();
        await kit.Locations.CreateAsync(new CreateLocationRequest("Unrelated", Melbourne));

        var first = await kit.Locations.EnsureAsync("store-0042", new CreateLocationRequest("Collins St", Melbourne));
        var second = await kit.Locations.EnsureAsync("store-0042", new CreateLocationRequest("Collins St", Melbourne));
        var other = await kit.Locations.EnsureAsync("store-0043", new CreateLocationRequest("Bourke St", Melbourne));

        Assert.True(first.Created);
        Assert.False(second.Created);
        Assert.Equal(first.Location.Id, second.Location.Id);
        Assert.Equal("store-0042", second.Location.Metadata["stk_location_key"]);
        Assert.True(other.Created);
        Assert.NotEqual(first.Location.Id, other.Location.Id);
    }

    [Fact]
    public async Task Concurrent_ensures_for_one_key_create_one_location()
    {
        await using var kit = TestKit.OnEmulator();

        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ =>
            kit.Locations.EnsureAsync("store-7", new CreateLocationRequest("Chapel St", Melbourne))));
        var all = new List<TerminalLocation>();
        await foreach (var location in kit.Locations.ListAsync())
        {
            all.Add(location);
        }

        Assert.Single(results.Select(r => r.Location.Id).Distinct());
        Assert.Single(all);
    }

    [Theory]
    [InlineData(null, "3000", "Address.State")]
    [InlineData("VIC", null, "Address.PostalCode")]
    [InlineData("VIC", "30000", "Address.PostalCode")]
    public async Task Australian_addresses_need_state_and_postcode(string? state, string? postcode, string parameter)
    {
        await using var kit = TestKit.OnEmulator();

        var error = await TestKit.ThrowsAsync<TerminalValidationException>(() =>
            kit.Locations.CreateAsync(new CreateLocationRequest("Shop", new TerminalAddress("AU", "1 Main St", null, "Sydney", state, postcode))));

        Assert.Equal(parameter, error.Parameter);
        Assert.Empty(kit.Emulator!.RequestLog);
    }

    [Fact]
    public async Task A_location_needs_a_country()
    {
        await using var kit = TestKit.OnEmulator(country: "US");

        var error = await TestKit.ThrowsAsync<TerminalValidationException>(() =>
            kit.Locations.CreateAsync(new CreateLocationRequest("Shop", new TerminalAddress("", "1 Main St"))));

        Assert.Equal("Address.Country", error.Parameter);
        Assert.Empty(kit.Emulator!.RequestLog);
    }

    [Fact]
    public async Task An_australian_account_cannot_create_a_location_abroad()
    {
        await using var kit = TestKit.OnEmulator(country: "AU");

        var error = await TestKit.ThrowsAsync<TerminalValidationException>(() =>
            kit.Locations.CreateAsync(new CreateLocationRequest("Shop", new TerminalAddress("NZ", "1 Queen St", null, "Auckland", null, "1010"))));

        Assert.Equal("Address.Country", error.Parameter);
    }
}
