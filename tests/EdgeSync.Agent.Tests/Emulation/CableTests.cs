using System.Net;
using System.Net.Sockets;
using EdgeSync.Agent.Emulation;
using EdgeSync.Agent.Tests.Support;

namespace EdgeSync.Agent.Tests.Emulation;

/// <summary>The emulator's cable against a loopback echo server: pull holds traffic silently, plug releases it, cut resets.</summary>
public sealed class CableTests : IAsyncLifetime
{
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(300);

    private readonly TcpListener _echo = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private Task _server = Task.CompletedTask;
    private Cable _cable = null!;

    public Task InitializeAsync()
    {
        _echo.Start();
        _server = Task.Run(EchoLoopAsync);
        _cable = new Cable(((IPEndPoint)_echo.LocalEndpoint).Port);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _cable.DisposeAsync();
        await _stop.CancelAsync();
        _echo.Stop();
        await _server;
        _stop.Dispose();
    }

    [Fact]
    public async Task Plugged_cable_forwards_both_ways()
    {
        using var client = await ConnectAsync();
        Assert.Equal("hello", await RoundTripAsync(client, "hello"));
        Assert.False(_cable.IsPulled);

        // The cable counts a chunk once its send returned, which can be just after the echo arrived here.
        await Eventually.TrueAsync(() => _cable.BytesForwarded >= 10, "both directions counted");
    }

    [Fact]
    public async Task Pulled_cable_holds_bytes_silently_and_plug_delivers_them()
    {
        using var client = await ConnectAsync();
        Assert.Equal("before", await RoundTripAsync(client, "before"));

        _cable.Pull();
        Assert.True(_cable.IsPulled);
        await client.SendAsync("during"u8.ToArray(), SocketFlags.None);
        var buffer = new byte[64];
        using (var quiet = new CancellationTokenSource(Quiet))
        {
            // Nothing comes back and the socket is not closed: nobody is told the cable is out.
            await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await client.ReceiveAsync(buffer, SocketFlags.None, quiet.Token));
        }

        Assert.True(client.Connected);
        _cable.Plug();
        Assert.Equal("during", await ReceiveTextAsync(client, 6));
    }

    [Fact]
    public async Task A_connection_made_while_pulled_goes_nowhere_until_plugged()
    {
        _cable.Pull();
        using var client = await ConnectAsync();
        await client.SendAsync("late"u8.ToArray(), SocketFlags.None);
        var buffer = new byte[16];
        using (var quiet = new CancellationTokenSource(Quiet))
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await client.ReceiveAsync(buffer, SocketFlags.None, quiet.Token));
        }

        _cable.Plug();
        Assert.Equal("late", await ReceiveTextAsync(client, 4));
    }

    [Fact]
    public async Task Cut_resets_the_connection_and_the_next_one_works()
    {
        using var first = await ConnectAsync();
        Assert.Equal("x", await RoundTripAsync(first, "x"));
        await Eventually.TrueAsync(() => _cable.Connections == 1, "the cable counts its connection");
        _cable.Cut();
        var buffer = new byte[8];
        using var deadline = new CancellationTokenSource(Eventually.Default);
        try
        {
            var n = await first.ReceiveAsync(buffer, SocketFlags.None, deadline.Token);
            Assert.Equal(0, n);
        }
        catch (SocketException e)
        {
            Assert.Equal(SocketError.ConnectionReset, e.SocketErrorCode);
        }

        await Eventually.TrueAsync(() => _cable.Connections == 0, "the cut connection is forgotten");
        using var second = await ConnectAsync();
        Assert.Equal("again", await RoundTripAsync(second, "again"));
    }

    private async Task<Socket> ConnectAsync()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, _cable.Port));
        return socket;
    }

    private static async Task<string> RoundTripAsync(Socket socket, string text)
    {
        await socket.SendAsync(System.Text.Encoding.ASCII.GetBytes(text), SocketFlags.None);
        return await ReceiveTextAsync(socket, text.Length);
    }

    private static async Task<string> ReceiveTextAsync(Socket socket, int length)
    {
        var buffer = new byte[length];
        var read = 0;
        using var deadline = new CancellationTokenSource(Eventually.Default);
        while (read < length)
        {
            var n = await socket.ReceiveAsync(buffer.AsMemory(read), SocketFlags.None, deadline.Token);
            Assert.NotEqual(0, n);
            read += n;
        }

        return System.Text.Encoding.ASCII.GetString(buffer);
    }

    private async Task EchoLoopAsync()
    {
        var clients = new List<Task>();
        try
        {
            while (true)
            {
                var socket = await _echo.AcceptSocketAsync(_stop.Token);
                clients.Add(Task.Run(async () =>
                {
                    using (socket)
                    {
                        var buffer = new byte[1024];
                        try
                        {
                            int n;
                            while ((n = await socket.ReceiveAsync(buffer, SocketFlags.None, _stop.Token)) > 0)
                            {
                                await socket.SendAsync(buffer.AsMemory(0, n), SocketFlags.None, _stop.Token);
                            }
                        }
                        catch (Exception e) when (e is SocketException or OperationCanceledException)
                        {
                            // The cable reset it, or the test is over.
                        }
                    }
                }));
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopped.
        }

        await Task.WhenAll(clients);
    }
}
