using System.Globalization;

namespace StripeTerminalKit.Emulator.Server.CommandLine;

/// <summary>What the process should do once its arguments are read.</summary>
internal enum CommandKind
{
    /// <summary>Start the server with <see cref="CommandLineResult.Settings"/>.</summary>
    Run,

    /// <summary>Print the usage text and exit with 0.</summary>
    Help,

    /// <summary>Print the version and exit with 0.</summary>
    Version,

    /// <summary>Print <see cref="CommandLineResult.Error"/> and exit with <see cref="ExitCodes.UsageError"/>.</summary>
    Error,
}

/// <summary>The outcome of parsing the command line.</summary>
internal sealed class CommandLineResult
{
    private CommandLineResult(CommandKind kind, ServerSettings? settings, string? error)
    {
        Kind = kind;
        Settings = settings;
        Error = error;
    }

    /// <summary>What to do.</summary>
    public CommandKind Kind { get; }

    /// <summary>The settings when <see cref="Kind"/> is <see cref="CommandKind.Run"/>.</summary>
    public ServerSettings? Settings { get; }

    /// <summary>A one-line message naming the offending option when <see cref="Kind"/> is <see cref="CommandKind.Error"/>.</summary>
    public string? Error { get; }

    internal static CommandLineResult Run(ServerSettings settings) => new(CommandKind.Run, settings, null);

    internal static CommandLineResult Help() => new(CommandKind.Help, null, null);

    internal static CommandLineResult Version() => new(CommandKind.Version, null, null);

    internal static CommandLineResult Failed(string error) => new(CommandKind.Error, null, error);
}

/// <summary>Process exit codes, documented in the usage text.</summary>
internal static class ExitCodes
{
    /// <summary>Ran and stopped normally, or printed help/version.</summary>
    public const int Success = 0;

    /// <summary>The server could not start (for example the port is in use).</summary>
    public const int StartFailed = 1;

    /// <summary>The command line is wrong.</summary>
    public const int UsageError = 2;
}

/// <summary>
/// Parses <c>--port</c>, <c>--seed</c>, <c>--webhook-url</c> (repeatable), <c>--webhook-secret</c>,
/// <c>--rate-limits</c>, <c>--max-writes</c>, <c>--allow-remote-webhooks</c>, <c>--help</c> and <c>--version</c>,
/// as <c>--name value</c> or <c>--name=value</c>. Nine options do not justify a parsing library.
/// </summary>
internal static class ServerArguments
{
    /// <summary>Environment variable that supplies the webhook secret without putting it on the
    /// command line, where other local users could read it from the process list.</summary>
    public const string WebhookSecretVariable = "STRIPE_TERMINAL_EMULATOR_WEBHOOK_SECRET";

    public const string CommandName = "stripe-terminal-emulator";

