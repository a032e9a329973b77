using Microsoft.Extensions.Logging;

namespace EdgeSync.Agent.Tests.Gpio;

/// <summary>Keeps every formatted log line with its level.</summary>
internal sealed class RecordingLogger : ILogger<EdgeSync.Agent.Gpio.LedService>
{
    private readonly Lock _gate = new();
    private readonly List<(LogLevel Level, string Text)> _lines = [];

    public List<(LogLevel Level, string Text)> Lines
    {
        get
        {
            lock (_gate)
            {
                return [.. _lines];
            }
        }
    }

    public List<string> Warnings => Lines.Where(l => l.Level >= LogLevel.Warning).Select(l => l.Text).ToList();

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        lock (_gate)
        {
            _lines.Add((logLevel, formatter(state, exception)));
        }
    }
}
