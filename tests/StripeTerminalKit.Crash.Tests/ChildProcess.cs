using System.Diagnostics;
using System.Globalization;
using System.Reflection;

namespace StripeTerminalKit.Crash.Tests;

/// <summary>
/// One child OS process (<c>dotnet some.dll</c>) with its stdout and stderr appended to a log file
/// (never to the test's console: the children run with a made-up test key in their environment).
/// <see cref="Kill"/> is SIGKILL on Linux (<see cref="Process.Kill()"/>); <see cref="Dispose"/>
/// always kills what is still running, so a failing test leaves no process behind.
/// </summary>
internal sealed class ChildProcess : IDisposable
{
    private readonly Process _process;
    private readonly StreamWriter _log;
    private readonly Lock _gate = new();
    private readonly List<Action<string>> _lineWatchers = [];
    private bool _disposed;

    private ChildProcess(Process process, StreamWriter log, string logPath)
    {
        _process = process;
        _log = log;
        LogPath = logPath;
    }

    /// <summary>Where its stdout and stderr go (appended: one file across restarts).</summary>
    public string LogPath { get; }

    /// <summary>The OS process id.</summary>
    public int Id => _process.Id;

    /// <summary>Whether it has exited (or been killed).</summary>
    public bool HasExited
    {
        get
        {
            try
            {
                return _process.HasExited;
            }
            catch (InvalidOperationException)
            {
                return true;
            }
        }
    }

    /// <summary>Its exit code once exited, else null.</summary>
    public int? ExitCode => HasExited ? _process.ExitCode : null;

    /// <summary>The dotnet host that runs the children: the one running this test when there is one.</summary>
    public static string DotnetHost
    {
        get
        {
            if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host))
            {
                return host;
            }

            var current = Environment.ProcessPath;
            return current is not null && Path.GetFileNameWithoutExtension(current).Equals("dotnet", StringComparison.OrdinalIgnoreCase) ? current : "dotnet";
        }
    }

    /// <summary>A dll path baked into the test assembly at build time (see the project file).</summary>
    public static string BuiltDll(string name)
    {
        var path = typeof(ChildProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == name).Value
            ?? throw new InvalidOperationException($"No {name} in the test assembly's metadata.");
        return File.Exists(path)
            ? path
            : throw new FileNotFoundException($"{Path.GetFileName(path)} is not built at {path}: build tests/StripeTerminalKit.Crash.Tests (it builds the emulator server and the web sample first) in the same configuration.", path);
    }

    /// <summary>Starts <c>dotnet {dll} {args}</c> in the dll's folder.</summary>
    /// <param name="dll">The app to run.</param>
    /// <param name="args">Its arguments.</param>
    /// <param name="environment">Variables to set (null removes one).</param>
    /// <param name="logPath">Appended with every line the process writes, each stamped with the time.</param>
    /// <param name="label">A name for the log's separator lines.</param>
    public static ChildProcess Start(string dll, IReadOnlyList<string> args, IReadOnlyDictionary<string, string?> environment, string logPath, string label)
    {
        var info = new ProcessStartInfo(DotnetHost)
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
            UseShellExecute = false,
            CreateNoWindow = true,
        };
        info.ArgumentList.Add(dll);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        // The test runner's own settings must not leak into the children.
        foreach (var inherited in info.Environment.Keys.Where(k => k.StartsWith("ASPNETCORE_", StringComparison.Ordinal) || k.StartsWith("DOTNET_ENVIRONMENT", StringComparison.Ordinal) || k.StartsWith("STRIPE_", StringComparison.Ordinal) || k.StartsWith("StripeTerminal", StringComparison.Ordinal)).ToList())
        {
            info.Environment.Remove(inherited);
        }

        foreach (var (key, value) in environment)
        {
            if (value is null)
            {
                info.Environment.Remove(key);
            }
            else
            {
                info.Environment[key] = value;
            }
        }

        var log = new StreamWriter(new FileStream(logPath, FileMode.Append, FileAccess.Write, FileShare.ReadWrite)) { AutoFlush = true };
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var child = new ChildProcess(process, log, logPath);
        process.OutputDataReceived += (_, e) => child.Line(e.Data, "out");
        process.ErrorDataReceived += (_, e) => child.Line(e.Data, "err");
        child.Write($"===== {label}: starting {Path.GetFileName(dll)} at {DateTimeOffset.UtcNow:HH:mm:ss.fff}");
        if (!process.Start())
        {
            child.Dispose();
            throw new InvalidOperationException($"{label} did not start; see {logPath}");
        }

        child.Write($"===== {label}: pid {process.Id.ToString(CultureInfo.InvariantCulture)}");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>Calls <paramref name="watcher"/> with every later output line (for a banner or a "listening" line).</summary>
    public void WatchLines(Action<string> watcher)
    {
        lock (_gate)
        {
            _lineWatchers.Add(watcher);
        }
    }

    /// <summary>SIGKILL: no shutdown hook, no flush, no graceful anything. Waits until the OS reaped it.</summary>
    public void Kill()
    {
        if (!HasExited)
        {
            try
            {
                _process.Kill(entireProcessTree: false);
            }
            catch (InvalidOperationException)
            {
                // Exited meanwhile.
            }
        }

        if (!_process.WaitForExit(TimeSpan.FromSeconds(15)))
        {
            throw new TimeoutException($"Process {Id} did not die within 15 s of SIGKILL; see {LogPath}");
        }

        // Drains the redirected streams.
        _process.WaitForExit();
        Write($"===== killed (SIGKILL) at {DateTimeOffset.UtcNow:HH:mm:ss.fff}");
    }

    /// <summary>
    /// The log's last lines, for a failure message: CI keeps the test output, not the temporary
    /// folder. The children print no secret (their made-up keys stay in their environment).
    /// </summary>
    public string LogTail(int lines = 20)
    {
        try
        {
            using var stream = new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(stream);
            var tail = new Queue<string>(lines);
            while (reader.ReadLine() is { } line)
            {
                if (tail.Count == lines)
                {
                    tail.Dequeue();
                }

                tail.Enqueue(line.Length > 400 ? line[..400] + "…" : line);
            }

            return string.Join('\n', tail);
        }
        catch (IOException e)
        {
            return $"(log unreadable: {e.Message})";
        }
    }

    /// <summary>Writes a separator or a note into the log.</summary>
    public void Write(string line)
    {
        lock (_gate)
        {
            if (!_disposed)
            {
                _log.WriteLine(line);
            }
        }
    }

    public void Dispose()
    {
        try
        {
            if (!HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(TimeSpan.FromSeconds(15));
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // Already gone.
        }

        _process.Dispose();
        lock (_gate)
        {
            _disposed = true;
            _log.Dispose();
        }
    }

    private void Line(string? data, string stream)
    {
        if (data is null)
        {
            return;
        }

        Action<string>[] watchers;
        lock (_gate)
        {
            if (!_disposed)
            {
                _log.WriteLine($"{DateTimeOffset.UtcNow:HH:mm:ss.fff} {stream} {data}");
            }

            watchers = [.. _lineWatchers];
        }

        foreach (var watcher in watchers)
        {
            watcher(data);
        }
    }
}
