using StripeTerminalKit.TestHygiene;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Stripe;
using StripeTerminalKit.Emulator.Server.CommandLine;
using StripeTerminalKit.Emulator.Server.Hosting;

namespace StripeTerminalKit.Emulator.Server.Tests.Infrastructure;

/// <summary>The server on a free loopback port, with every log record captured.</summary>
internal sealed class RunningServer : IAsyncDisposable
{
    /// <summary>A made-up test key; the tests check it never reaches a log line.</summary>
    public const string ApiKey = "sk_test_51ServerTestsKeyThatMustNeverBeLogged";

    private readonly WebApplication _app;
    private readonly List<HttpClient> _httpClients = [];

    private RunningServer(WebApplication app)
    {
        _app = app;
        BaseAddress = app.ListeningAddress();
        Logs = app.Services.GetFakeLogCollector();
    }

    /// <summary>Where the server listens, e.g. <c>http://127.0.0.1:40123/</c>.</summary>
    public Uri BaseAddress { get; }

    /// <summary>The apiBase to give Stripe.net (no trailing slash).</summary>
    public string ApiBase => BaseAddress.GetLeftPart(UriPartial.Authority);

    /// <summary>Every log record the server wrote, at every level.</summary>
    public FakeLogCollector Logs { get; }

    /// <param name="backend">What the server serves.</param>
    /// <param name="settings">Webhook URLs and secret; the port is always a free one.</param>
    /// <param name="configure">Replaces the capture-everything log levels (logs are captured either way).</param>
    public static async Task<RunningServer> StartAsync(EmulatorBackend backend, ServerSettings? settings = null, Action<WebApplicationBuilder>? configure = null)
    {
        settings ??= new ServerSettings();
        var app = EmulatorServerApp.Build(
            new ServerSettings
            {
                Port = 0,
                Seed = settings.Seed,
                WebhookUrls = settings.WebhookUrls,
                WebhookSecret = settings.WebhookSecret,
                AllowRemoteWebhooks = settings.AllowRemoteWebhooks,
                MaxAcceptedWrites = settings.MaxAcceptedWrites,
            },
            backend,
            builder =>
            {
                builder.Logging.ClearProviders();
                builder.Logging.AddFakeLogging();
                builder.Logging.AddProvider(ScanningLoggerProvider.Instance);
                if (configure is not null)
                {
                    configure(builder);
                }
                else
                {
                    // Everything, framework included, so "no secret in any log line" means any.
                    builder.Logging.SetMinimumLevel(LogLevel.Trace);
                    builder.Logging.AddFilter("Microsoft", LogLevel.Trace);
                    builder.Logging.AddFilter("System", LogLevel.Trace);
                    builder.Logging.AddFilter("StripeTerminalKit", LogLevel.Trace);
                }
            });
        await app.StartAsync();
        return new RunningServer(app);
    }

    /// <summary>A real Stripe.net client pointed at the server.</summary>
    /// <param name="maxNetworkRetries">0 so a dropped connection surfaces instead of being retried.</param>
    public StripeClient CreateStripeClient(int maxNetworkRetries = 0)
    {
        var http = new HttpClient();
        _httpClients.Add(http);
        return new StripeClient(ApiKey, httpClient: new SystemNetHttpClient(http, maxNetworkRetries), apiBase: ApiBase);
    }

    /// <summary>A plain HTTP client for the control surface and raw wire checks.</summary>
    public HttpClient CreateHttpClient()
    {
        var http = new HttpClient { BaseAddress = BaseAddress };
        _httpClients.Add(http);
        return http;
    }

    /// <summary>The server's own log lines (not the framework's), by event id.</summary>
    public IReadOnlyList<FakeLogRecord> ServerLog(int eventId) =>
        [.. Logs.GetSnapshot().Where(r => r.Category == Diagnostics.Log.Category && r.Id.Id == eventId)];

    /// <summary>
    /// Waits until the server has written a line with this event id: the request line is written
    /// once the response is on its way, so a client can hold the answer before the line exists.
    /// </summary>
    public async Task WaitForServerLogAsync(int eventId)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await foreach (var record in Logs.GetLogsAsync(timeout.Token))
        {
            if (record.Category == Diagnostics.Log.Category && record.Id.Id == eventId)
            {
                return;
            }
        }
    }

    /// <summary>All captured log text: messages, structured values and exceptions.</summary>
    public string AllLogText() =>
        string.Join(
            Environment.NewLine,
            Logs.GetSnapshot().Select(r =>
                $"{r.Category} {r.Level} {r.Message} {string.Join(';', r.StructuredState?.Select(kv => $"{kv.Key}={kv.Value}") ?? [])} {r.Exception}"));

    public async ValueTask DisposeAsync()
    {
        foreach (var http in _httpClients)
        {
            http.Dispose();
        }

        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
