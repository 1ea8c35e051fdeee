using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using StripeTerminalKit.Checkout;
using StripeTerminalKit.Emulator;
using StripeTerminalKit.Samples.Web.Api;
using StripeTerminalKit.Samples.Web.Devices;
using StripeTerminalKit.Samples.Web.Health;
using StripeTerminalKit.Samples.Web.Hosting;
using StripeTerminalKit.Samples.Web.Sales;

// A point-of-sale backend on StripeTerminalKit: POS devices call this host with their own
// token; this host talks to Stripe (or the in-process emulator) and receives Stripe's webhooks.
var builder = WebApplication.CreateBuilder(args);

// One switch: a test-mode key in STRIPE_API_KEY (or StripeTerminal:ApiKey) means Stripe test
// mode; no key means the in-process emulator. A live key is refused: this is a sample.
var apiKey = builder.Configuration["STRIPE_API_KEY"] is { Length: > 0 } fromEnvironment ? fromEnvironment : builder.Configuration["StripeTerminal:ApiKey"];
var mode = string.IsNullOrWhiteSpace(apiKey) ? HostMode.Emulator : HostMode.StripeTestMode;
if (mode == HostMode.StripeTestMode && !apiKey!.StartsWith("sk_test_", StringComparison.Ordinal) && !apiKey.StartsWith("rk_test_", StringComparison.Ordinal))
{
    throw new InvalidOperationException("Refused: the Stripe API key is not a test-mode key (sk_test_… or rk_test_…). The sample never moves real money.");
}

builder.Environment.RefuseEmulatorInProduction(mode);

builder.Services.AddOptions<ShopOptions>().BindConfiguration(ShopOptions.Section).ValidateDataAnnotations().ValidateOnStart();
builder.Services.Configure<PosDeviceOptions>(o => builder.Configuration.GetSection(PosDeviceOptions.Section).Bind(o.Devices));
builder.Services.AddSingleton(new Shop { Mode = mode });
builder.Services.AddSingleton<SalesJournal>();
builder.Services.AddHostedService<ShopSetup>();

var kit = builder.Services.AddStripeTerminalKit(o =>
{
    o.Country = builder.Configuration["Shop:Country"] ?? "AU";
    if (mode == HostMode.StripeTestMode)
    {
        o.ApiKey = apiKey;
    }
});

string? webhookSecret;
if (mode == HostMode.Emulator)
{
    // A fresh signing secret per run; the emulator signs with it and the endpoint verifies it.
    // "Emulator:RateLimits" = live or sandbox makes the emulator refuse what Stripe would (429s).
    var rateLimits = builder.Configuration["Emulator:RateLimits"] switch
    {
        "live" => EmulatorRateLimits.Live,
        "sandbox" => EmulatorRateLimits.Sandbox,
        _ => null,
    };
    var emulator = new StripeEmulator(new StripeEmulatorOptions
    {
        WebhookSecret = "whsec_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24)),
        RateLimits = rateLimits,
    });
    kit.UseEmulator(emulator);
    builder.Services.AddSingleton(emulator);
    builder.Services.AddHostedService<EmulatorWebhookLink>();
    webhookSecret = emulator.Webhooks.Secret;
}
else
{
    // From `stripe listen` or the Dashboard's webhook endpoint; without it checkouts poll.
    webhookSecret = builder.Configuration["STRIPE_WEBHOOK_SECRET"] is { Length: > 0 } secret ? secret : builder.Configuration["StripeWebhooks:SigningSecret"];
}

kit.AddCheckout(o =>
{
    o.WebhooksEnabled = !string.IsNullOrEmpty(webhookSecret);

    // In a farm (several instances on one PostgreSQL), each instance's own stable name and the lease.
    o.InstanceId = builder.Configuration["Checkouts:InstanceId"];
    if (TimeSpan.TryParse(builder.Configuration["Checkouts:LeaseDuration"], System.Globalization.CultureInfo.InvariantCulture, out var lease))
    {
        o.LeaseDuration = lease;
    }
});
var checkoutStore = kit.UseSampleCheckoutStore(builder.Configuration, builder.Environment, mode);

// In a farm, "stk-instance/<InstanceId>" ends the User-Agent of this instance's Stripe requests:
// Stripe's Dashboard request log shows it, so an operator sees which instance sent each request.
kit.UseInstanceUserAgent(builder.Configuration["Checkouts:InstanceId"]);

// At start-up and every few minutes: resume what a crash interrupted (no POS request needed),
// settle ageing authorisations, void orphans, and drop completed checkouts past retention.
kit.AddCheckoutReconciler();
if (!string.IsNullOrEmpty(webhookSecret))
{
    builder.Services.AddStripeTerminalWebhooks(o => o.SigningSecrets.Add(webhookSecret));
}

builder.Services.ConfigureHttpJsonOptions(o =>
{
    o.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower));
    o.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
});
builder.AddSampleHardening();
builder.Services.AddProblemDetails();
builder.Services.AddExceptionHandler<StripeErrorHandler>();
builder.Services.AddAuthentication(DeviceTokenAuthenticationHandler.SchemeName)
    .AddScheme<AuthenticationSchemeOptions, DeviceTokenAuthenticationHandler>(DeviceTokenAuthenticationHandler.SchemeName, null);
builder.Services.AddAuthorization();
builder.Services.AddHealthChecks().AddCheck<ReaderHealthCheck>("readers");
builder.Services.AddOpenApi();

var app = builder.Build();
CheckoutStorage.LogStore(app.Logger, checkoutStore);

app.UseSecurityHeaders();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseRequestLimits();
app.UseDefaultFiles();
app.UseStaticFiles();
app.UseAuthentication();
app.UseAuthorization();

if (app.Environment.IsDevelopment())
{
    app.MapOpenApi();
}

app.MapHealthChecks("/health", new HealthCheckOptions { ResponseWriter = ReaderHealthCheck.WriteAsync });
app.MapPosApi();
if (mode == HostMode.Emulator && !app.Environment.IsProduction())
{
    app.MapEmulatorCustomer();
}

if (!string.IsNullOrEmpty(webhookSecret))
{
    app.MapStripeTerminalWebhooks(EmulatorWebhookLink.WebhookPath);
}

await app.RunAsync();

/// <summary>The web sample's entry point (public for WebApplicationFactory).</summary>
public partial class Program;
