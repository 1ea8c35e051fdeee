using StripeTerminalKit.Emulator.Server.CommandLine;

namespace StripeTerminalKit.Emulator.Server.Tests.CommandLine;

public sealed class ServerArgumentsTests
{
    private static readonly Func<string, string?> NoEnvironment = _ => null;

    [Fact]
    public void No_arguments_run_on_the_stripe_mock_port_with_a_generated_secret()
    {
        var result = ServerArguments.Parse([], NoEnvironment);

        Assert.Equal(CommandKind.Run, result.Kind);
        Assert.Equal(12111, result.Settings!.Port);
        Assert.Null(result.Settings.Seed);
        Assert.Null(result.Settings.WebhookSecret);
        Assert.Empty(result.Settings.WebhookUrls);
    }

    [Fact]
    public void Every_option_is_read_in_both_spellings()
    {
        var result = ServerArguments.Parse(
            ["--port", "8080", "--seed=-42", "--webhook-url", "http://127.0.0.1:5000/webhooks", "--webhook-url=https://example.test/hook", "--webhook-secret", "whsec_given", "--allow-remote-webhooks", "--rate-limits=live", "--max-writes", "250000"],
            NoEnvironment);

        Assert.Equal(CommandKind.Run, result.Kind);
        Assert.Equal(8080, result.Settings!.Port);
        Assert.Equal(-42, result.Settings.Seed);
        Assert.Equal(["http://127.0.0.1:5000/webhooks", "https://example.test/hook"], result.Settings.WebhookUrls.Select(u => u.ToString()));
        Assert.Equal("whsec_given", result.Settings.WebhookSecret);
        Assert.True(result.Settings.AllowRemoteWebhooks);
        Assert.Equal(StripeTerminalKit.Emulator.EmulatorRateLimits.Live, result.Settings.RateLimits);
        Assert.Equal(250_000, result.Settings.MaxAcceptedWrites);
    }

