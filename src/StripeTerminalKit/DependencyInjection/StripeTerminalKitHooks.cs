using Polly;

namespace StripeTerminalKit.DependencyInjection;

/// <summary>Extension points collected per configuration name.</summary>
internal sealed class StripeTerminalKitHooks
{
    public List<Action<ResiliencePipelineBuilder, IServiceProvider>> Resilience { get; } = [];

    /// <summary>Set by <c>UseInProcessHandler</c> (the emulator package): answers calls instead of the network.</summary>
    public Func<IServiceProvider, HttpMessageHandler>? InProcessHandler { get; set; }
}
