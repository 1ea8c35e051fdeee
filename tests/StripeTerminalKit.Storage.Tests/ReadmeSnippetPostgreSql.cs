#region postgresql-readme-usings
using Microsoft.Extensions.DependencyInjection;
#endregion

namespace StripeTerminalKit.Storage.Tests;

/// <summary>The StripeTerminalKit.Storage.PostgreSql package README's snippet, compiled (the README tests check the README shows exactly these lines).</summary>
internal static class ReadmeSnippetPostgreSql
{
    /// <summary>Compiled, never run: it needs a Stripe test key and a database.</summary>
    internal static async Task ProgramAsync()
    {
        #region postgresql-readme
        var services = new ServiceCollection();
        services.AddStripeTerminalKit(o =>
        {
            o.ApiKey = Environment.GetEnvironmentVariable("STRIPE_API_KEY");
            o.Country = "AU";
        }).AddCheckout().UsePostgreSqlStore(Environment.GetEnvironmentVariable("CHECKOUTS_DB")!);   // Host=…;Database=…;Username=…;Password=…
        await using var provider = services.BuildServiceProvider();
        #endregion
    }
}
