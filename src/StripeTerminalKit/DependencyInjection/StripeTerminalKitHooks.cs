using Polly;

namespace StripeTerminalKit.DependencyInjection;

/// <summary>Extension points collected per configuration name.</summary>
internal sealed class StripeTerminalKitHooks
{
    public List<Action<ResiliencePipelineBuilder, IServiceProvider>> Resilience { get; } = [];
}
