using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Stripe;
using StripeTerminalKit.Storage.Sqlite;

namespace StripeTerminalKit.Crash.Tests;

/// <summary>
/// The emulator server and the web sample as two OS processes on loopback, the sample in Stripe
/// test mode against the emulator server, its checkouts in an SQLite file in a temporary folder.
/// Holds the made-up keys; nothing here writes them anywhere but into the children's environment.
/// </summary>
internal sealed partial class SystemUnderTest : IAsyncDisposable
{
    // Made up for this test; the sample needs the sk_test_ prefix for test mode. Never printed.
    private const string ApiKey = "sk_test_" + "crashRunMadeUpKeyNotARealOne0000";
    private const string WebhookSecret = "whsec_" + "crashRunMadeUpSigningSecret0000";

    private static readonly TimeSpan StartDeadline = TimeSpan.FromSeconds(90);

    private readonly int _lanes;
    private readonly int _seed;
    private readonly HttpClient _probe = new() { Timeout = TimeSpan.FromSeconds(10) };
    private ChildProcess? _emulator;
    private ChildProcess? _sample;
    private int _sampleStarts;
    private int? _emulatorMaxWrites;

    private SystemUnderTest(string folder, int lanes, int seed)
    {
        Folder = folder;
        _lanes = lanes;
        _seed = seed;
        DatabasePath = Path.Combine(folder, "checkouts.db");
        EmulatorLog = Path.Combine(folder, "emulator-server.log");
        SampleLog = Path.Combine(folder, "web-sample.log");
    }

    /// <summary>Where the SQLite file and the children's logs are.</summary>
    public string Folder { get; }

    /// <summary>The sample's checkout file, the same across restarts.</summary>
    public string DatabasePath { get; }

    /// <summary>The emulator server's stdout and stderr.</summary>
    public string EmulatorLog { get; }

    /// <summary>Every run of the web sample's stdout and stderr, one after the other.</summary>
    public string SampleLog { get; }

    /// <summary>The emulator server, e.g. <c>http://127.0.0.1:40123</c>.</summary>
    public Uri EmulatorBase { get; private set; } = null!;

    /// <summary>The web sample, the same port at every restart.</summary>
    public Uri SampleBase { get; private set; } = null!;

    /// <summary>Stripe.net against the emulator server: Stripe's side of every checkout.</summary>
    public StripeClient Stripe { get; private set; } = null!;

    /// <summary>The sample's own store, read from this process (the backend's durable side).</summary>
    public SqliteCheckoutStore Store { get; private set; } = null!;

    /// <summary>How many times the sample was started.</summary>
    public int SampleStarts => _sampleStarts;

    /// <summary>The running sample's process id (0 when it is not running).</summary>
    public int SamplePid => _sample?.Id ?? 0;

    /// <summary>More environment for the sample's next start (e.g. GC settings of a memory run).</summary>
    public Dictionary<string, string?> SampleEnvironment { get; } = new(StringComparer.Ordinal);

    /// <summary>Whether the sample process is running.</summary>
    public bool SampleRunning => _sample is { HasExited: false };

    /// <summary>The log files a failure message should point at.</summary>
    public string Logs => $"logs: {SampleLog} and {EmulatorLog}; checkout file {DatabasePath}";

    public static string LaneToken(int lane) => "crash-lane-token-" + lane.ToString("D3", CultureInfo.InvariantCulture) + "-0123456789abcdef";

    public static string LaneLabel(int lane) => "Lane " + lane.ToString(CultureInfo.InvariantCulture);

    public static async Task<SystemUnderTest> StartAsync(string folder, int lanes, int seed, CancellationToken cancellationToken, IReadOnlyDictionary<string, string?>? sampleEnvironment = null, int? emulatorMaxWrites = null)
    {
        Directory.CreateDirectory(folder);
        var system = new SystemUnderTest(folder, lanes, seed) { _emulatorMaxWrites = emulatorMaxWrites };
        foreach (var (name, value) in sampleEnvironment ?? new Dictionary<string, string?>())
        {
            system.SampleEnvironment[name] = value;
        }

        try
        {
            var samplePort = LoopbackPorts.Reserve();
            system.SampleBase = new Uri($"http://127.0.0.1:{samplePort.ToString(CultureInfo.InvariantCulture)}");
            await system.StartEmulatorAsync(cancellationToken);
            system.Stripe = new StripeClient(ApiKey, httpClient: new SystemNetHttpClient(new HttpClient { Timeout = TimeSpan.FromSeconds(20) }, maxNetworkRetries: 2), apiBase: system.EmulatorBase.GetLeftPart(UriPartial.Authority));
            await system.StartSampleAsync(cancellationToken);
            system.Store = new SqliteCheckoutStore(new SqliteCheckoutStoreOptions { Path = system.DatabasePath });
            await system.Store.InitializeAsync(cancellationToken);
            return system;
        }
        catch
        {
            await system.DisposeAsync();
            throw;
        }
    }

