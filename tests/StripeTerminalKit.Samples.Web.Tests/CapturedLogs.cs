using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace StripeTerminalKit.Samples.Web.Tests;

/// <summary>Keeps every log entry the sample writes (after the host's filters), for the log tests.</summary>
public sealed class CapturedLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<LogEntry> _entries = new();

    public IReadOnlyList<LogEntry> Entries => [.. _entries];

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    /// <summary>One entry: its level, category, formatted message and the values of its placeholders.</summary>
    public sealed record LogEntry(LogLevel Level, string Category, string Message, IReadOnlyList<string> Values);

    private sealed class Logger(CapturedLogs owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var values = state is IEnumerable<KeyValuePair<string, object?>> pairs
                ? pairs.Where(p => p.Key != "{OriginalFormat}").Select(p => Convert.ToString(p.Value, System.Globalization.CultureInfo.InvariantCulture) ?? "").ToList()
                : [];
            owner._entries.Enqueue(new LogEntry(logLevel, category, formatter(state, exception), values));
        }
    }
}
