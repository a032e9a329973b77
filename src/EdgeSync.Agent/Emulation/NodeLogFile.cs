namespace EdgeSync.Agent.Emulation;

/// <summary>
/// An emulated node's log, appended to <c>agent.log</c> in its data directory: the terminal belongs
/// to the dashboard (or the script's result lines), and N agents' logs interleaved would be noise.
/// </summary>
public sealed class NodeLogFile : ILoggerProvider
{
    private readonly StreamWriter _writer;
    private readonly Lock _gate = new();
    private bool _disposed;

    public NodeLogFile(string path)
    {
        _writer = new StreamWriter(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite)) { AutoFlush = true };
    }

    public ILogger CreateLogger(string categoryName) => new FileLogger(this, categoryName);

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            _writer.Dispose();
        }
    }

    private void Write(LogLevel level, string category, string message, Exception? error)
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _writer.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} {level.ToString()[..4].ToLowerInvariant()}: {category}: {message}{(error is null ? "" : " " + error)}");
        }
    }

    private sealed class FileLogger(NodeLogFile file, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                file.Write(logLevel, category, formatter(state, exception), exception);
            }
        }
    }
}
