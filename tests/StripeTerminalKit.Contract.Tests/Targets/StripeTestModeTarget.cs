using Stripe;

namespace StripeTerminalKit.Contract.Tests.Targets;

/// <summary>
/// (c) Stripe itself in test mode, with the key in <c>STRIPE_API_KEY</c>. Selected only by the
/// trait filter <c>Target=Stripe</c>; selected without a test key, every scenario fails saying so
/// (never a silent skip). Live keys are refused: the suite moves money.
/// </summary>
public sealed class StripeTestModeTarget : ContractTarget
{
    /// <summary>The environment variable the key is read from.</summary>
    public const string KeyVariable = "STRIPE_API_KEY";

    private string? _key;
    private StripeClient? _stripe;

    /// <inheritdoc />
    public override string Name => "Stripe test mode";

    /// <inheritdoc />
    public override StripeClient Stripe => _stripe ?? throw NoKey();

    /// <summary>Stripe's simulated readers answer within a second or two; poll at the kit's default pace (rate limits are real).</summary>
    public override TimeSpan PollInterval => TimeSpan.FromSeconds(1);

    /// <inheritdoc />
    public override TimeSpan StepTimeout => TimeSpan.FromSeconds(60);

    /// <inheritdoc />
    protected override void ConfigureKit(StripeTerminalOptions options) => options.ApiKey = _key ?? throw NoKey();

    /// <inheritdoc />
    public override Task InitializeAsync()
    {
        var key = Environment.GetEnvironmentVariable(KeyVariable);
        // Only the prefix is ever looked at or named; the key itself is never printed.
        if (key is not null && key.StartsWith("sk_test_", StringComparison.Ordinal) || key is not null && key.StartsWith("rk_test_", StringComparison.Ordinal))
        {
            _key = key;
            _stripe = new StripeClient(key);
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public override Task DisposeAsync() => Task.CompletedTask;

    private static InvalidOperationException NoKey() => new(
        $"The Stripe test-mode scenarios were selected (Target=Stripe) but {KeyVariable} holds no test-mode secret key. "
        + $"Set {KeyVariable} to your account's test key (it starts with the test prefix; live keys are refused), or leave these scenarios out with --filter \"Target!=Stripe\".");
}
