using System.Security.Cryptography;
using StripeTerminalKit.Emulator.Server.CommandLine;

namespace StripeTerminalKit.Emulator.Server.Hosting;

/// <summary>The whole command: parse, start, print the banner, run until stopped.</summary>
internal static class ServerCommand
{
    /// <summary>Runs the tool and returns its exit code (see <see cref="ExitCodes"/>).</summary>
    /// <param name="args">The process arguments.</param>
    /// <param name="stdout">Where the banner, help and version go.</param>
    /// <param name="stderr">Where argument and start-up errors go.</param>
    /// <param name="getEnvironmentVariable">Reads an environment variable.</param>
    /// <param name="configure">Last word on the web application builder (tests).</param>
    /// <param name="cancellationToken">Stops the server, as Ctrl+C does.</param>
    public static Task<int> RunAsync(
        IReadOnlyList<string> args,
        TextWriter stdout,
        TextWriter stderr,
        Func<string, string?> getEnvironmentVariable,
        Action<WebApplicationBuilder>? configure = null,
        CancellationToken cancellationToken = default) =>
        RunAsync(args, stdout, stderr, getEnvironmentVariable, configure, NewSeed, cancellationToken);

    /// <summary>A seed for a run without <c>--seed</c>: random, so ids differ between runs.</summary>
    internal static int NewSeed() => RandomNumberGenerator.GetInt32(int.MaxValue);

    /// <summary>Runs the tool and returns its exit code (see <see cref="ExitCodes"/>).</summary>
    /// <param name="args">The process arguments.</param>
    /// <param name="stdout">Where the banner, help and version go.</param>
    /// <param name="stderr">Where argument and start-up errors go.</param>
    /// <param name="getEnvironmentVariable">Reads an environment variable.</param>
    /// <param name="configure">Last word on the web application builder (tests).</param>
    /// <param name="newSeed">Draws the seed when <c>--seed</c> is not given (tests fix it).</param>
    /// <param name="cancellationToken">Stops the server, as Ctrl+C does.</param>
    internal static async Task<int> RunAsync(
        IReadOnlyList<string> args,
        TextWriter stdout,
        TextWriter stderr,
        Func<string, string?> getEnvironmentVariable,
        Action<WebApplicationBuilder>? configure,
        Func<int> newSeed,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(newSeed);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);

        var parsed = ServerArguments.Parse(args, getEnvironmentVariable);
        switch (parsed.Kind)
        {
            case CommandKind.Help:
                await stdout.WriteLineAsync(ServerArguments.UsageText).ConfigureAwait(false);
                return ExitCodes.Success;
            case CommandKind.Version:
                await stdout.WriteLineAsync($"{ServerArguments.CommandName} {Control.ControlEndpoints.Version}").ConfigureAwait(false);
                return ExitCodes.Success;
            case CommandKind.Error:
                await stderr.WriteLineAsync($"error: {parsed.Error}").ConfigureAwait(false);
                await stderr.WriteLineAsync($"Run '{ServerArguments.CommandName} --help' to see the options.").ConfigureAwait(false);
                return ExitCodes.UsageError;
        }

        var settings = parsed.Settings!;
        var options = new StripeEmulatorOptions
        {
            WebhookSecret = settings.WebhookSecret ?? WebhookSecrets.Generate(),
            Seed = settings.Seed ?? newSeed(),
            RateLimits = settings.RateLimits,
        };

        // Disposed in reverse order: the server stops before the emulator it serves.
        var emulator = new StripeEmulator(options);
        await using var emulatorScope = emulator.ConfigureAwait(false);
        WebApplication app;
        try
        {
            app = EmulatorServerApp.Build(settings, EmulatorBackend.For(emulator, settings.AllowRemoteWebhooks), configure);
        }
        catch (ListenerConfigurationException exception)
        {
            await stderr.WriteLineAsync($"error: {exception.Message}").ConfigureAwait(false);
            return ExitCodes.StartFailed;
        }

        await using var appScope = app.ConfigureAwait(false);

        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (IOException exception)
        {
            // Kestrel's message names the address and the reason ("address already in use").
            await stderr.WriteLineAsync($"error: cannot listen on 127.0.0.1:{settings.Port}: {exception.Message}").ConfigureAwait(false);
            await stderr.WriteLineAsync("Stop the other process or pick another port with --port (0 picks a free one).").ConfigureAwait(false);
            return ExitCodes.StartFailed;
        }

        // Belt and braces: whatever the configuration did, serve only on loopback.
        var addresses = app.ListeningAddresses();
        if (addresses.Count != 1 || !Security.Loopback.IsLoopbackHost(addresses[0].Host))
        {
            await stderr.WriteLineAsync($"error: the server would listen on {string.Join(", ", addresses)}; it serves only on 127.0.0.1. Remove Kestrel, urls or ASPNETCORE_URLS settings.").ConfigureAwait(false);
            await app.StopAsync(CancellationToken.None).ConfigureAwait(false);
            return ExitCodes.StartFailed;
        }

        await Banner.WriteAsync(stdout, addresses[0], options.Seed, settings, settings.WebhookSecret is null ? options.WebhookSecret : null).ConfigureAwait(false);

        await app.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
        return ExitCodes.Success;
    }
}
