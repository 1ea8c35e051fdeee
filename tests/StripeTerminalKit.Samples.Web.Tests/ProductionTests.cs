namespace StripeTerminalKit.Samples.Web.Tests;

/// <summary>Issue 12, finding 4: the emulator never runs as a Production host; and what start-up refuses besides.</summary>
public sealed class ProductionTests
{
    [Fact]
    public async Task The_sample_refuses_to_start_on_the_emulator_in_Production_and_says_how_to_fix_it()
    {
        await using var app = new WebSampleFactory(new Dictionary<string, string?>(), environment: "Production");

        var refused = Record.Exception(() => app.BaseAddress);

        Assert.NotNull(refused);
        var message = refused.ToString();
        Assert.Contains("Production", message, StringComparison.Ordinal);
        Assert.Contains("emulator", message, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("STRIPE_API_KEY", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_device_id_that_cannot_own_checkouts_is_refused_at_start()
    {
        // A device id is the owner of the checkouts it starts, so it must be in the kit's id alphabet.
        await using var app = new WebSampleFactory(new Dictionary<string, string?>
        {
            ["PosDevices:till 3/‮evil:Name"] = "Third till",
            ["PosDevices:till 3/‮evil:Token"] = "test-till-3-token-0123456789",
        });

        var refused = Record.Exception(() => app.BaseAddress);

        Assert.NotNull(refused);
        var message = refused.ToString();
        Assert.Contains("PosDevices", message, StringComparison.Ordinal);
        Assert.Contains("till 3/\\u202Eevil", message, StringComparison.Ordinal);
        Assert.DoesNotContain("\u202E", message, StringComparison.Ordinal);
    }
}
