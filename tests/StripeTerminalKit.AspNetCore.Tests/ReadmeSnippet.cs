using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace StripeTerminalKit.AspNetCore.Tests;

/// <summary>
/// The StripeTerminalKit.AspNetCore package README's snippet (the Program.cs of a Microsoft.NET.Sdk.Web
/// project, whose implicit usings bring ASP.NET Core's namespaces), compiled here; the README tests check
/// the README shows exactly these lines.
/// </summary>
internal static class ReadmeSnippet
{
    /// <summary>Compiled, never run: it needs a Stripe test key.</summary>
    internal static void Program(string[] args)
    {
        #region aspnetcore-readme
        var builder = WebApplication.CreateBuilder(args);
        // Configuration: "StripeTerminal": { "ApiKey": "sk_test_…", "Country": "AU" }, "StripeWebhooks": { "SigningSecret": "whsec_…" }
        builder.Services.AddStripeTerminalKit().AddCheckout();
        builder.Services.AddStripeTerminalWebhooks();              // binds and validates the StripeWebhooks section at start-up
        builder.Services.AddHealthChecks().AddStripeTerminalReaders();

        var app = builder.Build();
        app.MapStripeTerminalWebhooks("/stripe/webhooks");   // verifies Stripe-Signature, deduplicates, dispatches
        app.MapHealthChecks("/health");
        app.Run();
        #endregion
    }
}
