using System.Net;
using System.Net.Sockets;

namespace EdgeSync.Agent.Tests.Support;

/// <summary>
/// A loopback TCP proxy standing in for a node's network cable. <see cref="Pull"/> makes every byte
/// vanish in both directions while all sockets stay open (a pulled cable or a dead switch: nobody is
/// told); <see cref="Cut"/> resets every connection (RST, the peer is told at once); <see cref="Plug"/>
/// lets traffic flow again, including what was held back — like TCP retransmitting after a re-plug.
/// </summary>
public sealed class TcpProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly IPEndPoint _target;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Socket> _sockets = [];
    private readonly Lock _lock = new();
    private TaskCompletionSource _plugged = Completed();
    private Task? _accept;

    public TcpProxy(int targetPort)
    {
        _target = new IPEndPoint(IPAddress.Loopback, targetPort);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _accept = Task.Run(AcceptLoopAsync);
    }

    public int Port { get; }
    public int Accepted { get; private set; }
    public bool IsPulled => !_plugged.Task.IsCompleted;

    /// <summary>Silently stop forwarding (both ways, existing and new connections).</summary>
    public void Pull()
    {
        lock (_lock)
        {
            if (_plugged.Task.IsCompleted)
                _plugged = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    /// <summary>Forward again, held-back bytes first.</summary>
    public void Plug()
    {
        lock (_lock)
            _plugged.TrySetResult();
    }

    /// <summary>Reset every current connection on both sides; new connections are still accepted.</summary>
    public void Cut()
    {
        lock (_lock)
        {
            foreach (var socket in _sockets)
            {
                try
                {
                    socket.LingerState = new LingerOption(true, 0); // close with RST
                    socket.Close();
                }
                catch (ObjectDisposedException)
                {
                }
            }

            _sockets.Clear();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        Plug();
        Cut();
        if (_accept is not null)
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
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            var upstream = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            client.NoDelay = true;
            try
            {
                await upstream.ConnectAsync(_target, _stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException)
            {
                client.LingerState = new LingerOption(true, 0);
                client.Close();
                upstream.Dispose();
                continue;
            }

            lock (_lock)
            {
                _sockets.Add(client);
                _sockets.Add(upstream);
                Accepted++;
            }

            _ = PumpAsync(client, upstream);
            _ = PumpAsync(upstream, client);
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
                    gate = _plugged.Task;
                await gate; // while pulled, bytes (and the end of the stream) are held back
                if (n == 0)
                {
                    to.Shutdown(SocketShutdown.Send);
                    return;
                }

                await to.SendAsync(buffer.AsMemory(0, n), SocketFlags.None);
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // One side was reset or cut: pass the reset on.
            try
            {
                to.LingerState = new LingerOption(true, 0);
                to.Close();
            }
            catch (ObjectDisposedException)
            {
            }
        }
    }

    private static TaskCompletionSource Completed()
    {
        var tcs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        tcs.SetResult();
        return tcs;
    }
}
