using StripeTerminalKit.TestHygiene;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using StripeTerminalKit.Emulator;
using StripeTerminalKit.Locations;
using StripeTerminalKit.Payments;
using StripeTerminalKit.Readers;

namespace StripeTerminalKit.Tests.TestSupport;

/// <summary>
/// A service provider with the kit registered the way an application would, on a fake clock, with
/// every log line captured. Either on the in-process emulator or on a <see cref="ScriptedHandler"/>.
/// </summary>
public sealed class TestKit : IAsyncDisposable
{
    private TestKit(ServiceProvider provider, ObservableTimeProvider time, StripeEmulator? emulator, ScriptedHandler? handler)
    {
        Provider = provider;
        Time = time;
        Emulator = emulator;
        Handler = handler;
    }

    public ServiceProvider Provider { get; }

    public ObservableTimeProvider Time { get; }

    public StripeEmulator? Emulator { get; }

    public ScriptedHandler? Handler { get; }

    public FakeLogCollector Logs => Provider.GetRequiredService<FakeLogCollector>();

    public ITerminalLocations Locations => Provider.GetRequiredService<ITerminalLocations>();

    public ITerminalReaders Readers => Provider.GetRequiredService<ITerminalReaders>();

    public ITerminalPayments Payments => Provider.GetRequiredService<ITerminalPayments>();

    /// <summary>The kit on a fresh emulator sharing the kit's fake clock.</summary>
    public static TestKit OnEmulator(string country = "AU", Action<StripeTerminalOptions>? configure = null, Action<IServiceCollection>? services = null)
    {
        var time = new ObservableTimeProvider();
        var emulator = new StripeEmulator(new StripeEmulatorOptions { TimeProvider = time, Seed = 7, WebhookSecret = TestSecrets.WebhookSecret });
        var collection = BaseServices(time);
        services?.Invoke(collection);
        collection.AddStripeTerminalKit(o =>
        {
            o.ApiKey = TestSecrets.ApiKey;
            o.Country = country;
            o.Retry.JitterSeed = 7;
            configure?.Invoke(o);
        }).UseEmulator(emulator);
        return new TestKit(collection.BuildServiceProvider(validateScopes: true), time, emulator, null);
    }

    /// <summary>The kit talking to a scripted fake Stripe.</summary>
    public static TestKit OnHandler(ScriptedHandler handler, string country = "AU", Action<StripeTerminalOptions>? configure = null)
    {
        var time = new ObservableTimeProvider();
        var collection = BaseServices(time);
        collection.AddStripeTerminalKit(o =>
        {
            o.ApiKey = TestSecrets.ApiKey;
            o.Country = country;
            o.Retry.JitterSeed = 7;
            configure?.Invoke(o);
        }).HttpClient
            .ConfigurePrimaryHttpMessageHandler(() => handler)
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan);
        return new TestKit(collection.BuildServiceProvider(validateScopes: true), time, null, handler);
    }

    /// <summary>Wraps a provider the test built itself.</summary>
    public static TestKit Wrap(ServiceProvider provider, ObservableTimeProvider time) => new(provider, time, null, null);

    internal static ServiceCollection BaseServices(TimeProvider time)
    {
        var collection = new ServiceCollection();
        collection.AddSingleton(time);
        collection.AddMetrics();
        collection.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Trace).AddProvider(ScanningLoggerProvider.Instance));
        collection.AddFakeLogging(options =>
        {
            options.CollectRecordsForDisabledLogLevels = true;
            options.OutputSink = SuiteLog.Add;
        });
        return collection;
    }

    /// <summary>Runs <paramref name="action"/> and returns the exception it throws, recording it for the secret scan.</summary>
    public static async Task<TException> ThrowsAsync<TException>(Func<Task> action)
        where TException : Exception
    {
        var exception = await Assert.ThrowsAsync<TException>(action);
        SuiteLog.Add(exception);
        return exception;
    }

    /// <summary>Like <see cref="ThrowsAsync{TException}"/> but accepts derived types.</summary>
    public static async Task<TException> ThrowsAnyAsync<TException>(Func<Task> action)
        where TException : Exception
    {
        var exception = await Assert.ThrowsAnyAsync<TException>(action);
        SuiteLog.Add(exception);
        return exception;
    }

    public async ValueTask DisposeAsync()
    {
        // Polly's registry waits for in-flight calls on the pipeline's clock before it lets go; when a
        // failed test leaves a call behind on the fake clock, move the clock so disposal cannot hang.
        var disposal = Provider.DisposeAsync().AsTask();
        for (var i = 0; i < 600 && !disposal.IsCompleted; i++)
        {
            await Task.WhenAny(disposal, Task.Delay(TimeSpan.FromMilliseconds(10), TimeProvider.System));
            Time.Advance(TimeSpan.FromSeconds(1));
        }

        await disposal;
        if (Emulator is not null)
        {
            await Emulator.DisposeAsync();
        }

        Handler?.Dispose();
    }
}
