using System.Diagnostics.Metrics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Registry;
using StripeTerminalKit;
using StripeTerminalKit.DependencyInjection;
using StripeTerminalKit.Diagnostics;
using StripeTerminalKit.Internal;
using StripeTerminalKit.Locations;
using StripeTerminalKit.Payments;
using StripeTerminalKit.Readers;
using StripeTerminalKit.Resilience;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers StripeTerminalKit's modules.</summary>
/// <example>
/// <code>
/// // appsettings.json: "StripeTerminal": { "ApiKey": "sk_test_…", "Country": "AU" }
/// builder.Services.AddStripeTerminalKit();
///
/// // No Stripe account: the whole kit on the in-process emulator (StripeTerminalKit.Emulator package).
/// builder.Services.AddStripeTerminalKit(o => o.Country = "AU").UseEmulator();
///
/// // Two Stripe accounts side by side.
/// builder.Services.AddStripeTerminalKit("sydney", o => { o.ApiKey = sydneyKey; o.Country = "AU"; });
/// builder.Services.AddStripeTerminalKit("auckland", o => { o.ApiKey = aucklandKey; o.Country = "NZ"; });
/// var payments = provider.GetRequiredKeyedService&lt;ITerminalPayments&gt;("auckland");
/// </code>
/// </example>
public static class StripeTerminalKitServiceCollectionExtensions
{
    private const string LoggerCategory = "StripeTerminalKit";

    /// <summary>
    /// Registers the default configuration: options bound from the <c>StripeTerminal</c> section of
    /// the <see cref="IConfiguration"/> in DI (when there is one), then <paramref name="configure"/>,
    /// validated at start-up. Resolve <see cref="ITerminalLocations"/>, <see cref="ITerminalReaders"/>
    /// and <see cref="ITerminalPayments"/>.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Optional settings applied after configuration binding.</param>
    /// <returns>A builder for further settings.</returns>
    public static StripeTerminalKitBuilder AddStripeTerminalKit(this IServiceCollection services, Action<StripeTerminalOptions>? configure = null) =>
        services.AddStripeTerminalKit(Options.Options.DefaultName, configure);

    /// <summary>Registers the default configuration with options bound from <paramref name="configuration"/>.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The section to bind, such as <c>builder.Configuration.GetSection("StripeTerminal")</c>.</param>
    /// <returns>A builder for further settings.</returns>
    public static StripeTerminalKitBuilder AddStripeTerminalKit(this IServiceCollection services, IConfiguration configuration) =>
        services.AddStripeTerminalKit(Options.Options.DefaultName, configuration);

    /// <summary>
    /// Registers a named configuration (another Stripe account, say): options bound from the
    /// <c>StripeTerminal:{name}</c> section of the <see cref="IConfiguration"/> in DI, then
    /// <paramref name="configure"/>. Its modules are keyed services: <c>GetRequiredKeyedService&lt;ITerminalPayments&gt;(name)</c>.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="name">The configuration name.</param>
    /// <param name="configure">Optional settings applied after configuration binding.</param>
    /// <returns>A builder for further settings.</returns>
    public static StripeTerminalKitBuilder AddStripeTerminalKit(this IServiceCollection services, string name, Action<StripeTerminalOptions>? configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(name);
        var builder = AddCore(services, name);
        var section = StripeTerminalKitNames.SectionPath(name);
        services.AddOptions<StripeTerminalOptions>(name).Configure<IServiceProvider>((options, provider) =>
        {
            if (provider.GetService<IConfiguration>() is { } root)
            {
                root.GetSection(section).Bind(options);
            }
        });
        if (configure is not null)
        {
            services.Configure(name, configure);
        }

        return builder;
    }

    /// <summary>Registers a named configuration with options bound from <paramref name="configuration"/>.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="name">The configuration name.</param>
    /// <param name="configuration">The section to bind.</param>
    /// <returns>A builder for further settings.</returns>
    public static StripeTerminalKitBuilder AddStripeTerminalKit(this IServiceCollection services, string name, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(configuration);
        var builder = AddCore(services, name);
        services.AddOptions<StripeTerminalOptions>(name).Bind(configuration);
        return builder;
    }

