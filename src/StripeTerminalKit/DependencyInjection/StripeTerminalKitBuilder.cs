using Microsoft.Extensions.Options;
using Polly;
using StripeTerminalKit;
using StripeTerminalKit.DependencyInjection;
using StripeTerminalKit.Emulator;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Returned by <c>AddStripeTerminalKit</c> to refine one configuration: its options, its
/// <see cref="HttpClient"/>, its resilience pipeline, or the in-process emulator.
/// </summary>
public sealed class StripeTerminalKitBuilder
{
    internal StripeTerminalKitBuilder(IServiceCollection services, string name, IHttpClientBuilder httpClient)
    {
        Services = services;
        Name = name;
        HttpClient = httpClient;
    }

    /// <summary>The service collection.</summary>
    public IServiceCollection Services { get; }

    /// <summary>
    /// The configuration name: <see cref="Microsoft.Extensions.Options.Options.DefaultName"/> (empty) for the default configuration.
    /// Named configurations' services are keyed by this name.
    /// </summary>
    public string Name { get; }

    /// <summary>
    /// The <see cref="IHttpClientBuilder"/> of the configuration's <see cref="System.Net.Http.HttpClient"/>, to add
    /// handlers (a proxy, an outbound logger) or replace the primary handler.
    /// </summary>
    public IHttpClientBuilder HttpClient { get; }

    /// <summary>Applies more settings to the configuration's options.</summary>
    /// <param name="configure">Changes the options.</param>
    /// <returns>This builder.</returns>
    public StripeTerminalKitBuilder Configure(Action<StripeTerminalOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        Services.Configure(Name, configure);
        return this;
    }

    /// <summary>
    /// Adds strategies to the kit's resilience pipeline, inside its own (after the attempt timeout),
    /// for example a rate limiter or chaos injection. To replace the pipeline entirely, register a
    /// pipeline under <see cref="StripeTerminalKit.Resilience.StripeTerminalResilience.GetPipelineKey(string?)"/> with
    /// Polly's <c>AddResiliencePipeline</c>.
    /// </summary>
    /// <param name="configure">Adds strategies to the builder.</param>
    /// <returns>This builder.</returns>
    public StripeTerminalKitBuilder ConfigureResilience(Action<ResiliencePipelineBuilder, IServiceProvider> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        Services.Configure<StripeTerminalKitHooks>(Name, hooks => hooks.Resilience.Add(configure));
        return this;
    }

    /// <summary>
    /// Switches this configuration onto the given in-process emulator: every call is answered by
    /// <paramref name="emulator"/>, with no network and no Stripe account. The API key defaults to
    /// <see cref="StripeEmulator.TestApiKey"/>. The caller keeps ownership of the emulator.
    /// </summary>
    /// <param name="emulator">The emulator; tests keep it to drive the customer, faults and webhooks.</param>
    /// <returns>This builder.</returns>
    public StripeTerminalKitBuilder UseEmulator(StripeEmulator emulator)
    {
        ArgumentNullException.ThrowIfNull(emulator);
        Services.AddKeyedSingleton(StripeTerminalKitNames.ServiceKey(Name), emulator);
        Services.Configure<StripeTerminalOptions>(Name, options => options.UseEmulator = true);
        return this;
    }

    /// <summary>
    /// Switches this configuration onto an emulator the kit creates on the <see cref="TimeProvider"/>
    /// from DI (the same as setting <see cref="StripeTerminalOptions.UseEmulator"/>). Resolve it with
    /// <c>GetRequiredKeyedService&lt;StripeEmulator&gt;(builder.Name)</c>.
    /// </summary>
    /// <returns>This builder.</returns>
    public StripeTerminalKitBuilder UseEmulator()
    {
        Services.Configure<StripeTerminalOptions>(Name, options => options.UseEmulator = true);
        return this;
    }
}
