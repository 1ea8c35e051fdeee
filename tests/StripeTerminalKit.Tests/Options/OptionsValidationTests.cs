using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using StripeTerminalKit.Payments;
using StripeTerminalKit.Tests.TestSupport;

namespace StripeTerminalKit.Tests.Options;

public sealed class OptionsValidationTests
{
    private static OptionsValidationException StartupFailure(Action<StripeTerminalOptions> configure, string? name = null)
    {
        var services = TestKit.BaseServices(TimeProvider.System);
        if (name is null)
        {
            services.AddStripeTerminalKit(configure);
        }
        else
        {
            services.AddStripeTerminalKit(name, configure);
        }

        using var provider = services.BuildServiceProvider();
        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());
        SuiteLog.Add(error);
        return error;
    }

    public static TheoryData<string, Action<StripeTerminalOptions>, string> Failures => new()
    {
        { "missing key", o => o.Country = "AU", "StripeTerminal:ApiKey is required" },
        { "publishable key", o => { o.Country = "AU"; o.ApiKey = "pk_test_abc123"; }, "StripeTerminal:ApiKey is a publishable key" },
        { "key with a stray space", o => { o.Country = "AU"; o.ApiKey = TestSecrets.ApiKey + " "; }, "StripeTerminal:ApiKey contains whitespace" },
        { "key of the wrong shape", o => { o.Country = "AU"; o.ApiKey = "sk_prod_abc"; }, "StripeTerminal:ApiKey does not look like" },
        { "live key with the emulator", o => { o.Country = "AU"; o.ApiKey = "sk_live_abc123"; o.UseEmulator = true; }, "StripeTerminal:ApiKey is a live-mode key but UseEmulator is on" },
        { "emulator switched on in configuration without the emulator package", o => { o.Country = "AU"; o.UseEmulator = true; }, "StripeTerminal:UseEmulator is on but no emulator is registered for this configuration: add the StripeTerminalKit.Emulator package and call UseEmulator()" },
        { "missing country", o => o.ApiKey = TestSecrets.ApiKey, "StripeTerminal:Country is required" },
        { "country without Terminal", o => { o.ApiKey = TestSecrets.ApiKey; o.Country = "BR"; }, "StripeTerminal:Country 'BR' is not a country where Stripe Terminal is available" },
        { "currency the country cannot charge", o => { o.ApiKey = TestSecrets.ApiKey; o.Country = "AU"; o.DefaultCurrency = "usd"; }, "StripeTerminal:DefaultCurrency 'usd' is not supported for Terminal in AU" },
        { "currency that is not ISO 4217", o => { o.ApiKey = TestSecrets.ApiKey; o.Country = "AU"; o.DefaultCurrency = "aux"; }, "StripeTerminal:DefaultCurrency 'aux' is not an ISO 4217 currency code" },
        { "connected account of the wrong shape", o => { o.ApiKey = TestSecrets.ApiKey; o.Country = "AU"; o.ConnectedAccount = "cus_1"; }, "StripeTerminal:ConnectedAccount must be a Stripe account id" },
        { "relative API base", o => { o.ApiKey = TestSecrets.ApiKey; o.Country = "AU"; o.ApiBase = new Uri("/v1", UriKind.Relative); }, "StripeTerminal:ApiBase must be an absolute http or https address" },
        { "zero attempt timeout", o => { o.ApiKey = TestSecrets.ApiKey; o.Country = "AU"; o.AttemptTimeout = TimeSpan.Zero; }, "StripeTerminal:AttemptTimeout must be between 10 milliseconds and 24 hours" },
        { "attempt timeout longer than the total", o => { o.ApiKey = TestSecrets.ApiKey; o.Country = "AU"; o.AttemptTimeout = TimeSpan.FromMinutes(5); }, "StripeTerminal:AttemptTimeout must not be longer than TotalTimeout" },
        { "negative poll interval", o => { o.ApiKey = TestSecrets.ApiKey; o.Country = "AU"; o.ReaderPollInterval = TimeSpan.FromSeconds(-1); }, "StripeTerminal:ReaderPollInterval must be positive" },
        { "too many retries", o => { o.ApiKey = TestSecrets.ApiKey; o.Country = "AU"; o.Retry.MaxRetries = 11; }, "StripeTerminal:Retry:MaxRetries must be between 0 and 10" },
        { "max delay below base delay", o => { o.ApiKey = TestSecrets.ApiKey; o.Country = "AU"; o.Retry.MaxDelay = TimeSpan.FromMilliseconds(100); }, "StripeTerminal:Retry:MaxDelay must be at least Retry:BaseDelay" },
        { "jitter above one", o => { o.ApiKey = TestSecrets.ApiKey; o.Country = "AU"; o.Retry.JitterFactor = 1.5; }, "StripeTerminal:Retry:JitterFactor must be between 0 and 1" },
    };

    [Theory]
    [MemberData(nameof(Failures))]
    public void Start_up_fails_with_a_message_naming_the_setting(string scenario, Action<StripeTerminalOptions> configure, string expected)
    {
        var error = StartupFailure(configure);

        Assert.True(error.Failures.Any(f => f.StartsWith(expected, StringComparison.Ordinal)), $"{scenario}: {string.Join(" | ", error.Failures)}");
        Assert.DoesNotContain(TestSecrets.ApiKey, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_named_configuration_is_named_in_the_message()
    {
        var error = StartupFailure(o => o.ApiKey = TestSecrets.ApiKey, name: "sydney");

        Assert.Contains(error.Failures, f => f.StartsWith("StripeTerminal:sydney:Country is required", StringComparison.Ordinal));
    }

    [Fact]
    public void Every_problem_is_reported_at_once()
    {
        var error = StartupFailure(o => o.AttemptTimeout = TimeSpan.Zero);

        Assert.Contains(error.Failures, f => f.Contains("ApiKey", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("Country", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("AttemptTimeout", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Options_bind_from_the_StripeTerminal_section()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["StripeTerminal:ApiKey"] = TestSecrets.ApiKey,
            ["StripeTerminal:Country"] = "NZ",
            ["StripeTerminal:AttemptTimeout"] = "00:00:12",
            ["StripeTerminal:Retry:MaxRetries"] = "5",
            ["StripeTerminal:UseEmulator"] = "true",
        }).Build();
        var services = TestKit.BaseServices(TimeProvider.System);
        services.AddSingleton<IConfiguration>(configuration);
        services.AddStripeTerminalKit().UseEmulator();
        await using var provider = services.BuildServiceProvider();

        provider.GetRequiredService<IStartupValidator>().Validate();
        var options = provider.GetRequiredService<IOptionsMonitor<StripeTerminalOptions>>().CurrentValue;
        var payment = await provider.GetRequiredService<ITerminalPayments>().CreateAsync(new CreatePaymentRequest(1000));

        Assert.Equal("NZ", options.Country);
        Assert.Equal(TimeSpan.FromSeconds(12), options.AttemptTimeout);
        Assert.Equal(5, options.Retry.MaxRetries);
        Assert.Equal("nzd", payment.Currency);
    }

    [Fact]
    public void The_delegate_wins_over_configuration()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["StripeTerminal:ApiKey"] = TestSecrets.ApiKey,
            ["StripeTerminal:Country"] = "NZ",
        }).Build();
        var services = TestKit.BaseServices(TimeProvider.System);
        services.AddSingleton<IConfiguration>(configuration);
        services.AddStripeTerminalKit(o => o.Country = "AU");
        using var provider = services.BuildServiceProvider();

        Assert.Equal("AU", provider.GetRequiredService<IOptionsMonitor<StripeTerminalOptions>>().CurrentValue.Country);
    }

    [Fact]
    public void The_emulator_switch_fills_in_a_test_key()
    {
        var services = TestKit.BaseServices(TimeProvider.System);
        services.AddStripeTerminalKit(o => o.Country = "AU").UseEmulator();
        using var provider = services.BuildServiceProvider();

        provider.GetRequiredService<IStartupValidator>().Validate();
        var options = provider.GetRequiredService<IOptionsMonitor<StripeTerminalOptions>>().CurrentValue;

        Assert.Equal(Emulator.StripeEmulator.TestApiKey, options.ApiKey);
        Assert.Equal(new Uri(Emulator.StripeEmulator.DefaultApiBase), options.ApiBase);
    }

    [Fact]
    public void ToString_describes_the_key_without_revealing_it()
    {
        var options = new StripeTerminalOptions { ApiKey = TestSecrets.ApiKey, Country = "AU", ConnectedAccount = "acct_1X" };

        var text = options.ToString();

        Assert.DoesNotContain(TestSecrets.ApiKey, text, StringComparison.Ordinal);
        Assert.DoesNotContain("sk_test_", text, StringComparison.Ordinal);
        Assert.Contains("secret test key (redacted)", text, StringComparison.Ordinal);
        Assert.Contains("acct_1X", text, StringComparison.Ordinal);
    }
}
