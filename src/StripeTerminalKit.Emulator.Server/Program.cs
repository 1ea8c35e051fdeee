using StripeTerminalKit.Emulator.Server.Hosting;

// Ctrl+C and SIGTERM stop the host (ConsoleLifetime); the exit code tells scripts what happened.
return await ServerCommand.RunAsync(args, Console.Out, Console.Error, Environment.GetEnvironmentVariable).ConfigureAwait(false);
