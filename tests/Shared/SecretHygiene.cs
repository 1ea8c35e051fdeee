using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;

namespace StripeTerminalKit.TestHygiene;

/// <summary>
/// Compiled into every test project (tests/Directory.Build.props): from the moment the test
/// assembly loads, everything that leaves the kit, the emulator or the samples in this process is
/// searched for secrets — Stripe secret and restricted keys, webhook signing secrets, PaymentIntent
/// client secrets and Authorization headers:
/// <list type="bullet">
/// <item>every exception thrown by their code (first chance, so caught ones count too), message and ToString;</item>
/// <item>every log line written through <see cref="ScanningLoggerProvider"/>, which the suite's kits and hosts all use;</item>
/// <item>everything written to the console (the samples' hosts log there);</item>
/// <item>every tag of the kit's activities.</item>
/// </list>
/// When the process ends it writes what it scanned to <c>STK_HYGIENE_DIR</c> (CI sets it and fails
/// on any match, or on a test project that wrote no report). Matches are never written whole.
/// </summary>
internal static partial class SuiteSecretScanner
{
    private static readonly Lock Gate = new();
    private static readonly List<string> Examples = [];
    private static readonly Dictionary<string, long> ScannedBySource = new(StringComparer.Ordinal);
    private static long _scanned;
    private static long _matches;

    [ThreadStatic]
    private static bool _scanning;

    [GeneratedRegex(@"\b(?:sk|rk)_(?:live|test)_[A-Za-z0-9]+|whsec_[A-Za-z0-9_]+|\bpi_[A-Za-z0-9]+_secret_[A-Za-z0-9]+|\bAuthorization\s*[:=]\s*(?:Bearer|Basic)|\bBearer\s+(?:sk|rk)_", RegexOptions.CultureInvariant)]
    private static partial Regex Secret();

    public static long Scanned => Interlocked.Read(ref _scanned);

    public static long Matches => Interlocked.Read(ref _matches);

    /// <summary>Whether the text holds a secret (for the scanner's own tests).</summary>
    public static bool HasSecret(string text) => Secret().IsMatch(text);

    /// <summary>Searches one piece of text that left the code under test.</summary>
    public static void Scan(string? text, string source)
    {
        if (string.IsNullOrEmpty(text) || _scanning)
        {
            return;
        }

        _scanning = true;
        try
        {
            Interlocked.Increment(ref _scanned);
            var match = Secret().Match(text);
            lock (Gate)
            {
                ScannedBySource[source] = ScannedBySource.GetValueOrDefault(source) + 1;
                if (match.Success)
                {
                    _matches++;
                    if (Examples.Count < 20)
                    {
                        // Where, and the kind of secret; the secret itself stays out of the report.
                        var around = text[..Math.Min(300, text.Length)].Replace(match.Value, "<" + match.Value[..Math.Min(5, match.Value.Length)] + "…>", StringComparison.Ordinal);
                        Examples.Add($"{source}: {around}");
                    }
                }
            }
        }
        finally
        {
            _scanning = false;
        }
    }

