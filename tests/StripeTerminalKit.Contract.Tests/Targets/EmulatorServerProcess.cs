using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;

namespace StripeTerminalKit.Contract.Tests.Targets;

/// <summary>
/// <c>dotnet StripeTerminalKit.Emulator.Server.dll --port 0</c>: it binds a free port and says
/// which in its banner. Its output is kept in memory for failure messages, never echoed.
/// Disposing kills it, so a failing run leaves no process behind.
/// </summary>
internal sealed partial class EmulatorServerProcess : IDisposable
{
    private static readonly TimeSpan StartDeadline = TimeSpan.FromSeconds(60);
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private EmulatorServerProcess(Process process) => _process = process;

    /// <summary>Where it listens, e.g. <c>http://127.0.0.1:40123</c>.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    public static async Task<EmulatorServerProcess> StartAsync(int seed)
    {
        var dll = typeof(EmulatorServerProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "EmulatorServerDll").Value!;
        if (!File.Exists(dll))
        {
            throw new FileNotFoundException($"The emulator server is not built at {dll}: build tests/StripeTerminalKit.Contract.Tests (it builds the server first) in the same configuration.", dll);
        }

        var info = new ProcessStartInfo(DotnetHost())
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { dll, "--port", "0", "--seed", seed.ToString(CultureInfo.InvariantCulture) })
        {
            info.ArgumentList.Add(arg);
        }

        // The runner's own settings (and any real key) must not reach the child.
        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("ASPNETCORE_", StringComparison.Ordinal) || k.StartsWith("STRIPE_", StringComparison.Ordinal)).ToList())
        {
            info.Environment.Remove(key);
        }

        var server = new EmulatorServerProcess(new Process { StartInfo = info });
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnLine(object sender, DataReceivedEventArgs e)
        {
            if (e.Data is null)
            {
                return;
            }

            lock (server._output)
            {
                server._output.AppendLine(e.Data);
            }

            if (ListeningLine().Match(e.Data) is { Success: true } match)
            {
                listening.TrySetResult(new Uri(match.Groups[1].Value));
            }
        }

        server._process.OutputDataReceived += OnLine;
        server._process.ErrorDataReceived += OnLine;
        server._process.Exited += (_, _) => listening.TrySetException(new InvalidOperationException($"The emulator server exited at start:{Environment.NewLine}{server.Output}"));
        server._process.EnableRaisingEvents = true;
        server._process.Start();
        server._process.BeginOutputReadLine();
        server._process.BeginErrorReadLine();
        try
        {
            server.BaseAddress = await listening.Task.WaitAsync(StartDeadline);
        }
        catch
        {
            server.Dispose();
            throw;
        }

        return server;
    }

    /// <summary>What the server printed so far.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
            // Never started, or already gone.
        }

        _process.Dispose();
    }

    private static string DotnetHost()
    {
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host))
        {
            return host;
        }

        var current = Environment.ProcessPath;
        return current is not null && Path.GetFileNameWithoutExtension(current).Equals("dotnet", StringComparison.OrdinalIgnoreCase) ? current : "dotnet";
    }

    [GeneratedRegex(@"listening on (http://127\.0\.0\.1:\d+)")]
    private static partial Regex ListeningLine();
}
