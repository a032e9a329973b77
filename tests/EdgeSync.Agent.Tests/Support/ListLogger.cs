using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace EdgeSync.Agent.Tests.Support;

/// <summary>Collects log lines so a failing test can show what the component saw.</summary>
public sealed class ListLogger(string name) : ILogger
{
    private readonly ConcurrentQueue<string> _lines = new();

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        _lines.Enqueue($"{DateTime.UtcNow:HH:mm:ss.fff} {name} {logLevel}: {formatter(state, exception)}{(exception is null ? "" : " " + exception.Message)}");

    public override string ToString() => string.Join(Environment.NewLine, _lines);
}
