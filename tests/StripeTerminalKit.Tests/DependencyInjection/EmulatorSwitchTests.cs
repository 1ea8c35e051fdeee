using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StripeTerminalKit.Emulator;
using StripeTerminalKit.Payments;
using StripeTerminalKit.Tests.TestSupport;

namespace StripeTerminalKit.Tests.DependencyInjection;

/// <summary>The switch onto the emulator comes from the emulator's package and is guarded.</summary>
public sealed class EmulatorSwitchTests
{
    [Fact]
    public void The_kit_assembly_does_not_reference_the_emulator()
    {
        var references = typeof(ITerminalPayments).Assembly.GetReferencedAssemblies().Select(a => a.Name);

        Assert.DoesNotContain("StripeTerminalKit.Emulator", references);
    }

    [Fact]
    public void A_Production_host_refuses_to_start_on_the_emulator_and_names_the_fix()
    {
        var services = TestKit.BaseServices(TimeProvider.System);
        services.AddSingleton<IHostEnvironment>(new FakeEnvironment(Environments.Production));
        services.AddStripeTerminalKit(o => o.Country = "AU").UseEmulator();
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());
        SuiteLog.Add(error);

        var failure = Assert.Single(error.Failures);
        Assert.StartsWith("StripeTerminal runs on the in-process Stripe emulator", failure, StringComparison.Ordinal);
        Assert.Contains("Production", failure, StringComparison.Ordinal);
        Assert.Contains("Remove UseEmulator()", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void A_named_configuration_in_Production_is_refused_by_its_own_section()
    {
        var services = TestKit.BaseServices(TimeProvider.System);
        services.AddSingleton<IHostEnvironment>(new FakeEnvironment(Environments.Production));
        services.AddStripeTerminalKit("sydney", o => o.Country = "AU").UseEmulator();
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());
        SuiteLog.Add(error);

        Assert.StartsWith("StripeTerminal:sydney runs on the in-process Stripe emulator", Assert.Single(error.Failures), StringComparison.Ordinal);
    }

    [Fact]
    public void Production_without_the_emulator_starts()
    {
        var services = TestKit.BaseServices(TimeProvider.System);
        services.AddSingleton<IHostEnvironment>(new FakeEnvironment(Environments.Production));
        services.AddStripeTerminalKit(o => { o.Country = "AU"; o.ApiKey = TestSecrets.ApiKey; });
        using var provider = services.BuildServiceProvider();

        provider.GetRequiredService<IStartupValidator>().Validate();
    }

    [Theory]
    [InlineData("Development")]
    [InlineData("Staging")]
    [InlineData(null)]
    public void Starting_on_the_emulator_logs_one_warning(string? environment)
    {
        var services = TestKit.BaseServices(TimeProvider.System);
        if (environment is not null)
        {
            services.AddSingleton<IHostEnvironment>(new FakeEnvironment(environment));
        }

        services.AddStripeTerminalKit(o => o.Country = "AU").UseEmulator();
        using var provider = services.BuildServiceProvider();

        provider.GetRequiredService<IStartupValidator>().Validate();
        _ = provider.GetRequiredService<IOptions<StripeTerminalOptions>>().Value;
        _ = provider.GetRequiredService<IOptionsMonitor<StripeTerminalOptions>>().CurrentValue;
        _ = provider.GetRequiredService<ITerminalPayments>();

        var warning = Assert.Single(provider.GetRequiredService<Microsoft.Extensions.Logging.Testing.FakeLogCollector>().GetSnapshot(), r => r.Category == "StripeTerminalKit.Emulator");
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains("no payment is real", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_created_emulator_is_resolvable_without_a_key()
    {
        var services = TestKit.BaseServices(TimeProvider.System);
        services.AddStripeTerminalKit(o => o.Country = "AU").UseEmulator();
        using var provider = services.BuildServiceProvider();

        Assert.Same(provider.GetRequiredKeyedService<StripeEmulator>(""), provider.GetRequiredService<StripeEmulator>());
    }

    [Fact]
    public async Task A_supplied_emulator_is_resolvable_without_a_key_and_stays_the_callers()
    {
        await using var emulator = new StripeEmulator();
        var services = TestKit.BaseServices(TimeProvider.System);
        services.AddStripeTerminalKit(o => o.Country = "AU").UseEmulator(emulator);
        await using (var provider = services.BuildServiceProvider())
        {
            Assert.Same(emulator, provider.GetRequiredService<StripeEmulator>());
            Assert.Same(emulator, provider.GetRequiredKeyedService<StripeEmulator>(""));
            await provider.GetRequiredService<ITerminalPayments>().CreateAsync(new CreatePaymentRequest(1000));
        }

        // The container is gone; the caller's emulator still answers.
        Assert.Single(emulator.GetLedger().PaymentIntents);
    }

    private sealed class FakeEnvironment(string name) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = name;

        public string ApplicationName { get; set; } = "tests";

        public string ContentRootPath { get; set; } = AppContext.BaseDirectory;

        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }
}
