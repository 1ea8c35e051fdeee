using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using StripeTerminalKit.Emulator.Server.CommandLine;
using StripeTerminalKit.Emulator.Server.Hosting;

namespace StripeTerminalKit.Emulator.Server.Tests.Hosting;

/// <summary>The tool as a user runs it: arguments in, banner and exit code out.</summary>
public sealed partial class ServerCommandTests
{
    private static readonly Func<string, string?> NoEnvironment = _ => null;

    [Fact]
    public async Task Bad_port_prints_the_reason_and_a_hint_and_exits_with_the_usage_code()
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();

        var exitCode = await ServerCommand.RunAsync(["--port", "http"], stdout, stderr, NoEnvironment);

        Assert.Equal(ExitCodes.UsageError, exitCode);
        Assert.Equal(2, exitCode);
        Assert.Equal(
            $"error: --port must be a whole number from 0 to 65535 (0 picks a free port), not 'http'.{Environment.NewLine}" +
            $"Run 'stripe-terminal-emulator --help' to see the options.{Environment.NewLine}",
            stderr.ToString());
        Assert.Empty(stdout.ToString());
    }

    [Fact]
    public async Task Help_prints_usage_to_stdout_and_exits_zero()
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();

        var exitCode = await ServerCommand.RunAsync(["--help"], stdout, stderr, NoEnvironment);

        Assert.Equal(0, exitCode);
        Assert.StartsWith("stripe-terminal-emulator: the StripeTerminalKit emulator", stdout.ToString());
        Assert.Empty(stderr.ToString());
    }

    [Fact]
    public async Task Version_prints_the_tool_name_and_version()
    {
        var stdout = new StringWriter();

        var exitCode = await ServerCommand.RunAsync(["--version"], stdout, new StringWriter(), NoEnvironment);

        Assert.Equal(0, exitCode);
        Assert.Matches(@"^stripe-terminal-emulator \d+\.\d+\.\d+", stdout.ToString());
    }

    [Fact]
    public async Task Port_already_in_use_fails_to_start_with_a_clear_message_and_exit_code_1()
    {
        using var occupant = new TcpListener(IPAddress.Loopback, 0);
        occupant.Start();
        var port = ((IPEndPoint)occupant.LocalEndpoint).Port;
        var stderr = new StringWriter();

        var exitCode = await ServerCommand.RunAsync(["--port", port.ToString()], new StringWriter(), stderr, NoEnvironment, Quiet);

        Assert.Equal(ExitCodes.StartFailed, exitCode);
        Assert.StartsWith($"error: cannot listen on 127.0.0.1:{port}: ", stderr.ToString());
        Assert.Contains("--port", stderr.ToString());
    }

    [Fact]
    public async Task Runs_until_cancelled_prints_the_generated_secret_once_and_never_logs_it()
    {
        var stdout = new ListeningWriter();
        var stderr = new StringWriter();
        var logs = new FakeLogCollector();
        using var stop = new CancellationTokenSource();

        var run = ServerCommand.RunAsync(
            ["--port", "0", "--seed", "5"],
            stdout,
            stderr,
            NoEnvironment,
            builder =>
            {
                builder.Logging.ClearProviders();
                builder.Logging.AddProvider(new FakeLoggerProvider(logs));
                builder.Logging.AddFilter("StripeTerminalKit", LogLevel.Trace);
            },
            stop.Token);
        var apiBase = await stdout.Listening.WaitAsync(TimeSpan.FromSeconds(30));
        using (var http = new HttpClient())
        {
            using var health = await http.GetAsync($"{apiBase}/_emulator/health");
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        }

        await stop.CancelAsync();
        var exitCode = await run.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(0, exitCode);
        Assert.Empty(stderr.ToString());
        var banner = stdout.ToString();
        var secrets = SecretPattern().Matches(banner);
        var secret = Assert.Single(secrets).Value;
        Assert.Contains("generated test secret", banner);
        Assert.Contains($"new StripeClient(<any sk_test_ key>, apiBase: \"{apiBase}\")", banner);
        Assert.DoesNotMatch(@"\b(?:sk|rk)_test_[A-Za-z0-9]", banner);
        Assert.Contains("Seed:            5", banner);
        Assert.Contains("loopback only", banner);
        Assert.DoesNotContain(logs.GetSnapshot(), r => r.Message.Contains(secret) || (r.StructuredState?.Any(kv => kv.Value?.Contains(secret) == true) ?? false));
    }

    [Fact]
    public async Task A_supplied_secret_is_never_echoed()
    {
        var stdout = new ListeningWriter();
        using var stop = new CancellationTokenSource();

        var run = ServerCommand.RunAsync(
            ["--port", "0", "--webhook-url", "http://127.0.0.1:9/hook?token=abc"],
            stdout,
            new StringWriter(),
            name => name == ServerArguments.WebhookSecretVariable ? "whsec_supplied_by_env" : null,
            Quiet,
            stop.Token);
        await stdout.Listening.WaitAsync(TimeSpan.FromSeconds(30));
        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(30));

        var banner = stdout.ToString();
        Assert.DoesNotContain("whsec_supplied_by_env", banner);
        Assert.Contains("Webhook secret:  the one you supplied", banner);
        // The endpoint is shown without its query string, where people put tokens.
        Assert.Contains("Webhooks to:     http://127.0.0.1:9/hook", banner);
        Assert.DoesNotContain("token=abc", banner);
    }

    [Fact]
    public async Task Without_a_seed_a_random_one_is_drawn_printed_in_the_banner_and_reported_by_info()
    {
        var stdout = new ListeningWriter();
        using var stop = new CancellationTokenSource();

        var run = ServerCommand.RunAsync(["--port", "0"], stdout, new StringWriter(), NoEnvironment, Quiet, () => 987654321, stop.Token);
        var apiBase = await stdout.Listening.WaitAsync(TimeSpan.FromSeconds(30));
        string info;
        using (var http = new HttpClient())
        {
            info = await http.GetStringAsync($"{apiBase}/_emulator/info");
        }

        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Contains("Seed:            987654321  (random; --seed 987654321 repeats this run)", stdout.ToString());
        using var body = System.Text.Json.JsonDocument.Parse(info);
        Assert.Equal(987654321, body.RootElement.GetProperty("seed").GetInt32());
    }

    [Fact]
    public void The_default_seed_differs_from_run_to_run()
    {
        var seeds = Enumerable.Range(0, 4).Select(_ => ServerCommand.NewSeed()).ToHashSet();

        // Four draws from 2^31 values all equal: about one chance in 10^28.
        Assert.True(seeds.Count > 1);
    }

    [Fact]
    public async Task Rate_limits_are_off_by_default_and_sandbox_answers_429_rate_limit_past_25_requests_a_second()
    {
        var offBanner = new ListeningWriter();
        var sandboxBanner = new ListeningWriter();
        using var stop = new CancellationTokenSource();

        var off = ServerCommand.RunAsync(["--port", "0", "--seed", "1"], offBanner, new StringWriter(), NoEnvironment, Quiet, stop.Token);
        var sandbox = ServerCommand.RunAsync(["--port", "0", "--seed", "1", "--rate-limits", "sandbox"], sandboxBanner, new StringWriter(), NoEnvironment, Quiet, stop.Token);
        var offBase = await offBanner.Listening.WaitAsync(TimeSpan.FromSeconds(30));
        var sandboxBase = await sandboxBanner.Listening.WaitAsync(TimeSpan.FromSeconds(30));
        var limitedOff = 0;
        var limited = 0;
        string? body = null;
        using (var http = new HttpClient())
        {
            http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "sk_test_rate_limits");
            // Bursts of 100 requests at once: each lands within far less than the 4 seconds that
            // 25 a second would need; a few bursts make even a very busy machine hit the limit.
            for (var burst = 0; burst < 5 && limited == 0; burst++)
            {
                var answers = await Task.WhenAll(Enumerable.Range(0, 100).Select(async i =>
                {
                    using var response = await http.GetAsync($"{(i % 2 == 0 ? offBase : sandboxBase)}/v1/terminal/readers");
                    return (Off: i % 2 == 0, response.StatusCode, Body: await response.Content.ReadAsStringAsync());
                }));
                limitedOff += answers.Count(a => a.Off && a.StatusCode == (HttpStatusCode)429);
                var refused = answers.Where(a => !a.Off && a.StatusCode == (HttpStatusCode)429).ToList();
                limited += refused.Count;
                body ??= refused.FirstOrDefault().Body;
            }
        }

        await stop.CancelAsync();
        await Task.WhenAll(off, sandbox).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Contains("Rate limits:     off", offBanner.ToString());
        Assert.Contains("Rate limits:     25/s overall, 25/s per endpoint", sandboxBanner.ToString());
        Assert.Equal(0, limitedOff);
        Assert.True(limited > 0, "no 429 from the sandbox limits");
        Assert.Contains("\"rate_limit\"", body);
    }

    [Fact]
    public async Task Kestrel_endpoints_in_configuration_are_refused_at_start_with_a_clear_message()
    {
        // What Kestrel__Endpoints__Extra__Url=… in the environment puts into the configuration.
        var stderr = new StringWriter();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        var exitCode = await ServerCommand.RunAsync(
            ["--port", "0"],
            new StringWriter(),
            stderr,
            NoEnvironment,
            builder =>
            {
                Quiet(builder);
                builder.Configuration["Kestrel:Endpoints:Extra:Url"] = "http://127.0.0.3:0";
            },
            stop.Token);

        Assert.Equal(ExitCodes.StartFailed, exitCode);
        Assert.False(stop.IsCancellationRequested, "the server started instead of refusing");
        Assert.StartsWith("error: Kestrel endpoints are configured", stderr.ToString());
        Assert.Contains("Kestrel__Endpoints__", stderr.ToString());
    }

    [Fact]
    public async Task Urls_in_configuration_do_not_move_the_listener_off_127_0_0_1()
    {
        // What ASPNETCORE_URLS or --urls would set; Kestrel's explicit loopback listener wins.
        var stdout = new ListeningWriter();
        using var stop = new CancellationTokenSource();

        var run = ServerCommand.RunAsync(
            ["--port", "0"],
            stdout,
            new StringWriter(),
            NoEnvironment,
            builder =>
            {
                Quiet(builder);
                builder.Configuration["urls"] = "http://127.0.0.2:0";
                builder.Configuration["http_ports"] = "0";
            },
            stop.Token);
        var apiBase = await stdout.Listening.WaitAsync(TimeSpan.FromSeconds(30));
        await stop.CancelAsync();
        var exitCode = await run.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(0, exitCode);
        Assert.StartsWith("http://127.0.0.1:", apiBase);
    }

    [Fact]
    public async Task The_command_line_refuses_urls()
    {
        var stderr = new StringWriter();

        var exitCode = await ServerCommand.RunAsync(["--urls", "http://0.0.0.0:80"], new StringWriter(), stderr, NoEnvironment);

        Assert.Equal(ExitCodes.UsageError, exitCode);
        Assert.StartsWith("error: unknown option '--urls'.", stderr.ToString());
    }

    private static void Quiet(Microsoft.AspNetCore.Builder.WebApplicationBuilder builder) => builder.Logging.ClearProviders();

    [GeneratedRegex("whsec_[A-Za-z0-9]+")]
    private static partial Regex SecretPattern();

    /// <summary>Captures stdout and reports the API base once the banner says the server listens.</summary>
    private sealed partial class ListeningWriter : StringWriter
    {
        private readonly TaskCompletionSource<string> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<string> Listening => _listening.Task;

        public override void WriteLine(string? value)
        {
            lock (this)
            {
                base.WriteLine(value);
            }

            var match = ListeningLine().Match(value ?? string.Empty);
            if (match.Success)
            {
                _listening.TrySetResult(match.Groups[1].Value);
            }
        }

        public override string ToString()
        {
            lock (this)
            {
                return base.ToString();
            }
        }

        [GeneratedRegex(@"listening on (http://127\.0\.0\.1:\d+)")]
        private static partial Regex ListeningLine();
    }
}
