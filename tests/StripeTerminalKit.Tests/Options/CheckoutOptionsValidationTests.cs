using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using StripeTerminalKit.Checkout;
using StripeTerminalKit.Tests.TestSupport;

namespace StripeTerminalKit.Tests.Options;

/// <summary>The checkout's and the reconciler's options fail at start-up, as the kit's and the webhooks' do.</summary>
public sealed class CheckoutOptionsValidationTests
{
    private static OptionsValidationException StartupFailure(
        Action<StripeTerminalCheckoutOptions>? checkout = null, Action<CheckoutReconcilerOptions>? reconciler = null, string? name = null)
    {
        var services = TestKit.BaseServices(TimeProvider.System);
        var kit = name is null
            ? services.AddStripeTerminalKit(o => { o.Country = "AU"; o.ApiKey = TestSecrets.ApiKey; })
            : services.AddStripeTerminalKit(name, o => { o.Country = "AU"; o.ApiKey = TestSecrets.ApiKey; });
        kit.AddCheckout(checkout).AddCheckoutReconciler(reconciler);

        using var provider = services.BuildServiceProvider();
        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());
        SuiteLog.Add(error);
        Assert.DoesNotContain(TestSecrets.ApiKey, error.Message, StringComparison.Ordinal);
        return error;
    }

    public static TheoryData<string, Action<StripeTerminalCheckoutOptions>, string> CheckoutFailures => new()
    {
        { "no request budget", o => o.PollRequestsPerSecond = 0, "StripeTerminalCheckoutOptions.PollRequestsPerSecond must be above 0 and at most 100" },
        { "above Stripe's live limit", o => o.PollRequestsPerSecond = 101, "StripeTerminalCheckoutOptions.PollRequestsPerSecond must be above 0 and at most 100" },
        { "not a number", o => o.PollRequestsPerSecond = double.NaN, "StripeTerminalCheckoutOptions.PollRequestsPerSecond must be above 0 and at most 100" },
        { "no burst", o => o.PollBurst = 0, "StripeTerminalCheckoutOptions.PollBurst must be positive" },
        { "no write budget", o => o.WriteRequestsPerSecond = 0, "StripeTerminalCheckoutOptions.WriteRequestsPerSecond must be above 0 and at most 100" },
        { "writes above Stripe's live limit", o => o.WriteRequestsPerSecond = 150, "StripeTerminalCheckoutOptions.WriteRequestsPerSecond must be above 0 and at most 100" },
        { "zero poll interval", o => o.PollInterval = TimeSpan.Zero, "StripeTerminalCheckoutOptions.PollInterval must be positive" },
        { "negative safety net", o => o.SafetyNetPollInterval = TimeSpan.FromSeconds(-1), "StripeTerminalCheckoutOptions.SafetyNetPollInterval must be positive" },
        { "negative batch interval", o => o.BatchPollInterval = TimeSpan.FromSeconds(-1), "StripeTerminalCheckoutOptions.BatchPollInterval must not be negative (zero turns batched reads off)" },
        { "retention under a day", o => o.CompletedRetention = TimeSpan.FromHours(23), "StripeTerminalCheckoutOptions.CompletedRetention must be at least a day" },
        { "lease too short", o => o.LeaseDuration = TimeSpan.FromMilliseconds(299), "StripeTerminalCheckoutOptions.LeaseDuration must be at least 300 ms" },
    };

    public static TheoryData<string, Action<CheckoutReconcilerOptions>, string> ReconcilerFailures => new()
    {
        { "zero interval", o => o.Interval = TimeSpan.Zero, "CheckoutReconcilerOptions.Interval must be positive" },
        { "zero settle age", o => o.SettleAuthorizationsAfter = TimeSpan.Zero, "CheckoutReconcilerOptions.SettleAuthorizationsAfter must be positive" },
        { "negative lookback", o => o.OrphanLookback = TimeSpan.FromDays(-1), "CheckoutReconcilerOptions.OrphanLookback must be positive" },
        { "negative grace", o => o.OrphanGracePeriod = TimeSpan.FromMinutes(-1), "CheckoutReconcilerOptions.OrphanGracePeriod must not be negative" },
    };

    [Theory]
    [MemberData(nameof(CheckoutFailures))]
    public void A_bad_checkout_setting_fails_start_up_naming_the_setting(string scenario, Action<StripeTerminalCheckoutOptions> configure, string expected) =>
        AssertOneFailure(scenario, StartupFailure(checkout: configure), expected);

    [Theory]
    [MemberData(nameof(ReconcilerFailures))]
    public void A_bad_reconciler_setting_fails_start_up_naming_the_setting(string scenario, Action<CheckoutReconcilerOptions> configure, string expected) =>
        AssertOneFailure(scenario, StartupFailure(reconciler: configure), expected);

    private static void AssertOneFailure(string scenario, OptionsValidationException error, string expected)
    {
        var failure = Assert.Single(error.Failures);
        Assert.True(failure.StartsWith(expected, StringComparison.Ordinal), $"{scenario}: {failure}");
    }

    [Fact]
    public void A_bad_reconciler_setting_no_longer_throws_while_services_are_registered()
    {
        var services = TestKit.BaseServices(TimeProvider.System);

        var kit = services.AddStripeTerminalKit(o => o.Country = "AU").AddCheckout().AddCheckoutReconciler(o => o.Interval = TimeSpan.Zero);

        Assert.NotNull(kit);
    }

    [Fact]
    public void The_lease_message_states_the_real_default()
    {
        var error = StartupFailure(checkout: o => o.LeaseDuration = TimeSpan.FromMilliseconds(100));

        Assert.Contains(
            $"StripeTerminalCheckoutOptions.LeaseDuration must be at least 300 ms ({new StripeTerminalCheckoutOptions().LeaseDuration.TotalSeconds:0} s by default).",
            error.Failures);
        Assert.Equal(TimeSpan.FromSeconds(10), new StripeTerminalCheckoutOptions().LeaseDuration);
    }

    [Fact]
    public void Every_problem_is_reported_at_once_and_a_named_configuration_is_named()
    {
        var checkout = StartupFailure(checkout: o => { o.PollInterval = TimeSpan.Zero; o.SafetyNetPollInterval = TimeSpan.Zero; }, name: "sydney");
        var reconciler = StartupFailure(reconciler: o => o.Interval = TimeSpan.Zero, name: "sydney");

        Assert.Equal(
            ["StripeTerminalCheckoutOptions[sydney].PollInterval must be positive.", "StripeTerminalCheckoutOptions[sydney].SafetyNetPollInterval must be positive."],
            checkout.Failures);
        Assert.Equal(["CheckoutReconcilerOptions[sydney].Interval must be positive."], reconciler.Failures);
    }

    [Fact]
    public void The_defaults_pass()
    {
        var services = TestKit.BaseServices(TimeProvider.System);
        services.AddStripeTerminalKit(o => { o.Country = "AU"; o.ApiKey = TestSecrets.ApiKey; }).AddCheckout().AddCheckoutReconciler();
        using var provider = services.BuildServiceProvider();

        provider.GetRequiredService<IStartupValidator>().Validate();
    }
}
