using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;

namespace StripeTerminalKit.Simulation.Tests.Hygiene;

/// <summary>
/// Every log line and exception message this suite produces passes through here and is searched
/// for secrets: Stripe secret and restricted keys, webhook signing secrets, PaymentIntent client
/// secrets and Authorization headers. The suite fails if any is ever found.
/// </summary>
internal static partial class SecretScanner
{
    private static long _scanned;
    private static long _matches;
    private static readonly Lock Gate = new();
    private static readonly List<string> Examples = [];

    [GeneratedRegex(@"\b(?:sk|rk)_(?:live|test)_[A-Za-z0-9]+|whsec_[A-Za-z0-9_]+|\bpi_[A-Za-z0-9]+_secret_[A-Za-z0-9]+|Authorization\s*[:=]|\bBearer\s+[A-Za-z0-9_]{6,}", RegexOptions.CultureInvariant)]
    private static partial Regex Secret();

    public static long Scanned => Interlocked.Read(ref _scanned);

    public static long Matches => Interlocked.Read(ref _matches);

    public static IReadOnlyList<string> MatchExamples
    {
        get
        {
            lock (Gate)
            {
                return [.. Examples];
            }
        }
    }

    /// <summary>Searches one piece of text that left the kit (a log line, an exception message, a ToString).</summary>
    public static void Scan(string? text, string origin)
    {
        if (string.IsNullOrEmpty(text))
        {
            return;
        }

        Interlocked.Increment(ref _scanned);
        var match = Secret().Match(text);
        if (match.Success)
        {
            Interlocked.Increment(ref _matches);
            lock (Gate)
            {
                if (Examples.Count < 20)
                {
                    // Only the kind of secret and where it came from; the match itself stays out of the report.
                    Examples.Add($"{origin}: {match.Value[..Math.Min(6, match.Value.Length)]}… in \"{text[..Math.Min(200, text.Length)].Replace(match.Value, "<redacted>", StringComparison.Ordinal)}\"");
                }
            }
        }
    }

    /// <summary>Scans an exception, its inner exceptions and its ToString.</summary>
    public static void Scan(Exception? exception, string origin)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            Scan(e.Message, origin + " exception");
        }

        if (exception is not null)
        {
            Scan(exception.ToString(), origin + " exception.ToString");
        }
    }

    /// <summary>Whether the text holds a secret (for the scanner's own tests).</summary>
    public static bool HasSecret(string text) => Secret().IsMatch(text);
}

/// <summary>A logger provider that formats every message at every level and scans it.</summary>
internal sealed class ScanningLoggerProvider : ILoggerProvider
{
    public static ScanningLoggerProvider Instance { get; } = new();

    /// <summary>A file that receives warnings and errors (diagnosing a seed): <c>STK_SIM_LOG</c>.</summary>
    private static readonly string? DebugLog = Environment.GetEnvironmentVariable("STK_SIM_LOG");

    public ILogger CreateLogger(string categoryName) => new ScanningLogger(categoryName);

    public void Dispose()
    {
    }

    private sealed class ScanningLogger(string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

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

            SecretScanner.Scan(message, category);
            if (state is IReadOnlyList<KeyValuePair<string, object?>> values)
            {
                foreach (var (_, value) in values)
                {
                    if (value is string s)
                    {
                        SecretScanner.Scan(s, category + " (structured value)");
                    }
                }
            }

            SecretScanner.Scan(exception, category);
        }
    }
}
