using System.Net;
using Stripe;
using Stripe.Terminal;
using StripeTerminalKit.Emulator.Tests.Behaviour;

namespace StripeTerminalKit.Emulator.Tests.Endpoints;

/// <summary>
/// <c>/v1/terminal/configurations</c> through Stripe.net 53.1.0's <c>ConfigurationService</c>, and
/// tipping per currency used through a location's <c>configuration_overrides</c> (API reference,
/// Terminal Configuration; docs terminal/features/collecting-tips/on-reader; stripe-terminal-facts.md §8.4).
/// </summary>
public sealed class ConfigurationsTests
{
    private static ConfigurationCreateOptions AudTipping(string name = "Cafe tipping") => new()
    {
        Name = name,
        Tipping = new ConfigurationTippingOptions
        {
            Aud = new ConfigurationTippingAudOptions { Percentages = [10, 15, 20], FixedAmounts = [100, 200, 300], SmartTipThreshold = 1000 },
        },
        RebootWindow = new ConfigurationRebootWindowOptions { StartHour = 2, EndHour = 4 },
        Offline = new ConfigurationOfflineOptions { Enabled = false },
    };

    [Fact]
    public async Task A_configuration_is_created_read_updated_listed_and_deleted()
    {
        await using var s = await Scenario.StartAsync();
        var configurations = s.Stripe.V1.Terminal.Configurations;

        var created = await configurations.CreateAsync(AudTipping());
        var read = await configurations.GetAsync(created.Id);
        var renamed = await configurations.UpdateAsync(created.Id, new ConfigurationUpdateOptions { Name = "Bar tipping" });
        var listed = await configurations.ListAsync();
        var deleted = await configurations.DeleteAsync(created.Id);
        var afterDelete = await configurations.GetAsync(created.Id);

        Assert.StartsWith("tmc_", created.Id, StringComparison.Ordinal);
        Assert.Equal("terminal.configuration", created.Object);
        Assert.False(created.IsAccountDefault);
        Assert.Equal("Cafe tipping", read.Name);
        Assert.Equal([10L, 15L, 20L], read.Tipping.Aud.Percentages);
        Assert.Equal([100L, 200L, 300L], read.Tipping.Aud.FixedAmounts);
        Assert.Equal(1000, read.Tipping.Aud.SmartTipThreshold);
        Assert.Null(read.Tipping.Usd);
        Assert.Equal(2, read.RebootWindow.StartHour);
        Assert.Equal(4, read.RebootWindow.EndHour);
        Assert.False(read.Offline.Enabled);
        Assert.Equal("Bar tipping", renamed.Name);
        Assert.Equal([10L, 15L, 20L], renamed.Tipping.Aud.Percentages); // untouched by the update
        Assert.Equal(created.Id, Assert.Single(listed.Data).Id);
        Assert.True(deleted.Deleted);
        Assert.True(afterDelete.Deleted);
        Assert.Empty((await configurations.ListAsync()).Data);
    }

    [Fact]
    public async Task Tipping_is_per_currency_and_an_update_can_replace_it()
    {
        await using var s = await Scenario.StartAsync();
        var configurations = s.Stripe.V1.Terminal.Configurations;
        var created = await configurations.CreateAsync(AudTipping());

        var updated = await configurations.UpdateAsync(created.Id, new ConfigurationUpdateOptions
        {
            Tipping = new ConfigurationTippingOptions { Nzd = new ConfigurationTippingNzdOptions { Percentages = [5] } },
        });

        Assert.Null(updated.Tipping.Aud);
        Assert.Equal([5L], updated.Tipping.Nzd.Percentages);
    }

