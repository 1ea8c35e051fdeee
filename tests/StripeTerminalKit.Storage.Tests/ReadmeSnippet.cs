#region sqlite-readme-usings
using Microsoft.Extensions.DependencyInjection;
#endregion

namespace StripeTerminalKit.Storage.Tests;

/// <summary>The StripeTerminalKit.Storage.Sqlite package README's snippet, compiled (the README tests check the README shows exactly these lines).</summary>
internal static class ReadmeSnippet
{
    /// <summary>Compiled, never run: it needs a Stripe test key.</summary>
    internal static async Task ProgramAsync()
    {
        #region sqlite-readme
        var services = new ServiceCollection();
        services.AddStripeTerminalKit(o =>
        {
            o.ApiKey = Environment.GetEnvironmentVariable("STRIPE_API_KEY");
            o.Country = "AU";
        }).AddCheckout().UseSqliteStore("data/checkouts.db");   // a checkout survives a crash or a restart
        await using var provider = services.BuildServiceProvider();
        #endregion
    }
}
