using System.Text.Json.Serialization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;
using StripeTerminalKit.Checkout;
using StripeTerminalKit.Samples.Web.Devices;
using StripeTerminalKit.Samples.Web.Health;

namespace StripeTerminalKit.Samples.Web.Hosting;

/// <summary>
/// The web sample's defences, kept out of Program.cs so each is one call there: see
/// docs/security.md for what each holds off and the test that proves it.
/// </summary>
internal static class SampleHardening
{
    /// <summary>
    /// Refuses to start on the in-process emulator in the Production environment: a Production
    /// host without a Stripe key is a misconfiguration, not a demo.
    /// </summary>
    public static void RefuseEmulatorInProduction(this IHostEnvironment environment, HostMode mode)
    {
        if (mode == HostMode.Emulator && environment.IsProduction())
        {
            throw new InvalidOperationException(
                "Refused: no Stripe API key, so the web sample would run on the in-process emulator, and the environment is Production. " +
                "Set STRIPE_API_KEY (or StripeTerminal:ApiKey) to a test-mode key (sk_test_… or rk_test_…), " +
                "or run the emulator outside Production (ASPNETCORE_ENVIRONMENT=Development).");
        }
    }

    /// <summary>Strict JSON, quiet logs for strangers, the request limits, the cached reader view, device ids that can own checkouts, an OpenAPI document that declares its token.</summary>
    public static WebApplicationBuilder AddSampleHardening(this WebApplicationBuilder builder)
    {
        // Numbers as numbers, each member once, names exactly as documented, nothing unknown.
        builder.Services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.NumberHandling = JsonNumberHandling.Strict;
            o.SerializerOptions.AllowDuplicateProperties = false;
            o.SerializerOptions.PropertyNameCaseInsensitive = false;
            o.SerializerOptions.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
        });

        // Anyone can send a request without a token: the handler's "not authenticated" and
        // "challenged" lines (Information) would let strangers flood the log.
        builder.Logging.AddFilter(typeof(DeviceTokenAuthenticationHandler).FullName, LogLevel.Warning);

        // Likewise the health check service writes a Warning or an Error for every degraded or
        // unhealthy /health request; the reader cache logs a failed list once per refresh instead.
        builder.Logging.AddFilter("Microsoft.Extensions.Diagnostics.HealthChecks", LogLevel.Critical);

        builder.Services.AddRequestLimits();
        builder.Services.AddReaderStatusCache();
        builder.Services.AddSingleton<IValidateOptions<PosDeviceOptions>, PosDeviceIdsValidator>();
        builder.Services.AddOptions<PosDeviceOptions>().ValidateOnStart();
        builder.Services.Configure<OpenApiOptions>("v1", o => o.AddDocumentTransformer((document, _, _) =>
        {
            // No server list (it would echo the request's Host), and the device token declared.
            document.Servers = [];
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>(StringComparer.Ordinal);
            document.Components.SecuritySchemes["DeviceToken"] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                Description = "Each POS device's own token (PosDevices:{id}:Token): Authorization: Bearer {token}.",
            };
            return Task.CompletedTask;
        }));
        return builder;
    }

    /// <summary>A device id becomes the owner of the checkouts it starts, so it must be a valid owner.</summary>
    private sealed class PosDeviceIdsValidator : IValidateOptions<PosDeviceOptions>
    {
        public ValidateOptionsResult Validate(string? name, PosDeviceOptions options)
        {
            var bad = options.Devices.Keys.Where(id => !CheckoutRequest.IsValidId(id, CheckoutRequest.MaxOwnerLength)).ToList();
            return bad.Count == 0
                ? ValidateOptionsResult.Success
                : ValidateOptionsResult.Fail($"PosDevices: {bad.Count} device id(s) are not 1 to {CheckoutRequest.MaxOwnerLength} ASCII letters, digits, '-', '_' or '.' starting with a letter or digit (a device id owns the checkouts it starts): {string.Join(", ", bad.Select(LogValue.Escape))}.");
        }
    }
}
