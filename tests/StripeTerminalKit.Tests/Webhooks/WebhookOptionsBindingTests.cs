using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Stripe;
using StripeTerminalKit.Tests.TestSupport;
using StripeTerminalKit.Webhooks;

namespace StripeTerminalKit.Tests.Webhooks;

/// <summary>
/// Webhook options come from configuration (the <c>StripeWebhooks</c> section by default, or a
/// section the caller hands over) and are checked at start-up, naming the setting and never a secret.
/// </summary>
public sealed class WebhookOptionsBindingTests
{
    private const string Current = "whsec_binding_current";
    private const string Previous = "whsec_binding_previous";
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 10, 0, 0, TimeSpan.Zero);

    private static IConfiguration Configuration(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => KeyValuePair.Create(v.Key, (string?)v.Value))).Build();

    private static ServiceProvider Build(IConfiguration configuration, Action<IServiceCollection> register)
    {
        var services = new ServiceCollection();
        services.AddSingleton(configuration);
        services.AddSingleton<TimeProvider>(new FakeTimeProvider(Now));
        register(services);
        return services.BuildServiceProvider();
    }

    private static OptionsValidationException StartupFailure(ServiceProvider provider)
    {
        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());
        SuiteLog.Add(error);
        return error;
    }

    [Fact]
    public void The_StripeWebhooks_section_is_bound_by_default()
    {
        var configuration = Configuration(
            ("StripeWebhooks:SigningSecrets:0", Current),
            ("StripeWebhooks:SigningSecrets:1", Previous),
            ("StripeWebhooks:Tolerance", "00:02:00"),
            ("StripeWebhooks:MaxBodyBytes", "65536"),
            ("StripeWebhooks:DeduplicationCapacity", "1000"));
        using var provider = Build(configuration, s => s.AddStripeTerminalWebhooks());

        provider.GetRequiredService<IStartupValidator>().Validate();
        var options = provider.GetRequiredService<IOptions<StripeWebhookOptions>>().Value;

        Assert.Equal([Current, Previous], options.SigningSecrets);
        Assert.Equal(TimeSpan.FromMinutes(2), options.Tolerance);
        Assert.Equal(65536, options.MaxBodyBytes);
        Assert.Equal(1000, options.DeduplicationCapacity);
    }

    [Fact]
    public void A_single_SigningSecret_is_accepted_as_user_secrets_and_environment_variables_give_it()
    {
        using var provider = Build(Configuration(("StripeWebhooks:SigningSecret", Current)), s => s.AddStripeTerminalWebhooks());

        provider.GetRequiredService<IStartupValidator>().Validate();

        Assert.Equal([Current], provider.GetRequiredService<IOptions<StripeWebhookOptions>>().Value.SigningSecrets);
    }

    [Fact]
    public async Task A_section_handed_over_is_bound_and_the_processor_verifies_with_its_secret()
    {
        var configuration = Configuration(("Payments:Webhooks:SigningSecret", Current), ("StripeWebhooks:SigningSecret", Previous));
        using var provider = Build(configuration, s => s.AddStripeTerminalWebhooks(configuration.GetSection("Payments:Webhooks")));
        var body = "{\"id\":\"evt_1\",\"object\":\"event\",\"api_version\":\"2026-10-28.endive\",\"created\":" + Now.ToUnixTimeSeconds() + ",\"data\":{\"object\":{\"id\":\"tmr_1\",\"object\":\"terminal.reader\",\"action\":{\"type\":\"process_payment_intent\",\"status\":\"succeeded\",\"failure_code\":null,\"process_payment_intent\":{\"payment_intent\":\"pi_42\"}}}},\"livemode\":false,\"pending_webhooks\":1,\"request\":{\"id\":null,\"idempotency_key\":null},\"type\":\"terminal.reader.action_succeeded\"}";
        var signature = EventUtility.GenerateSignatureHeader(body, Current, Now.ToUnixTimeSeconds());

        provider.GetRequiredService<IStartupValidator>().Validate();
        var result = await provider.GetRequiredService<IStripeWebhookProcessor>().ProcessAsync(Encoding.UTF8.GetBytes(body), signature);

        Assert.Equal([Current], provider.GetRequiredService<IOptions<StripeWebhookOptions>>().Value.SigningSecrets);
        Assert.True(result.Accepted, result.Rejection?.ToString());
    }

    [Fact]
    public void The_delegate_runs_after_configuration()
    {
        var configuration = Configuration(("StripeWebhooks:SigningSecret", Current), ("StripeWebhooks:MaxBodyBytes", "1024"));
        using var provider = Build(configuration, s => s.AddStripeTerminalWebhooks(o => { o.MaxBodyBytes = 2048; o.SigningSecrets.Add(Previous); }));

        var options = provider.GetRequiredService<IOptions<StripeWebhookOptions>>().Value;

        Assert.Equal(2048, options.MaxBodyBytes);
        Assert.Equal([Current, Previous], options.SigningSecrets);
    }

    [Fact]
    public void No_secret_anywhere_fails_at_start_up_naming_the_setting()
    {
        using var provider = Build(Configuration(), s => s.AddStripeTerminalWebhooks());

        var error = StartupFailure(provider);

        Assert.Contains("StripeWebhooks:SigningSecrets is required", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bad_values_in_a_handed_over_section_fail_at_start_up_naming_its_path_and_never_the_secret()
    {
        var configuration = Configuration(
            ("Payments:Webhooks:SigningSecrets:0", Current),
            ("Payments:Webhooks:SigningSecrets:1", "not-a-webhook-secret"),
            ("Payments:Webhooks:Tolerance", "-00:01:00"),
            ("Payments:Webhooks:MaxBodyBytes", "0"),
            ("Payments:Webhooks:DeduplicationCapacity", "0"));
        using var provider = Build(configuration, s => s.AddStripeTerminalWebhooks(configuration.GetSection("Payments:Webhooks")));

        var error = StartupFailure(provider);

        Assert.Contains("Payments:Webhooks:SigningSecrets:1 is not a webhook signing secret", error.Message, StringComparison.Ordinal);
        Assert.Contains("Payments:Webhooks:Tolerance must be positive", error.Message, StringComparison.Ordinal);
        Assert.Contains("Payments:Webhooks:MaxBodyBytes must be positive", error.Message, StringComparison.Ordinal);
        Assert.Contains("Payments:Webhooks:DeduplicationCapacity must be positive", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("not-a-webhook-secret", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Current, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_value_that_is_not_a_time_span_fails_naming_the_key()
    {
        using var provider = Build(Configuration(("StripeWebhooks:SigningSecret", Current), ("StripeWebhooks:Tolerance", "five minutes")), s => s.AddStripeTerminalWebhooks());

        var error = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<IOptions<StripeWebhookOptions>>().Value);

        Assert.Contains("StripeWebhooks:Tolerance", error.Message, StringComparison.Ordinal);
    }
}
