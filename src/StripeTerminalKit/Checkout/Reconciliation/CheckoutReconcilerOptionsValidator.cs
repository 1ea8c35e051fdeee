using Microsoft.Extensions.Options;
using StripeTerminalKit.DependencyInjection;

namespace StripeTerminalKit.Checkout;

/// <summary>
/// Validates <see cref="CheckoutReconcilerOptions"/> at start-up (<c>AddCheckoutReconciler</c>
/// registers it with <c>ValidateOnStart</c>). Every message names the setting
/// (<c>CheckoutReconcilerOptions.Interval</c>, <c>CheckoutReconcilerOptions[shop2].Interval</c>).
/// </summary>
internal sealed class CheckoutReconcilerOptionsValidator : IValidateOptions<CheckoutReconcilerOptions>
{
    public ValidateOptionsResult Validate(string? name, CheckoutReconcilerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        void Fail(string setting, string message) =>
            failures.Add($"{StripeTerminalKitNames.SettingPath(nameof(CheckoutReconcilerOptions), name, setting)} {message}");

        if (options.Interval <= TimeSpan.Zero)
        {
            Fail(nameof(options.Interval), "must be positive.");
        }

        if (options.SettleAuthorizationsAfter <= TimeSpan.Zero)
        {
            Fail(nameof(options.SettleAuthorizationsAfter), "must be positive.");
        }

        if (options.OrphanLookback <= TimeSpan.Zero)
        {
            Fail(nameof(options.OrphanLookback), "must be positive.");
        }

        if (options.OrphanGracePeriod < TimeSpan.Zero)
        {
            Fail(nameof(options.OrphanGracePeriod), "must not be negative.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
