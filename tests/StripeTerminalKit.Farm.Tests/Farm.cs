using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Npgsql;
using Stripe;
using StripeTerminalKit.Crash.Tests;
using StripeTerminalKit.Storage.PostgreSql;

namespace StripeTerminalKit.Farm.Tests;

/// <summary>
/// The emulator server and N web sample instances as OS processes on loopback, the instances in
/// Stripe test mode against the emulator server, sharing one PostgreSQL database made for the run.
/// Stripe's webhooks go to instance 0 only. Holds the made-up keys; they go only into the children's environment.
/// </summary>
internal sealed partial class Farm : IAsyncDisposable
{
    // Made up for this test; the sample needs the sk_test_ prefix for test mode. Never printed.
    private const string ApiKey = "sk_test_" + "farmRunMadeUpKeyNotARealOne00000";
    private const string WebhookSecret = "whsec_" + "farmRunMadeUpSigningSecret00000";
    private static readonly TimeSpan StartDeadline = TimeSpan.FromSeconds(120);

    private readonly int _lanes;
    private readonly TimeSpan _lease;
    private readonly ChildProcess?[] _instances;
    private readonly int[] _ports;
    private ChildProcess? _emulator;
    private string _adminConnection = "";

    private Farm(string folder, int size, int lanes, TimeSpan lease, bool webhooks)
    {
        Webhooks = webhooks;
        Folder = folder;
        _lanes = lanes;
        _lease = lease;
        _instances = new ChildProcess?[size];
        _ports = [.. Enumerable.Range(0, size).Select(_ => LoopbackPorts.Reserve())];
        Database = "stk_farm_" + Guid.NewGuid().ToString("N")[..12];
    }

    public string Folder { get; }

    /// <summary>Whether Stripe's webhooks reach the farm (instance 0); without them every instance polls.</summary>
    public bool Webhooks { get; }

    public string Database { get; }

    public int Size => _instances.Length;

    public Uri EmulatorBase { get; private set; } = null!;

    public StripeClient Stripe { get; private set; } = null!;

    /// <summary>The farm's store, read from this process.</summary>
    public PostgreSqlCheckoutStore Store { get; private set; } = null!;

    public string EmulatorLog => Path.Combine(Folder, "emulator-server.log");

    public string InstanceLog(int i) => Path.Combine(Folder, $"web-{i}.log");

    public string Logs => $"logs in {Folder}";

    /// <summary>When each instance was started (first start and restarts), on the machine's clock, the emulator's too.</summary>
    public ConcurrentQueue<InstanceStart> Starts { get; } = new();

    public bool IsRunning(int i) => _instances[i] is { HasExited: false };

    public static string InstanceName(int i) => "web-" + i.ToString(CultureInfo.InvariantCulture);

    public static string LaneToken(int lane) => "farm-lane-token-" + lane.ToString("D3", CultureInfo.InvariantCulture) + "-0123456789abcdef";

    public static string LaneLabel(int lane) => "Lane " + lane.ToString(CultureInfo.InvariantCulture);

    public static async Task<Farm> StartAsync(string postgres, string folder, int size, int lanes, int seed, TimeSpan lease, bool webhooks, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(folder);
        var farm = new Farm(folder, size, lanes, lease, webhooks);
        try
        {
            farm._adminConnection = postgres;
            await using (var admin = new NpgsqlConnection(postgres))
            {
                await admin.OpenAsync(cancellationToken);
                await using var create = new NpgsqlCommand($"CREATE DATABASE \"{farm.Database}\";", admin);
                await create.ExecuteNonQueryAsync(cancellationToken);
            }

            await farm.StartEmulatorAsync(seed, cancellationToken);
            // The test's own Stripe calls (the customer at the reader, the checks) say so in their
            // user agent: the request log tells them from the instances' (stk-instance/…).
            farm.Stripe = new StripeClient(
                ApiKey,
                httpClient: new SystemNetHttpClient(new HttpClient { Timeout = TimeSpan.FromSeconds(20) }, maxNetworkRetries: 2, appInfo: new AppInfo { Name = "stk-farm-test" }),
                apiBase: farm.EmulatorBase.GetLeftPart(UriPartial.Authority));

            // The first instance registers the simulated readers; the others find them by label.
            await farm.StartInstanceAsync(0, cancellationToken);
            await Task.WhenAll(Enumerable.Range(1, size - 1).Select(i => farm.StartInstanceAsync(i, cancellationToken)));
            farm.Store = new PostgreSqlCheckoutStore(new PostgreSqlCheckoutStoreOptions { ConnectionString = farm.FarmConnection });
            await farm.Store.InitializeAsync(cancellationToken);
            return farm;
        }
        catch
        {
            await farm.DisposeAsync();
            throw;
        }
    }

    private string FarmConnection => new NpgsqlConnectionStringBuilder(_adminConnection) { Database = Database }.ConnectionString;

    public Uri InstanceBase(int i) => new($"http://127.0.0.1:{_ports[i].ToString(CultureInfo.InvariantCulture)}");

