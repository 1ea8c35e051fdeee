#region kit-readme-usings
using Microsoft.Extensions.DependencyInjection;
using StripeTerminalKit.Checkout;
#endregion

namespace StripeTerminalKit.Tests.Readme;

/// <summary>The StripeTerminalKit package README's snippet, compiled (see <see cref="PackageReadmeSnippets"/>).</summary>
internal static class KitReadmeSnippet
{
    /// <summary>Compiled, never run: it needs a Stripe test key and a real reader.</summary>
    internal static async Task KitReadmeAsync()
    {
        #region kit-readme
        var services = new ServiceCollection();
        services.AddStripeTerminalKit(o =>
        {
            o.ApiKey = Environment.GetEnvironmentVariable("STRIPE_API_KEY");   // sk_test_… or rk_test_…
            o.Country = "AU";
        }).AddCheckout();
        await using var provider = services.BuildServiceProvider();

        var checkout = provider.GetRequiredService<ITerminalCheckout>();
        var handle = await checkout.StartAsync(new CheckoutRequest
        {
            CheckoutId = "order-1001",   // your order reference: starting it again never charges twice
            Amount = 1750,
            Currency = "aud",
            ReaderId = "tmr_…",          // a reader registered to your account
        });
        var result = await handle.WaitForCompletionAsync();
        Console.WriteLine(result.Outcome);
        #endregion
    }
}
