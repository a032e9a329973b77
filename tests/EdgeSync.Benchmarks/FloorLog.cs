using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using EdgeSync.Agent.Storage;
using Microsoft.Win32.SafeHandles;

namespace EdgeSync.Benchmarks;

/// <summary>
/// The lag floor's durable queue (see <see cref="FloorPipeline"/>): one thread takes whatever has
/// queued up, appends it to a file as one write, fdatasyncs it and hands the batch to
/// <c>durable</c> on that thread — the agent's group commit with nothing else in it (no store, no
/// causal bookkeeping, no changes feed).
/// </summary>
public sealed class FloorLog : IDisposable
{
    private readonly ConcurrentQueue<(byte[] Data, object? State)> _queue = new();
    private readonly object _signal = new();
    private readonly SafeFileHandle _file;
    private readonly Action<List<(byte[] Data, object? State)>> _durable;
    private readonly Thread _thread;
    private int _sleeping;
    private volatile bool _closed;
    private long _length;

    public FloorLog(string path, Action<List<(byte[] Data, object? State)>> durable)
    {
        _file = File.OpenHandle(path, FileMode.Create, FileAccess.ReadWrite);
        _durable = durable;
        _thread = new Thread(Loop) { IsBackground = true, Name = "floor-log" };
        _thread.Start();
    }

    public void Enqueue(byte[] data, object? state)
    {
        _queue.Enqueue((data, state));
        if (Volatile.Read(ref _sleeping) == 1)
        {
            lock (_signal)
                Monitor.Pulse(_signal);
        }
    }

    public void Dispose()
    {
        _closed = true;
        lock (_signal)
            Monitor.Pulse(_signal);
        _thread.Join();
        _file.Dispose();
    }

    private void Loop()
    {
        var batch = new List<(byte[] Data, object? State)>();
        var buffer = new byte[1 << 16];
        while (true)
        {
            // The same sleep as the agent's writer: flag first, then the last look, no spinning.
            lock (_signal)
            {
                Interlocked.Exchange(ref _sleeping, 1);
                while (_queue.IsEmpty && !_closed)
                    Monitor.Wait(_signal);
                Volatile.Write(ref _sleeping, 0);
            }

            if (_closed)
                return;
            var used = 0;
            while (_queue.TryDequeue(out var entry))
            {
                if (used + entry.Data.Length > buffer.Length)
                    Array.Resize(ref buffer, Math.Max(buffer.Length * 2, used + entry.Data.Length));
                entry.Data.CopyTo(buffer, used);
                used += entry.Data.Length;
                batch.Add(entry);
            }

            RandomAccess.Write(_file, buffer.AsSpan(0, used), _length);
            _length += used;
            if (NativeMethods.Fdatasync(_file) != 0)
                throw new IOException($"fdatasync failed (errno {Marshal.GetLastPInvokeError()})");
            _durable(batch);
            batch.Clear();
        }
    }
}
