using Microsoft.Extensions.Options;
using StripeTerminalKit.DependencyInjection;

namespace StripeTerminalKit.Checkout;

/// <summary>
/// Validates <see cref="StripeTerminalCheckoutOptions"/> at start-up (<c>AddCheckout</c> registers it
/// with <c>ValidateOnStart</c>). Every message names the setting
/// (<c>StripeTerminalCheckoutOptions.PollInterval</c>, <c>StripeTerminalCheckoutOptions[shop2].PollInterval</c>)
/// and every problem is reported at once.
/// </summary>
internal sealed class StripeTerminalCheckoutOptionsValidator : IValidateOptions<StripeTerminalCheckoutOptions>
{
    /// <summary>Stripe's live-mode limit on all requests per second.</summary>
    private const double MaxRequestsPerSecond = 100;

    private static readonly TimeSpan MinCompletedRetention = TimeSpan.FromDays(1);
    private static readonly TimeSpan MinLeaseDuration = TimeSpan.FromMilliseconds(300);

    public ValidateOptionsResult Validate(string? name, StripeTerminalCheckoutOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        void Fail(string setting, string message) =>
            failures.Add($"{StripeTerminalKitNames.SettingPath(nameof(StripeTerminalCheckoutOptions), name, setting)} {message}");

        if (options.PollRequestsPerSecond is not (> 0 and <= MaxRequestsPerSecond))
        {
            Fail(nameof(options.PollRequestsPerSecond), "must be above 0 and at most 100 (Stripe's live limit).");
        }

        if (options.PollBurst <= 0)
        {
            Fail(nameof(options.PollBurst), "must be positive.");
        }

        if (options.WriteRequestsPerSecond is not (> 0 and <= (int)MaxRequestsPerSecond))
        {
            Fail(nameof(options.WriteRequestsPerSecond), "must be above 0 and at most 100 (Stripe's live limit).");
        }

        if (options.PollInterval <= TimeSpan.Zero)
        {
            Fail(nameof(options.PollInterval), "must be positive.");
        }

        if (options.SafetyNetPollInterval <= TimeSpan.Zero)
        {
            Fail(nameof(options.SafetyNetPollInterval), "must be positive.");
        }

        if (options.BatchPollInterval < TimeSpan.Zero)
        {
            Fail(nameof(options.BatchPollInterval), "must not be negative (zero turns batched reads off).");
        }

        if (options.CompletedRetention < MinCompletedRetention)
        {
            Fail(nameof(options.CompletedRetention), "must be at least a day.");
        }

        if (options.LeaseDuration < MinLeaseDuration)
        {
            Fail(nameof(options.LeaseDuration), $"must be at least 300 ms ({StripeTerminalCheckoutOptions.DefaultLeaseDuration.TotalSeconds:0} s by default).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