    /// <summary>An HTTP client for one POS device (lane), authenticated with its token.</summary>
    public HttpClient Device(int lane)
    {
        var client = new HttpClient { BaseAddress = SampleBase, Timeout = TimeSpan.FromSeconds(20) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", LaneToken(lane));
        return client;
    }

    /// <summary>SIGKILL to the web sample.</summary>
    public void KillSample()
    {
        var sample = _sample ?? throw new InvalidOperationException("The sample is not running.");
        sample.Kill();
        sample.Dispose();
        _sample = null;
    }

    /// <summary>Starts the web sample (again) on the same port and file, and waits until it serves the POS API.</summary>
    public async Task StartSampleAsync(CancellationToken cancellationToken)
    {
        if (_sample is not null)
        {
            throw new InvalidOperationException("The sample is already running.");
        }

        var environment = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["ASPNETCORE_URLS"] = SampleBase.GetLeftPart(UriPartial.Authority),
            ["STRIPE_API_KEY"] = ApiKey,
            ["STRIPE_WEBHOOK_SECRET"] = WebhookSecret,
            ["StripeTerminal__ApiBase"] = EmulatorBase.GetLeftPart(UriPartial.Authority),
            ["Checkouts__Store"] = "sqlite",
            ["Checkouts__Path"] = DatabasePath,
            // The per-device start limit of a hardened sample must not be what this test measures.
            ["Limits__CheckoutsPerDevicePerMinute"] = "100000",
            ["Logging__LogLevel__Default"] = "Information",
            ["Logging__LogLevel__Microsoft.AspNetCore"] = "Warning",
            ["Logging__LogLevel__System.Net.Http.HttpClient"] = "Warning",
        };
        for (var lane = 0; lane < _lanes; lane++)
        {
            var n = lane.ToString(CultureInfo.InvariantCulture);
            environment[$"PosDevices__lane-{n}__Name"] = LaneLabel(lane);
            environment[$"PosDevices__lane-{n}__Token"] = LaneToken(lane);
            environment[$"Shop__SimulatedReaders__{n}__RegistrationCode"] = "simulated-s700";
            environment[$"Shop__SimulatedReaders__{n}__Label"] = LaneLabel(lane);
        }

        foreach (var (name, value) in SampleEnvironment)
        {
            environment[name] = value;
        }

        var start = ++_sampleStarts;
        _sample = ChildProcess.Start(ChildProcess.BuiltDll("WebSampleDll"), [], environment, SampleLog, "web sample run " + start.ToString(CultureInfo.InvariantCulture));
        using var client = Device(0);
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (_sample.HasExited)
            {
                throw new InvalidOperationException($"The web sample exited with code {_sample.ExitCode} during start {start}; {Logs}; its last lines:\n{_sample.LogTail()}");
            }

            try
            {
                using var response = await client.GetAsync("/api/readers", cancellationToken);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // Slow start on a busy machine.
            }

            if (deadline.Elapsed > StartDeadline)
            {
                throw new TimeoutException($"The web sample did not serve /api/readers within {StartDeadline.TotalSeconds:0} s of start {start}; {Logs}");
            }

            await Task.Delay(50, cancellationToken);
        }
    }

    /// <summary>The emulator server on a free port (it binds port 0 and says which in its banner).</summary>
    private async Task StartEmulatorAsync(CancellationToken cancellationToken)
    {
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        var webhooks = new Uri(SampleBase, "/stripe/webhooks");
        _emulator = ChildProcess.Start(
            ChildProcess.BuiltDll("EmulatorServerDll"),
            [
                "--port", "0", "--seed", _seed.ToString(CultureInfo.InvariantCulture), "--webhook-url", webhooks.ToString(),
                .. _emulatorMaxWrites is { } writes ? ["--max-writes", writes.ToString(CultureInfo.InvariantCulture)] : Array.Empty<string>(),
            ],
            new Dictionary<string, string?>(StringComparer.Ordinal)
            {
                // The signing secret through the environment, out of the process list.
                ["STRIPE_TERMINAL_EMULATOR_WEBHOOK_SECRET"] = WebhookSecret,
            },
            EmulatorLog,
            "emulator server");
        _emulator.WatchLines(line =>
        {
            if (ListeningLine().Match(line) is { Success: true } match)
            {
                listening.TrySetResult(new Uri(match.Groups[1].Value));
            }
        });

        var deadline = Task.Delay(StartDeadline, cancellationToken);
        while (!listening.Task.IsCompleted)
        {
            if (_emulator.HasExited)
            {
                throw new InvalidOperationException($"The emulator server exited with code {_emulator.ExitCode} at start; see {EmulatorLog}; its last lines:\n{_emulator.LogTail()}");
            }

            if (deadline.IsCompleted)
            {
                throw new TimeoutException($"The emulator server printed no 'listening on' line within {StartDeadline.TotalSeconds:0} s; see {EmulatorLog}");
            }

            await Task.WhenAny(listening.Task, Task.Delay(50, cancellationToken));
        }

        EmulatorBase = await listening.Task;
        using var health = await _probe.GetAsync(new Uri(EmulatorBase, "/_emulator/health"), cancellationToken);
        health.EnsureSuccessStatusCode();
    }

    /// <summary>A port nobody listens on right now (the sample must keep one port across restarts, so it cannot bind 0).</summary>
    [GeneratedRegex(@"listening on (http://127\.0\.0\.1:\d+)")]
    private static partial Regex ListeningLine();

    public ValueTask DisposeAsync()
    {
        _sample?.Dispose();
        _sample = null;
        _emulator?.Dispose();
        _emulator = null;
        _probe.Dispose();
        return ValueTask.CompletedTask;
    }
}