    [Fact]
    public void Without_max_writes_the_documented_limit_holds()
    {
        Assert.Equal(20_000, ServerArguments.Parse([], NoEnvironment).Settings!.MaxAcceptedWrites);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-5")]
    [InlineData("1000001")]
    [InlineData("lots")]
    public void Max_writes_outside_one_to_a_million_is_refused_by_name(string value)
    {
        var result = ServerArguments.Parse(["--max-writes", value], NoEnvironment);

        Assert.Equal(CommandKind.Error, result.Kind);
        Assert.Equal($"--max-writes must be a whole number from 1 to 1000000, not '{value}'.", result.Error);
    }

    [Fact]
    public void By_default_webhooks_stay_on_this_machine_rate_limits_are_off_and_no_seed_is_fixed()
    {
        var settings = ServerArguments.Parse([], NoEnvironment).Settings!;

        Assert.False(settings.AllowRemoteWebhooks);
        Assert.Null(settings.RateLimits);
        Assert.Null(settings.Seed);
    }

    [Theory]
    [InlineData("live", 100, 25)]
    [InlineData("sandbox", 25, 25)]
    public void Rate_limits_take_Stripe_s_live_or_sandbox_numbers(string mode, int global, int perEndpoint)
    {
        var limits = ServerArguments.Parse(["--rate-limits", mode], NoEnvironment).Settings!.RateLimits!;

        Assert.Equal(global, limits.GlobalPerSecond);
        Assert.Equal(perEndpoint, limits.PerEndpointPerSecond);
        Assert.Null(ServerArguments.Parse(["--rate-limits", "off"], NoEnvironment).Settings!.RateLimits);
    }

    [Theory]
    [InlineData("http://169.254.169.254/latest/meta-data")]
    [InlineData("http://10.0.0.5:5000/hook")]
    [InlineData("https://example.test/hook")]
    [InlineData("http://localhost.evil.example/hook")]
    [InlineData("http://[::]/hook")]
    [InlineData("http://0.0.0.0:5000/hook")]
    public void A_webhook_url_off_this_machine_is_refused_without_the_explicit_flag(string url)
    {
        var refused = ServerArguments.Parse(["--webhook-url", url], NoEnvironment);
        var allowedBefore = ServerArguments.Parse(["--allow-remote-webhooks", "--webhook-url", url], NoEnvironment);
        var allowedAfter = ServerArguments.Parse(["--webhook-url", url, "--allow-remote-webhooks"], NoEnvironment);

        Assert.Equal(CommandKind.Error, refused.Kind);
        Assert.StartsWith("--webhook-url must point at this machine", refused.Error);
        Assert.Contains("--allow-remote-webhooks", refused.Error);
        Assert.Equal(CommandKind.Run, allowedBefore.Kind);
        Assert.Equal(CommandKind.Run, allowedAfter.Kind);
    }

    [Theory]
    [InlineData("http://127.0.0.1:5000/hook")]
    [InlineData("http://127.8.9.10/hook")]
    [InlineData("http://localhost:5000/hook")]
    [InlineData("https://LOCALHOST/hook")]
    [InlineData("http://[::1]:5000/hook")]
    public void A_loopback_webhook_url_is_accepted(string url)
    {
        Assert.Equal(CommandKind.Run, ServerArguments.Parse(["--webhook-url", url], NoEnvironment).Kind);
    }

    [Fact]
    public void A_webhook_url_with_user_info_is_refused_even_when_remote_webhooks_are_allowed_and_the_password_is_not_repeated()
    {
        var result = ServerArguments.Parse(["--allow-remote-webhooks", "--webhook-url", "http://admin:hunter2@127.0.0.1/hook"], NoEnvironment);

        Assert.Equal(CommandKind.Error, result.Kind);
        Assert.DoesNotContain("hunter2", result.Error);
    }

    [Fact]
    public void More_than_sixteen_webhook_urls_are_refused()
    {
        var args = Enumerable.Range(0, 17).SelectMany(i => new[] { "--webhook-url", $"http://127.0.0.1:{5000 + i}/hook" }).ToArray();

        var sixteen = ServerArguments.Parse(args[..32], NoEnvironment);
        var seventeen = ServerArguments.Parse(args, NoEnvironment);

        Assert.Equal(16, sixteen.Settings!.WebhookUrls.Count);
        Assert.Equal(CommandKind.Error, seventeen.Kind);
        Assert.Contains("16", seventeen.Error);
    }

    [Theory]
    [InlineData("fast")]
    [InlineData("")]
    [InlineData("LIVE")]
    public void Unknown_rate_limit_modes_are_refused(string mode)
    {
        var result = ServerArguments.Parse([$"--rate-limits={mode}"], NoEnvironment);

        Assert.Equal(CommandKind.Error, result.Kind);
        Assert.Equal($"--rate-limits must be live, sandbox or off, not '{mode}'.", result.Error);
    }

    [Fact]
    public void Port_zero_is_accepted_and_means_any_free_port()
    {
        Assert.Equal(0, ServerArguments.Parse(["--port=0"], NoEnvironment).Settings!.Port);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("-1")]
    [InlineData("65536")]
    [InlineData("99999999999")]
    [InlineData("12.5")]
    [InlineData("")]
    [InlineData(" 80")]
    public void Bad_port_is_refused_with_a_message_that_names_the_option_and_the_range(string port)
    {
        var result = ServerArguments.Parse([$"--port={port}"], NoEnvironment);

        Assert.Equal(CommandKind.Error, result.Kind);
        Assert.Equal($"--port must be a whole number from 0 to 65535 (0 picks a free port), not '{port}'.", result.Error);
    }

    [Theory]
    [InlineData(new[] { "--port" }, "--port needs a value.")]
    [InlineData(new[] { "--port", "--seed", "1" }, "--port needs a value.")]
    [InlineData(new[] { "--seed", "one" }, "--seed must be a whole number from -2147483648 to 2147483647, not 'one'.")]
    [InlineData(new[] { "--port", "1", "--port", "2" }, "--port is given more than once.")]
    [InlineData(new[] { "--verbose" }, "unknown option '--verbose'.")]
    [InlineData(new[] { "12111" }, "unexpected argument '12111' (options start with --).")]
    [InlineData(new[] { "--webhook-url", "localhost:5000/hook" }, "--webhook-url must be an absolute http:// or https:// URL, not 'localhost:5000/hook'.")]
    [InlineData(new[] { "--webhook-url", "ftp://example.test/hook" }, "--webhook-url must be an absolute http:// or https:// URL, not 'ftp://example.test/hook'.")]
    [InlineData(new[] { "--webhook-url", "/webhooks" }, "--webhook-url must be an absolute http:// or https:// URL, not '/webhooks'.")]
    public void Bad_arguments_are_refused_with_a_clear_message(string[] args, string message)
    {
        var result = ServerArguments.Parse(args, NoEnvironment);

        Assert.Equal(CommandKind.Error, result.Kind);
        Assert.Equal(message, result.Error);
    }

    [Fact]
    public void A_bad_webhook_secret_is_refused_without_repeating_it()
    {
        var result = ServerArguments.Parse(["--webhook-secret", "whsec_half secret"], NoEnvironment);

        Assert.Equal(CommandKind.Error, result.Kind);
        Assert.Equal("--webhook-secret must be non-empty and contain no spaces.", result.Error);
        Assert.DoesNotContain("half", result.Error);
    }

    [Fact]
    public void Webhook_secret_can_come_from_the_environment_and_the_command_line_wins()
    {
        Func<string, string?> environment = name => name == ServerArguments.WebhookSecretVariable ? "whsec_from_env" : null;

        Assert.Equal("whsec_from_env", ServerArguments.Parse([], environment).Settings!.WebhookSecret);
        Assert.Equal("whsec_cli", ServerArguments.Parse(["--webhook-secret=whsec_cli"], environment).Settings!.WebhookSecret);
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    [InlineData("-?")]
    public void Help_wins_over_everything_else(string flag)
    {
        Assert.Equal(CommandKind.Help, ServerArguments.Parse(["--port", "1", flag, "--bogus"], NoEnvironment).Kind);
    }

    [Fact]
    public void Usage_text_documents_every_option_and_how_to_point_Stripe_net_at_the_server()
    {
        foreach (var expected in new[] { "--port", "--seed", "--webhook-url", "--webhook-secret", "--allow-remote-webhooks", "--rate-limits", "--max-writes", "--help", "--version", "12111", "apiBase: \"http://127.0.0.1:12111\"", "/_emulator/health", ServerArguments.WebhookSecretVariable })
        {
            Assert.Contains(expected, ServerArguments.UsageText);
        }
    }

    [Fact]
    public void Settings_never_print_the_secret()
    {
        var settings = ServerArguments.Parse(["--webhook-secret", "whsec_do_not_print"], NoEnvironment).Settings!;

        Assert.DoesNotContain("whsec_do_not_print", settings.ToString());
    }
}
