using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using StripeTerminalKit.Locations;

namespace StripeTerminalKit.Tests.DependencyInjection;

public sealed class EmulatorKeyTests
{
    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public async Task An_empty_ApiKey_placeholder_in_configuration_does_not_stop_the_emulator(string placeholder)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["StripeTerminal:ApiKey"] = placeholder,
            ["StripeTerminal:Country"] = "AU",
        }).Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration);
        services.AddStripeTerminalKit().UseEmulator();
        await using var provider = services.BuildServiceProvider();

        var locations = provider.GetRequiredService<ITerminalLocations>();
        var created = await locations.CreateAsync(new CreateLocationRequest("Shop", new TerminalAddress("AU", Line1: "1 Main St", City: "Sydney", State: "NSW", PostalCode: "2000")));

        Assert.StartsWith("tml_", created.Id, StringComparison.Ordinal);
    }
}