    [Fact]
    public async Task More_than_three_tip_choices_or_an_unknown_configuration_are_refused()
    {
        await using var s = await Scenario.StartAsync();

        var tooMany = await Scenario.FailsAsync(() => s.Stripe.V1.Terminal.Configurations.CreateAsync(new ConfigurationCreateOptions
        {
            Tipping = new ConfigurationTippingOptions { Aud = new ConfigurationTippingAudOptions { Percentages = [5, 10, 15, 20] } },
        }));
        var missing = await Scenario.FailsAsync(() => s.Stripe.V1.Terminal.Configurations.GetAsync("tmc_missing"));
        var unknownOverride = await Scenario.FailsAsync(() => s.Stripe.V1.Terminal.Locations.UpdateAsync(s.LocationId, new LocationUpdateOptions { ConfigurationOverrides = "tmc_missing" }));

        Assert.Equal(HttpStatusCode.BadRequest, tooMany.HttpStatusCode);
        Assert.Equal("tipping[aud][percentages]", tooMany.StripeError.Param);
        Assert.Equal(HttpStatusCode.NotFound, missing.HttpStatusCode);
        Assert.Equal("resource_missing", missing.StripeError.Code);
        Assert.Equal("resource_missing", unknownOverride.StripeError.Code);
        Assert.Equal("configuration_overrides", unknownOverride.StripeError.Param);
    }

    [Fact]
    public async Task Configurations_of_another_account_are_invisible()
    {
        await using var s = await Scenario.StartAsync();
        var created = await s.Stripe.V1.Terminal.Configurations.CreateAsync(AudTipping());
        var shop = s.Emulator.CreateStripeClient(stripeAccount: "acct_1OtherShop");

        var error = await Scenario.FailsAsync(() => shop.V1.Terminal.Configurations.GetAsync(created.Id));

        Assert.Equal(HttpStatusCode.NotFound, error.HttpStatusCode);
        Assert.Empty((await shop.V1.Terminal.Configurations.ListAsync()).Data);
    }

    [Fact]
    public async Task A_location_whose_configuration_tips_in_the_payments_currency_collects_the_tip()
    {
        await using var s = await Scenario.StartAsync();
        var configuration = await s.Stripe.V1.Terminal.Configurations.CreateAsync(AudTipping());
        var location = await s.Stripe.V1.Terminal.Locations.UpdateAsync(s.LocationId, new LocationUpdateOptions { ConfigurationOverrides = configuration.Id });

        var (paid, _) = await s.PayAsync(1000, TestCards.Visa, tip: 150);

        Assert.Equal(configuration.Id, location.ConfigurationOverrides);
        Assert.Equal(1150, paid.Amount);
        Assert.Equal(150, paid.AmountDetails.Tip.Amount);
    }

    [Fact]
    public async Task A_location_whose_configuration_has_no_tipping_for_the_currency_offers_no_tip()
    {
        // Tipping is configured per currency; with it off, amount_details.tip is null (facts §8.4).
        await using var s = await Scenario.StartAsync();
        var usdOnly = await s.Stripe.V1.Terminal.Configurations.CreateAsync(new ConfigurationCreateOptions
        {
            Tipping = new ConfigurationTippingOptions { Usd = new ConfigurationTippingUsdOptions { Percentages = [15, 18, 20] } },
        });
        await s.Stripe.V1.Terminal.Locations.UpdateAsync(s.LocationId, new LocationUpdateOptions { ConfigurationOverrides = usdOnly.Id });

        var (paid, _) = await s.PayAsync(1000, TestCards.Visa, tip: 150);

        Assert.Equal("succeeded", paid.Status);
        Assert.Equal(1000, paid.Amount);
        using var raw = System.Text.Json.JsonDocument.Parse(paid.StripeResponse.Content);
        Assert.False(raw.RootElement.GetProperty("amount_details").GetProperty("tip").TryGetProperty("amount", out _));
    }

    [Fact]
    public async Task Removing_the_override_or_deleting_the_configuration_returns_the_location_to_the_default()
    {
        await using var s = await Scenario.StartAsync();
        var noTipping = await s.Stripe.V1.Terminal.Configurations.CreateAsync(new ConfigurationCreateOptions { Name = "No tips" });
        await s.Stripe.V1.Terminal.Locations.UpdateAsync(s.LocationId, new LocationUpdateOptions { ConfigurationOverrides = noTipping.Id });
        var (withoutTip, _) = await s.PayAsync(1000, TestCards.Visa, tip: 100);

        await s.Stripe.V1.Terminal.Configurations.DeleteAsync(noTipping.Id);
        var location = await s.Stripe.V1.Terminal.Locations.GetAsync(s.LocationId);
        var (withTip, _) = await s.PayAsync(1000, TestCards.Visa, tip: 100);

        Assert.Equal(1000, withoutTip.Amount);
        Assert.Null(location.ConfigurationOverrides);
        Assert.Equal(1100, withTip.Amount);
    }
}
