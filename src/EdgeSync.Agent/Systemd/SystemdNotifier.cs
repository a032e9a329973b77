using System.Net.Sockets;
using System.Text;

namespace EdgeSync.Agent.Systemd;

/// <summary>
/// The sending side of sd_notify(3): one datagram per state change to the Unix socket that
/// systemd names in <c>NOTIFY_SOCKET</c> (a path, or <c>@name</c> in the abstract namespace).
/// Used whenever <c>NOTIFY_SOCKET</c> is set — unlike <c>UseSystemd()</c>, which only switches on
/// when the parent process is systemd and never sends WATCHDOG=1 — so a test can play systemd.
/// Sends never block (a full socket queue drops the message and counts it): the main loop sends
/// through here and must never hang on systemd.
/// </summary>
public sealed class SystemdNotifier : IDisposable
{
    public const string EnvironmentVariable = "NOTIFY_SOCKET";

    private readonly Socket? _socket;
    private readonly UnixDomainSocketEndPoint? _endpoint;
    private long _sent;
    private long _failed;

    /// <param name="notifySocket">The value of NOTIFY_SOCKET; null or empty disables the notifier.</param>
    public SystemdNotifier(string? notifySocket)
    {
        if (string.IsNullOrEmpty(notifySocket))
        {
            return;
        }

        Address = notifySocket;
        if (!TryParseEndPoint(notifySocket, out _endpoint, out var problem))
        {
            Problem = problem;
            return;
        }

        _socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified) { Blocking = false };
    }

    /// <summary>True when NOTIFY_SOCKET named a socket we can send to.</summary>
    public bool IsEnabled => _socket is not null;

    /// <summary>The NOTIFY_SOCKET value as given, or null.</summary>
    public string? Address { get; }

    /// <summary>Why a set NOTIFY_SOCKET was not usable (for one warning at start-up), or null.</summary>
    public string? Problem { get; }

    /// <summary>Datagrams sent and datagrams that could not be sent (queue full, nobody listening).</summary>
    public long Sent => Interlocked.Read(ref _sent);

    public long Failed => Interlocked.Read(ref _failed);

    public static SystemdNotifier FromEnvironment() =>
        new(Environment.GetEnvironmentVariable(EnvironmentVariable));

    /// <summary>READY=1, with an optional one-line STATUS= that <c>systemctl status</c> shows.</summary>
    public bool NotifyReady(string? status = null) =>
        Notify(status is null ? "READY=1" : $"READY=1\nSTATUS={OneLine(status)}");

    public bool NotifyStopping(string? status = null) =>
        Notify(status is null ? "STOPPING=1" : $"STOPPING=1\nSTATUS={OneLine(status)}");

    public bool NotifyWatchdog() => Notify("WATCHDOG=1");

    public bool NotifyStatus(string status) => Notify($"STATUS={OneLine(status)}");

    /// <summary>Sends newline-separated assignments as one datagram. False when disabled or not sent.</summary>
    public bool Notify(string state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (_socket is null || _endpoint is null)
        {
            return false;
        }

        try
        {
            _socket.SendTo(Encoding.UTF8.GetBytes(state), SocketFlags.None, _endpoint);
            Interlocked.Increment(ref _sent);
            return true;
        }
        catch (SocketException)
        {
            // systemd gone (stopping) or its queue full: nothing useful to do but count it.
            Interlocked.Increment(ref _failed);
            return false;
        }
        catch (ObjectDisposedException)
        {
            return false;
        }
    }

    public void Dispose() => _socket?.Dispose();

    /// <summary>Accepts an absolute path or <c>@name</c> (abstract namespace, as systemd writes it).</summary>
    public static bool TryParseEndPoint(string value, out UnixDomainSocketEndPoint? endpoint, out string? problem)
    {
        endpoint = null;
        problem = null;
        string path;
        if (value.StartsWith('@') && value.Length > 1)
        {
            path = "\0" + value[1..];
        }
        else if (value.StartsWith('/'))
        {
            path = value;
        }
        else
        {
            problem = $"NOTIFY_SOCKET '{value}' is neither an absolute path nor an @abstract socket name";
            return false;
        }

        try
        {
            endpoint = new UnixDomainSocketEndPoint(path);
            return true;
        }
        catch (ArgumentException e)
        {
            problem = $"NOTIFY_SOCKET '{value}' is not a usable socket address: {e.Message}";
            return false;
        }
    }

    // A newline would start a new assignment in the datagram.
    private static string OneLine(string text) => text.ReplaceLineEndings(" ");
}