    /// <summary>Scans an exception, its inner exceptions and its ToString.</summary>
    public static void Scan(Exception? exception, string source)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            Scan(e.Message, source);
        }

        if (exception is not null)
        {
            Scan(exception.ToString(), source);
        }
    }

    [ModuleInitializer]
    internal static void Start()
    {
        AppDomain.CurrentDomain.FirstChanceException += (_, e) =>
        {
            if (!_scanning && ThrownByCodeUnderTest(e.Exception))
            {
                Scan(e.Exception, "exception");
            }
        };

        ActivitySource.AddActivityListener(new ActivityListener
        {
            ShouldListenTo = source => source.Name.StartsWith("StripeTerminalKit", StringComparison.Ordinal),
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
            ActivityStopped = activity =>
            {
                foreach (var (key, value) in activity.TagObjects)
                {
                    Scan(key + "=" + value, "activity tag");
                }

                Scan(activity.StatusDescription, "activity status");
            },
        });

        Console.SetOut(new ScanningWriter(Console.Out, "console"));
        Console.SetError(new ScanningWriter(Console.Error, "console"));
        AppDomain.CurrentDomain.ProcessExit += (_, _) => WriteReport();
    }

    /// <summary>
    /// The kit's, the emulator's and the samples' own throws. Test code throws on purpose with
    /// made-up secrets in hand, and Stripe.net's exceptions carry the raw response the kit redacts
    /// before anything of it leaves (the kit's typed error is scanned when it is thrown).
    /// </summary>
    private static bool ThrownByCodeUnderTest(Exception exception)
    {
        var assembly = exception.TargetSite?.DeclaringType?.Assembly.GetName().Name ?? exception.GetType().Assembly.GetName().Name;
        return assembly is not null
            && assembly.StartsWith("StripeTerminalKit", StringComparison.Ordinal)
            && !assembly.EndsWith(".Tests", StringComparison.Ordinal);
    }

    private static void WriteReport()
    {
        if (Environment.GetEnvironmentVariable("STK_HYGIENE_DIR") is not { Length: > 0 } dir)
        {
            return;
        }

        Directory.CreateDirectory(dir);
        var name = Assembly.GetExecutingAssembly().GetName().Name;
        var report = new StringBuilder();
        lock (Gate)
        {
            report.Append(CultureInfo.InvariantCulture, $"{name} scanned={_scanned} matches={_matches}");
            foreach (var (source, n) in ScannedBySource.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                report.Append(CultureInfo.InvariantCulture, $" {source.Replace(' ', '_')}={n}");
            }

            report.AppendLine();
            foreach (var example in Examples)
            {
                report.AppendLine("  " + example.ReplaceLineEndings(" "));
            }
        }

        File.WriteAllText(Path.Combine(dir, name + "-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + ".txt"), report.ToString());
    }

    /// <summary>Passes console output through, scanning each write.</summary>
    private sealed class ScanningWriter(TextWriter inner, string source) : TextWriter
    {
        public override Encoding Encoding => inner.Encoding;

        public override void Write(char value) => inner.Write(value);

        public override void Write(string? value)
        {
            Scan(value, source);
            inner.Write(value);
        }

        public override void WriteLine(string? value)
        {
            Scan(value, source);
            inner.WriteLine(value);
        }

        public override void Write(char[] buffer, int index, int count)
        {
            Scan(new string(buffer, index, count), source);
            inner.Write(buffer, index, count);
        }

        public override void Flush() => inner.Flush();
    }
}

/// <summary>A logger provider that formats every message at every level, with its structured values, and scans it.</summary>
internal sealed class ScanningLoggerProvider : ILoggerProvider
{
    public static ScanningLoggerProvider Instance { get; } = new();

    /// <summary>A file that receives warnings and errors, for diagnosing a failing test: <c>STK_TEST_LOG</c>.</summary>
    private static readonly string? DebugLog = Environment.GetEnvironmentVariable("STK_TEST_LOG");

    public ILogger CreateLogger(string categoryName) => new ScanningLogger(categoryName);

    public void Dispose()
    {
    }

    private sealed class ScanningLogger(string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull
        {
            SuiteSecretScanner.Scan(state.ToString(), "log scope");
            return null;
        }

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var message = formatter(state, exception);
            if (DebugLog is { } path && logLevel >= LogLevel.Warning)
            {
                lock (Instance)
                {
                    File.AppendAllText(path, $"{logLevel} {category}: {message} {exception}\n");
                }
            }

            SuiteSecretScanner.Scan(message, "log");
            if (state is IReadOnlyList<KeyValuePair<string, object?>> values)
            {
                foreach (var (key, value) in values)
                {
                    SuiteSecretScanner.Scan(key + "=" + value, "log value");
                }
            }

            SuiteSecretScanner.Scan(exception, "log exception");
        }
    }
}
