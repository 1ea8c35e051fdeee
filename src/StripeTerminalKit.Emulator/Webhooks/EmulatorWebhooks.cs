namespace StripeTerminalKit.Emulator;

/// <summary>Temporary: replaced by the webhook delivery implementation.</summary>
public sealed class EmulatorWebhooks : IAsyncDisposable
{
    internal EmulatorWebhooks(TimeProvider timeProvider, Random random, string secret)
    {
        _ = timeProvider;
        _ = random;
        _ = secret;
    }

    private readonly List<EmulatorEvent> _published = [];

    internal void Publish(EmulatorEvent evt)
    {
        lock (_published)
        {
            _published.Add(evt);
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