    public static string UsageText { get; } =
        $"""
        {CommandName}: the StripeTerminalKit emulator as a local Stripe API server (test mode only).
        Serves the Stripe Terminal server-driven API on 127.0.0.1 (loopback only) for any Stripe client.

        Usage: {CommandName} [options]

        Options:
          --port <port>             Port on 127.0.0.1 (default {ServerSettings.DefaultPort}; 0 picks a free port).
          --seed <integer>          Seed for the emulator's randomness, for reproducible runs
                                    (default: a random seed, printed at start).
          --webhook-url <url>       Forward signed webhook events to this http(s) URL on this machine
                                    (localhost, 127.x.x.x, [::1]). Repeat for more (at most {Security.ServerLimits.MaxWebhookEndpoints}).
          --allow-remote-webhooks   Also allow webhook URLs off this machine (signed events leave it).
          --rate-limits <mode>      live (100/s, 25/s per endpoint), sandbox (25/s) or off (default).
          --max-writes <count>      Accepted writes (POST/DELETE answered 2xx) before the server refuses
                                    more, bounding what it keeps in memory (default {Security.ServerLimits.MaxAcceptedWrites:N0};
                                    at most {Security.ServerLimits.MaxAcceptedWritesCeiling:N0}).
          --webhook-secret <secret> Secret that signs webhooks (Stripe-Signature). Default: a fresh test
                                    secret (whsec_...) printed once at start. Also read from
                                    {WebhookSecretVariable}.
          --version                 Print the version and exit.
          -h, --help                Print this help and exit.

        Point Stripe.net at it:
          new StripeClient("sk_test_123", apiBase: "http://127.0.0.1:{ServerSettings.DefaultPort}")

        Control endpoints (not part of Stripe's API):
          GET    /_emulator/health
          GET    /_emulator/info
          GET    /_emulator/webhook_endpoints
          POST   /_emulator/webhook_endpoints        (form field url=...)
          DELETE /_emulator/webhook_endpoints/{"{id}"}
          GET    /_emulator/requests                 (?after=<sequence>&limit=<1..10000>: the request log,
                                                     oldest first, with each request's user agent)

        Exit codes: {ExitCodes.Success} stopped normally, {ExitCodes.StartFailed} could not start, {ExitCodes.UsageError} bad arguments.
        """;

    /// <summary>Parses the arguments; never throws for bad input.</summary>
    /// <param name="args">The process arguments.</param>
    /// <param name="getEnvironmentVariable">Reads an environment variable (injected for tests).</param>
    public static CommandLineResult Parse(IReadOnlyList<string> args, Func<string, string?> getEnvironmentVariable)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(getEnvironmentVariable);