    private static StripeTerminalKitBuilder AddCore(IServiceCollection services, string name)
    {
        var key = StripeTerminalKitNames.ServiceKey(name);
        var httpClientName = StripeTerminalKitNames.HttpClient(name);

        services.AddOptions<StripeTerminalOptions>(name).ValidateOnStart();
        services.AddOptions<StripeTerminalKitHooks>(name);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<StripeTerminalOptions>, StripeTerminalOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(provider => new StripeTerminalTelemetry(provider.GetService<IMeterFactory>()));

        // The HttpClient comes from IHttpClientFactory; the kit's timeouts live in the resilience
        // pipeline on the injected TimeProvider, so HttpClient's own timer is switched off. The
        // factory's request loggers go: at Trace they hand the raw request headers (the API key in
        // Authorization) to every logging provider as structured state. The kit logs each call itself.
        var httpClient = services.AddHttpClient(httpClientName)
            .ConfigureHttpClient(client => client.Timeout = Timeout.InfiniteTimeSpan)
            .RemoveAllLoggers();

        if (services.Any(d => d.ServiceType == typeof(Marker) && Equals(d.ServiceKey, key)))
        {
            return new StripeTerminalKitBuilder(services, name, httpClient);
        }

        services.AddKeyedSingleton<Marker>(key);

        // An in-process handler (the emulator package's UseEmulator()) replaces the network.
        // Registered before any user handler configuration, which therefore still wins.
        services.Configure<HttpClientFactoryOptions>(httpClientName, factoryOptions =>
            factoryOptions.HttpMessageHandlerBuilderActions.Add(handlerBuilder =>
            {
                var hooks = handlerBuilder.Services.GetRequiredService<IOptionsMonitor<StripeTerminalKitHooks>>().Get(name);
                if (hooks.InProcessHandler is { } createHandler)
                {
                    handlerBuilder.PrimaryHandler = createHandler(handlerBuilder.Services);
                }
            }));

        // The kit's pipeline is also registered with Polly's registry, so a replacement can wrap it.
        services.AddResiliencePipeline(StripeTerminalResilience.GetDefaultPipelineKey(name), (pipeline, context) =>
            ConfigurePipeline(pipeline, context.ServiceProvider, name));

        services.TryAddKeyedSingleton<StripeCallExecutor>(key, (provider, _) =>
        {
            var options = provider.GetRequiredService<IOptionsMonitor<StripeTerminalOptions>>().Get(name);
            var clientFactory = new StripeClientFactory(
                provider.GetRequiredService<IHttpClientFactory>(), httpClientName, options.ApiKey!, options.ApiBase, provider.GetRequiredService<TimeProvider>());
            return new StripeCallExecutor(
                name,
                options,
                clientFactory,
                ResolvePipeline(provider, name),
                provider.GetRequiredService<TimeProvider>(),
                provider.GetRequiredService<StripeTerminalTelemetry>(),
                CreateLogger(provider));
        });

        services.TryAddKeyedSingleton<ITerminalLocations>(key, (provider, k) => new TerminalLocations(provider.GetRequiredKeyedService<StripeCallExecutor>(k)));
        // With AddCheckout, waits for a reader action take their reads from the checkouts' reader budget.
        services.TryAddKeyedSingleton<ITerminalReaders>(key, (provider, k) => new TerminalReaders(
            provider.GetRequiredKeyedService<StripeCallExecutor>(k),
            provider.GetKeyedService<StripeTerminalKit.Polling.RequestBudgetShare>(k)?.Readers));
        services.TryAddKeyedSingleton<ITerminalPayments>(key, (provider, k) => new TerminalPayments(provider.GetRequiredKeyedService<StripeCallExecutor>(k)));

        if (StripeTerminalKitNames.IsDefault(name))
        {
            services.TryAddSingleton(provider => provider.GetRequiredKeyedService<ITerminalLocations>(key));
            services.TryAddSingleton(provider => provider.GetRequiredKeyedService<ITerminalReaders>(key));
            services.TryAddSingleton(provider => provider.GetRequiredKeyedService<ITerminalPayments>(key));
        }

        return new StripeTerminalKitBuilder(services, name, httpClient);
    }

    /// <summary>
    /// A pipeline the user registered under the public key wins. Otherwise the kit builds its own
    /// outside the registry: a registry-owned pipeline, when disposed, waits for calls still in
    /// flight on the pipeline's clock, which never moves when that clock is a test's fake one.
    /// </summary>
    private static ResiliencePipeline ResolvePipeline(IServiceProvider provider, string name)
    {
        if (provider.GetRequiredService<ResiliencePipelineProvider<string>>().TryGetPipeline(StripeTerminalResilience.GetPipelineKey(name), out var replacement))
        {
            return replacement;
        }

        var builder = new ResiliencePipelineBuilder { Name = StripeTerminalResilience.GetDefaultPipelineKey(name) };
        ConfigurePipeline(builder, provider, name);
        return builder.Build();
    }

    private static void ConfigurePipeline(ResiliencePipelineBuilder pipeline, IServiceProvider provider, string name)
    {
        var options = provider.GetRequiredService<IOptionsMonitor<StripeTerminalOptions>>().Get(name);
        StripeTerminalPipeline.Configure(
            pipeline,
            options,
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<StripeTerminalTelemetry>(),
            CreateLogger(provider),
            name);
        foreach (var hook in provider.GetRequiredService<IOptionsMonitor<StripeTerminalKitHooks>>().Get(name).Resilience)
        {
            hook(pipeline, provider);
        }
    }

    private static ILogger CreateLogger(IServiceProvider provider) =>
        provider.GetService<ILoggerFactory>()?.CreateLogger(LoggerCategory) ?? NullLogger.Instance;

    /// <summary>Marks a configuration name as registered, so a second call adds settings without duplicating services.</summary>
    private sealed class Marker;
}
