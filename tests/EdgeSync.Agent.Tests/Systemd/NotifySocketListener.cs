using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace EdgeSync.Agent.Tests.Systemd;

/// <summary>
/// Plays systemd's side of sd_notify: a Unix datagram socket bound in a temp directory (or in the
/// abstract namespace) whose address goes into NOTIFY_SOCKET. Each datagram is one message.
/// </summary>
public sealed class NotifySocketListener : IDisposable
{
    private readonly Socket _socket;
    private readonly string? _directory;

    private NotifySocketListener(Socket socket, string address, string? directory)
    {
        _socket = socket;
        Address = address;
        _directory = directory;
    }

    /// <summary>The value to put into NOTIFY_SOCKET.</summary>
    public string Address { get; }

    public static NotifySocketListener InTempDirectory()
    {
        var directory = Path.Combine(Path.GetTempPath(), "edgesync-notify-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, "notify.sock");
        var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(path));
        return new NotifySocketListener(socket, path, directory);
    }

    public static NotifySocketListener InAbstractNamespace()
    {
        var name = "edgesync-notify-" + Guid.NewGuid().ToString("N");
        var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint("\0" + name));
        return new NotifySocketListener(socket, "@" + name, null);
    }

    /// <summary>The next datagram with the time it was read, or null if none came within <paramref name="timeout"/>.</summary>
    public (string Message, long Timestamp)? Receive(TimeSpan timeout)
    {
        var micros = (int)Math.Clamp(timeout.TotalMicroseconds, 0, int.MaxValue);
        if (!_socket.Poll(micros, SelectMode.SelectRead))
        {
            return null;
        }

        var buffer = new byte[4096];
        var n = _socket.Receive(buffer);
        return (Encoding.UTF8.GetString(buffer, 0, n), Stopwatch.GetTimestamp());
    }

    /// <summary>Reads until a message satisfies <paramref name="match"/>; fails the test at the deadline.</summary>
    public (string Message, long Timestamp) WaitFor(Func<string, bool> match, TimeSpan deadline, List<string>? seen = null)
    {
        var until = Stopwatch.GetTimestamp() + (long)(deadline.TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            var left = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), until);
            if (left <= TimeSpan.Zero)
            {
                break;
            }

            if (Receive(left) is { } received)
            {
                seen?.Add(received.Message);
                if (match(received.Message))
                {
                    return received;
                }
            }
        }

        throw new Xunit.Sdk.XunitException($"no matching notify message within {deadline}; seen: [{string.Join(" | ", seen ?? [])}]");
    }

    public static bool HasLine(string message, string line) =>
        message.Split('\n').Contains(line, StringComparer.Ordinal);

    public void Dispose()
    {
        _socket.Dispose();
        if (_directory is not null)
        {
            Directory.Delete(_directory, recursive: true);
        }
    }
}