        int? port = null;
        int? seed = null;
        var allowRemoteWebhooks = false;
        EmulatorRateLimits? rateLimits = null;
        string? rateLimitsMode = null;
        string? secret = null;
        int? maxWrites = null;
        var webhookUrls = new List<Uri>();

        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg is "-h" or "--help" or "-?" or "/?")
            {
                return CommandLineResult.Help();
            }

            if (arg == "--version")
            {
                return CommandLineResult.Version();
            }

            if (arg == "--allow-remote-webhooks")
            {
                allowRemoteWebhooks = true;
                continue;
            }

            var (name, inlineValue) = Split(arg);
            if (name is not ("--port" or "--seed" or "--webhook-url" or "--webhook-secret" or "--rate-limits" or "--max-writes"))
            {
                return CommandLineResult.Failed(name.StartsWith('-')
                    ? $"unknown option '{Shorten(name)}'."
                    : $"unexpected argument '{Shorten(name)}' (options start with --).");
            }

            string? value = inlineValue;
            if (value is null)
            {
                if (i + 1 >= args.Count || args[i + 1].StartsWith("--", StringComparison.Ordinal))
                {
                    return CommandLineResult.Failed($"{name} needs a value.");
                }

                value = args[++i];
            }

            switch (name)
            {
                case "--port":
                    if (port is not null)
                    {
                        return CommandLineResult.Failed("--port is given more than once.");
                    }

                    if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var p) || p > 65535)
                    {
                        return CommandLineResult.Failed(
                            $"--port must be a whole number from 0 to 65535 (0 picks a free port), not '{Shorten(value)}'.");
                    }

                    port = p;
                    break;

                case "--seed":
                    if (seed is not null)
                    {
                        return CommandLineResult.Failed("--seed is given more than once.");
                    }

                    if (!int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var s))
                    {
                        return CommandLineResult.Failed(
                            $"--seed must be a whole number from {int.MinValue} to {int.MaxValue}, not '{Shorten(value)}'.");
                    }

                    seed = s;
                    break;

                case "--webhook-url":
                    if (!Uri.TryCreate(value, UriKind.Absolute, out var url)
                        || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
                    {
                        return CommandLineResult.Failed(
                            $"--webhook-url must be an absolute http:// or https:// URL, not '{Shorten(value)}'.");
                    }

                    if (url.UserInfo.Length > 0)
                    {
                        // The message does not repeat a URL that carries a password.
                        return CommandLineResult.Failed("--webhook-url must not carry user info (user:password@).");
                    }

                    if (webhookUrls.Count == Security.ServerLimits.MaxWebhookEndpoints)
                    {
                        return CommandLineResult.Failed($"--webhook-url is given more than {Security.ServerLimits.MaxWebhookEndpoints} times (Stripe's limit of endpoints per account).");
                    }

                    webhookUrls.Add(url);
                    break;

                case "--rate-limits":
                    if (rateLimitsMode is not null)
                    {
                        return CommandLineResult.Failed("--rate-limits is given more than once.");
                    }

                    rateLimitsMode = value;
                    switch (value)
                    {
                        case "live":
                            rateLimits = EmulatorRateLimits.Live;
                            break;
                        case "sandbox":
                            rateLimits = EmulatorRateLimits.Sandbox;
                            break;
                        case "off":
                            rateLimits = null;
                            break;
                        default:
                            return CommandLineResult.Failed($"--rate-limits must be live, sandbox or off, not '{Shorten(value)}'.");
                    }

                    break;

                case "--max-writes":
                    if (maxWrites is not null)
                    {
                        return CommandLineResult.Failed("--max-writes is given more than once.");
                    }

                    if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var w)
                        || w < 1 || w > Security.ServerLimits.MaxAcceptedWritesCeiling)
                    {
                        return CommandLineResult.Failed(
                            $"--max-writes must be a whole number from 1 to {Security.ServerLimits.MaxAcceptedWritesCeiling}, not '{Shorten(value)}'.");
                    }

                    maxWrites = w;
                    break;

                default: // --webhook-secret
                    if (secret is not null)
                    {
                        return CommandLineResult.Failed("--webhook-secret is given more than once.");
                    }

                    // The value is a secret: the message never repeats it.
                    if (!IsUsableSecret(value))
                    {
                        return CommandLineResult.Failed("--webhook-secret must be non-empty and contain no spaces.");
                    }

                    secret = value;
                    break;
            }
        }

        // Checked after the loop, so --allow-remote-webhooks may come before or after the URLs.
        foreach (var url in webhookUrls)
        {
            if (Security.Loopback.WebhookUrlProblem(url, allowRemoteWebhooks) is { } problem)
            {
                return CommandLineResult.Failed($"--webhook-url {problem}, not '{Shorten(url.OriginalString)}'.");
            }
        }

        if (secret is null)
        {
            var fromEnvironment = getEnvironmentVariable(WebhookSecretVariable);
            if (!string.IsNullOrEmpty(fromEnvironment))
            {
                if (!IsUsableSecret(fromEnvironment))
                {
                    return CommandLineResult.Failed($"{WebhookSecretVariable} must contain no spaces.");
                }

                secret = fromEnvironment;
            }
        }

        return CommandLineResult.Run(new ServerSettings
        {
            Port = port ?? ServerSettings.DefaultPort,
            Seed = seed,
            WebhookUrls = webhookUrls,
            WebhookSecret = secret,
            AllowRemoteWebhooks = allowRemoteWebhooks,
            RateLimits = rateLimits,
            MaxAcceptedWrites = maxWrites ?? Security.ServerLimits.MaxAcceptedWrites,
        });
    }

    private static (string Name, string? Value) Split(string arg)
    {
        var equals = arg.IndexOf('=', StringComparison.Ordinal);
        return arg.StartsWith("--", StringComparison.Ordinal) && equals > 0
            ? (arg[..equals], arg[(equals + 1)..])
            : (arg, null);
    }

    private static bool IsUsableSecret(string value) =>
        value.Length > 0 && !value.Any(char.IsWhiteSpace);

    // Keeps a pasted blob from flooding the terminal.
    private static string Shorten(string value) => value.Length <= 80 ? value : string.Concat(value.AsSpan(0, 77), "...");
}
