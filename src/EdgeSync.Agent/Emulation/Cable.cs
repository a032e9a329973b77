using System.Net;
using System.Net.Sockets;

namespace EdgeSync.Agent.Emulation;

/// <summary>
/// One emulated node's network cable: a loopback TCP proxy between the node and the broker.
/// <see cref="Pull"/> stops every byte in both directions while all sockets stay open — nobody is
/// told, as with a real pulled cable; the bytes wait, as TCP would keep retransmitting them.
/// <see cref="Plug"/> lets traffic flow again, held-back bytes first. <see cref="Cut"/> resets
/// every current connection (what the kernel does to the sockets of a killed process).
/// </summary>
public sealed class Cable : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly IPEndPoint _target;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Socket> _sockets = [];
    private readonly Lock _lock = new();
    private readonly Task _accept;
    private TaskCompletionSource _plugged = Plugged();
    private long _bytes;
    private int _connections;

    public Cable(int targetPort)
    {
        _target = new IPEndPoint(IPAddress.Loopback, targetPort);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _accept = Task.Run(AcceptLoopAsync);
    }

    /// <summary>The node connects here instead of to the broker.</summary>
    public int Port { get; }

    public bool IsPulled
    {
        get
        {
            lock (_lock)
            {
                return !_plugged.Task.IsCompleted;
            }
        }
    }

    /// <summary>Bytes forwarded so far, both ways.</summary>
    public long BytesForwarded => Interlocked.Read(ref _bytes);

    /// <summary>Connections open through the cable right now.</summary>
    public int Connections => Volatile.Read(ref _connections);

    /// <summary>Silently stop forwarding, both ways, on existing and new connections.</summary>
    public void Pull()
    {
        lock (_lock)
        {
            if (_plugged.Task.IsCompleted)
            {
                _plugged = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }
    }

    /// <summary>Forward again, held-back bytes first.</summary>
    public void Plug()
    {
        lock (_lock)
        {
            _plugged.TrySetResult();
        }
    }

    /// <summary>Reset every current connection on both sides (RST); new connections are still accepted.</summary>
    public void Cut()
    {
        lock (_lock)
        {
            foreach (var socket in _sockets)
            {
                Reset(socket);
            }

            _sockets.Clear();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        Cut();
        Plug();
        await _accept.ConfigureAwait(false);
        _stop.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            var upstream = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            client.NoDelay = true;
            try
            {
                await upstream.ConnectAsync(_target, _stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException)
            {
                // The broker is down: the node sees its connection refused, as on a real network.
                Reset(client);
                upstream.Dispose();
                continue;
            }

            lock (_lock)
            {
                _sockets.Add(client);
                _sockets.Add(upstream);
            }

            Interlocked.Increment(ref _connections);
            _ = Task.WhenAll(PumpAsync(client, upstream), PumpAsync(upstream, client))
                .ContinueWith(_ => Forget(client, upstream), TaskScheduler.Default);
        }
    }

    private async Task PumpAsync(Socket from, Socket to)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                var n = await from.ReceiveAsync(buffer, SocketFlags.None);
                Task gate;
                lock (_lock)
                {
                    gate = _plugged.Task;
                }

                await gate; // while pulled, bytes (and the end of the stream) are held back
                if (n == 0)
                {
                    to.Shutdown(SocketShutdown.Send);
                    return;
                }

                await to.SendAsync(buffer.AsMemory(0, n), SocketFlags.None);
                Interlocked.Add(ref _bytes, n);
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // One side was reset or cut: pass the reset on.
            Reset(to);
        }
    }

    private void Forget(Socket a, Socket b)
    {
        lock (_lock)
        {
            _sockets.Remove(a);
            _sockets.Remove(b);
        }

        a.Dispose();
        b.Dispose();
        Interlocked.Decrement(ref _connections);
    }

    private static void Reset(Socket socket)
    {
        try
        {
            socket.LingerState = new LingerOption(true, 0); // close with RST
            socket.Close();
        }
        catch (Exception e) when (e is ObjectDisposedException or SocketException)
        {
            // Already gone.
        }
    }

    private static TaskCompletionSource Plugged()
    {
        var tcs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        tcs.SetResult();
        return tcs;
    }
}
