using Microsoft.Extensions.Logging;
using StripeTerminalKit.TestHygiene;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Time.Testing;
using StripeTerminalKit.Emulator;
using StripeTerminalKit.Readers;

namespace StripeTerminalKit.AspNetCore.Tests;

public sealed class ReaderHealthCheckTests
{
    private static async Task<(ServiceProvider Provider, StripeEmulator Emulator, string[] Readers)> StartAsync(int readers)
    {
        var emulator = new StripeEmulator(new StripeEmulatorOptions { TimeProvider = new FakeTimeProvider(new DateTimeOffset(2026, 11, 24, 9, 0, 0, TimeSpan.Zero)) });
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Trace).AddProvider(ScanningLoggerProvider.Instance));
        services.AddStripeTerminalKit(o => o.Country = "AU").UseEmulator(emulator);
        services.AddHealthChecks().AddStripeTerminalReaders();
        var provider = services.BuildServiceProvider();
        var module = provider.GetRequiredService<ITerminalReaders>();
        var ids = new string[readers];
        for (var i = 0; i < readers; i++)
        {
            ids[i] = (await module.RegisterAsync(new RegisterReaderRequest("simulated-s700") { Label = "Till " + i })).Id;
        }

        return (provider, emulator, ids);
    }

    private static Task<HealthReport> CheckAsync(ServiceProvider provider) => provider.GetRequiredService<HealthCheckService>().CheckHealthAsync();

    [Fact]
    public async Task All_readers_online_is_healthy()
    {
        var (provider, emulator, _) = await StartAsync(2);
        await using var _p = provider;
        await using var _e = emulator;

        var report = await CheckAsync(provider);

        Assert.Equal(HealthStatus.Healthy, report.Status);
        Assert.Equal(2, report.Entries["stripe_terminal_readers"].Data["online"]);
    }

    [Fact]
    public async Task Some_readers_offline_is_degraded_and_names_them()
    {
        var (provider, emulator, readers) = await StartAsync(2);
        await using var _p = provider;
        await using var _e = emulator;
        emulator.Faults.SetReaderOffline(readers[1]);

        var report = await CheckAsync(provider);

        Assert.Equal(HealthStatus.Degraded, report.Status);
        Assert.Contains(readers[1], ((string[])report.Entries["stripe_terminal_readers"].Data["offline_readers"])[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task No_reader_online_is_unhealthy()
    {
        var (provider, emulator, readers) = await StartAsync(1);
        await using var _p = provider;
        await using var _e = emulator;
        emulator.Faults.SetReaderOffline(readers[0]);

        var report = await CheckAsync(provider);

        Assert.Equal(HealthStatus.Unhealthy, report.Status);
    }
}
