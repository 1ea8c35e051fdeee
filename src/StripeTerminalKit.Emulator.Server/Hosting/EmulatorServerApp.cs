using System.Net;
using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using StripeTerminalKit.Emulator.Server.CommandLine;
using StripeTerminalKit.Emulator.Server.Control;
using StripeTerminalKit.Emulator.Server.Forwarding;
using StripeTerminalKit.Emulator.Server.Security;

namespace StripeTerminalKit.Emulator.Server.Hosting;

/// <summary>Builds the web application: Kestrel on loopback, the control endpoints, and the
/// forwarder for everything else.</summary>
internal static class EmulatorServerApp
{
    /// <summary>Builds (does not start) the server.</summary>
    /// <param name="settings">Port and webhook URLs.</param>
    /// <param name="backend">The emulator to serve; its handler is disposed with the application.</param>
    /// <param name="configure">Last word on the builder (tests swap the logging provider here).</param>
    public static WebApplication Build(ServerSettings settings, EmulatorBackend backend, Action<WebApplicationBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(backend);

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            // Our arguments are not configuration keys; the content root is the tool's folder, so
            // an appsettings.json in the user's working directory cannot reconfigure us.
            Args = [],
            ContentRootPath = AppContext.BaseDirectory,
            ApplicationName = typeof(EmulatorServerApp).Assembly.GetName().Name,
        });

        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            // Loopback only: this is a test double holding fake payment data with a test secret.
            kestrel.Listen(IPAddress.Loopback, settings.Port);
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = ServerLimits.MaxRequestBodyBytes;
        });

        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(console =>
        {
            console.SingleLine = true;
            console.TimestampFormat = "HH:mm:ss ";
        });

        // The banner says where we listen; the framework's own request and lifetime lines would
        // only repeat it. Our per-request line carries no headers, so no API key reaches the log.
        // Set as the lowest-priority configuration, so Logging__LogLevel__* variables still win.
        ((IConfigurationBuilder)builder.Configuration).Sources.Insert(0, new MemoryConfigurationSource
        {
            InitialData = new Dictionary<string, string?>
            {
                ["Logging:LogLevel:Default"] = "Information",
                ["Logging:LogLevel:Microsoft"] = "Warning",
                ["Logging:LogLevel:System.Net.Http"] = "Warning",
            },
        });

        builder.Services.TryAddSingleton(TimeProvider.System);
        // Built by a factory so the container disposes it (and the handler) with the application.
        builder.Services.AddSingleton(_ => new HttpMessageInvoker(backend.Handler, disposeHandler: true));
        builder.Services.AddSingleton(new WriteBudget(settings.MaxAcceptedWrites));
        builder.Services.AddSingleton<StripeRequestForwarder>();
        builder.Services.AddSingleton(services => new WebhookEndpointRegistry(
            backend.SubscribeWebhooks,
            services.GetRequiredService<ILoggerFactory>(),
            backend.SubscribeConnectWebhooks));

        configure?.Invoke(builder);

        // Kestrel binds every Kestrel:Endpoints entry of the configuration (Kestrel__Endpoints__…
        // environment variables, an appsettings.json) beside our loopback listener. Refuse them:
        // the server listens where --port says and nowhere else. (urls / ASPNETCORE_URLS and
        // http_ports need nothing: Kestrel overrides them with the explicit Listen above.)
        if (builder.Configuration.GetSection("Kestrel:Endpoints").GetChildren().Any())
        {
            throw new ListenerConfigurationException(
                "Kestrel endpoints are configured (Kestrel__Endpoints__… environment variables or an appsettings.json); " +
                $"the emulator server listens only on 127.0.0.1 at the --port you give. Remove those settings.");
        }

        var app = builder.Build();
        app.UseLoopbackRequestGuard();

        var registry = app.Services.GetRequiredService<WebhookEndpointRegistry>();
        foreach (var url in settings.WebhookUrls)
        {
            registry.Add(url);
        }

        app.MapControlEndpoints(settings, backend);
        var forwarder = app.Services.GetRequiredService<StripeRequestForwarder>();
        app.MapFallback("{**path}", forwarder.ForwardAsync);
        return app;
    }

    /// <summary>Every address the started server listens on.</summary>
    public static IReadOnlyList<Uri> ListeningAddresses(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        return [.. addresses.Select(a => new Uri(a))];
    }

    /// <summary>The address the started server listens on (with the real port when 0 was asked).</summary>
    public static Uri ListeningAddress(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses;
        var address = addresses?.FirstOrDefault()
            ?? throw new InvalidOperationException("The server is not listening; start it first.");
        return new Uri(address);
    }
}

/// <summary>The configuration tries to move or add a listener; the server refuses to start.</summary>
internal sealed class ListenerConfigurationException(string message) : Exception(message);
