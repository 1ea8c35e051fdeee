using Microsoft.Extensions.Options;
using Polly;
using StripeTerminalKit;
using StripeTerminalKit.DependencyInjection;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Returned by <c>AddStripeTerminalKit</c> to refine one configuration: its options, its
/// <see cref="HttpClient"/>, its resilience pipeline, or an in-process handler (the emulator package's <c>UseEmulator()</c>).
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
    /// Answers this configuration's calls in process instead of over the network: the handler
    /// <paramref name="createHandler"/> makes becomes the primary handler of the configuration's
    /// <see cref="System.Net.Http.HttpClient"/> (handlers added through <see cref="HttpClient"/> still run in front of it,
    /// and a primary handler configured there later still wins). This is the hook the
    /// <c>StripeTerminalKit.Emulator</c> package's <c>UseEmulator()</c> plugs into; it does not by
    /// itself turn <see cref="StripeTerminalOptions.UseEmulator"/> on.
    /// </summary>
    /// <param name="createHandler">Makes a handler each time the factory builds the client's handler chain.</param>
    /// <returns>This builder.</returns>
    public StripeTerminalKitBuilder UseInProcessHandler(Func<IServiceProvider, HttpMessageHandler> createHandler)
    {
        ArgumentNullException.ThrowIfNull(createHandler);
        Services.Configure<StripeTerminalKitHooks>(Name, hooks => hooks.InProcessHandler = createHandler);

        // An in-process handler has no connection or DNS to recycle, so it is never rotated.
        // Rotation runs on the factory's own wall-clock timers: they would hold the handler (the
        // emulator, and whatever subscribes to its webhooks) for two real minutes after the
        // container is gone, and for ever once a subscriber holds the kit, whose HttpClient keeps
        // the expired handler "in use". A later SetHandlerLifetime of the caller's still wins.
        HttpClient.SetHandlerLifetime(Timeout.InfiniteTimeSpan);
        return this;
    }
}