    /// <summary>An HTTP client for one POS device (lane) talking to instance <paramref name="i"/>.</summary>
    public HttpClient Device(int lane, int i)
    {
        var client = new HttpClient { BaseAddress = InstanceBase(i), Timeout = TimeSpan.FromSeconds(20) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", LaneToken(lane));
        return client;
    }

    /// <summary>SIGKILL to instance <paramref name="i"/>.</summary>
    public void Kill(int i)
    {
        var instance = _instances[i] ?? throw new InvalidOperationException($"Instance {i} is not running.");
        instance.Kill();
        instance.Dispose();
        _instances[i] = null;
    }

    public async Task StartInstanceAsync(int i, CancellationToken cancellationToken)
    {
        var environment = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["ASPNETCORE_URLS"] = InstanceBase(i).GetLeftPart(UriPartial.Authority),
            ["STRIPE_API_KEY"] = ApiKey,
            // Without a webhook secret the sample does not expect webhooks and polls Stripe.
            ["STRIPE_WEBHOOK_SECRET"] = Webhooks ? WebhookSecret : "",
            ["StripeTerminal__ApiBase"] = EmulatorBase.GetLeftPart(UriPartial.Authority),
            ["ConnectionStrings__Checkouts"] = FarmConnection,
            ["Checkouts__InstanceId"] = InstanceName(i),
            ["Checkouts__LeaseDuration"] = _lease.ToString("c", CultureInfo.InvariantCulture),
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

        Starts.Enqueue(new InstanceStart(InstanceName(i), TimeProvider.System.GetUtcNow()));
        var process = ChildProcess.Start(ChildProcess.BuiltDll("WebSampleDll"), [], environment, InstanceLog(i), InstanceName(i));
        _instances[i] = process;
        using var client = Device(0, i);
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (process.HasExited)
            {
                throw new InvalidOperationException($"Instance {i} exited with code {process.ExitCode} at start; {Logs}; its last lines:\n{process.LogTail()}");
            }

            try
            {
                using var response = await client.GetAsync("/api/readers", cancellationToken);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (Exception exception) when (exception is HttpRequestException || (exception is TaskCanceledException && !cancellationToken.IsCancellationRequested))
            {
                // Not listening yet.
            }

            if (deadline.Elapsed > StartDeadline)
            {
                throw new TimeoutException($"Instance {i} did not serve /api/readers within {StartDeadline.TotalSeconds:0} s; {Logs}");
            }

            await Task.Delay(50, cancellationToken);
        }
    }

    private async Task StartEmulatorAsync(int seed, CancellationToken cancellationToken)
    {
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        _emulator = ChildProcess.Start(
            ChildProcess.BuiltDll("EmulatorServerDll"),
            // Stripe's live rate limits (100/s overall, 25/s per endpoint): past them a 429, which the audit counts.
            [
                "--port", "0", "--seed", seed.ToString(CultureInfo.InvariantCulture), "--rate-limits", "live",
                .. Webhooks ? (string[])["--webhook-url", new Uri(InstanceBase(0), "/stripe/webhooks").ToString()] : [],
            ],
            new Dictionary<string, string?>(StringComparer.Ordinal) { ["STRIPE_TERMINAL_EMULATOR_WEBHOOK_SECRET"] = WebhookSecret },
            EmulatorLog,
            "emulator server");
        _emulator.WatchLines(line =>
        {
            if (ListeningLine().Match(line) is { Success: true } match)
            {
                listening.TrySetResult(new Uri(match.Groups[1].Value));
            }
        });
        EmulatorBase = await listening.Task.WaitAsync(StartDeadline, cancellationToken);
    }

    /// <summary>The emulator's whole request log, read page by page from <c>GET /_emulator/requests</c>.</summary>
    public async Task<List<LoggedRequest>> ReadRequestLogAsync(CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = EmulatorBase, Timeout = TimeSpan.FromSeconds(60) };
        var log = new List<LoggedRequest>();
        while (true)
        {
            var after = log.Count == 0 ? 0 : log[^1].Sequence;
            var page = await http.GetFromJsonAsync<RequestLogPage>($"/_emulator/requests?after={after.ToString(CultureInfo.InvariantCulture)}&limit=10000", LogJson, cancellationToken)
                ?? throw new InvalidOperationException("The emulator answered no request log.");
            log.AddRange(page.Data);
            if (!page.HasMore)
            {
                return log;
            }
        }
    }

    private static readonly JsonSerializerOptions LogJson = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    private sealed record RequestLogPage(bool HasMore, List<LoggedRequest> Data);

    [GeneratedRegex(@"listening on (http://127\.0\.0\.1:\d+)")]
    private static partial Regex ListeningLine();

    public async ValueTask DisposeAsync()
    {
        for (var i = 0; i < _instances.Length; i++)
        {
            _instances[i]?.Dispose();
            _instances[i] = null;
        }

        _emulator?.Dispose();
        if (Store is not null)
        {
            await Store.DisposeAsync();
        }

        if (_adminConnection.Length > 0)
        {
            NpgsqlConnection.ClearAllPools();
            try
            {
                await using var admin = new NpgsqlConnection(_adminConnection);
                await admin.OpenAsync();
                await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{Database}\" WITH (FORCE);", admin);
                await drop.ExecuteNonQueryAsync();
            }
            catch (NpgsqlException)
            {
                // A throwaway cluster: it goes with the run.
            }
        }
    }
}
