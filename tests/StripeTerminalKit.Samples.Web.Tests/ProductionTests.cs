namespace StripeTerminalKit.Samples.Web.Tests;

/// <summary>Issue 12, finding 4: the emulator never runs as a Production host.</summary>
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
}
