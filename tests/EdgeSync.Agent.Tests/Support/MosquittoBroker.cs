using System.Diagnostics;

namespace EdgeSync.Agent.Tests.Support;

/// <summary>
/// A real Mosquitto on a free loopback port with a throw-away config: anonymous, no persistence (a kill
/// loses every session, as a broker crash does), TCP_NODELAY on (Nagle costs tens of ms per round trip).
/// </summary>
public sealed class MosquittoBroker : TestBroker
{
    private static readonly string[] Candidates = ["/usr/sbin/mosquitto", "/usr/bin/mosquitto", "/usr/local/sbin/mosquitto"];
    private readonly string _dir = Directory.CreateTempSubdirectory("edgesync-mosquitto-").FullName;
    private int _port;
    private System.Diagnostics.Process? _process;

    public override int Port => _port;

    public string LogFile => Path.Combine(_dir, "mosquitto.log");

    public static string Executable =>
        Candidates.FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException("mosquitto is not installed: run `sudo apt-get install -y mosquitto`.");

    public override async Task StartAsync()
    {
        if (_process is { HasExited: false })
            return;
        if (_port == 0)
            _port = Process.FreePort.Next();
        var config = Path.Combine(_dir, "mosquitto.conf");
        await File.WriteAllTextAsync(config, $"""
            listener {_port} 127.0.0.1
            allow_anonymous true
            set_tcp_nodelay true
            persistence false
            max_queued_messages 10000
            log_dest file {LogFile}
            log_type error
            log_type warning
            """);
        var start = new ProcessStartInfo(Executable, ["-c", config])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        _process = System.Diagnostics.Process.Start(start) ?? throw new InvalidOperationException("could not start mosquitto");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        await WaitForListenerAsync(TimeSpan.FromSeconds(10));
    }

    public override async Task KillAsync()
    {
        var process = _process;
        _process = null;
        if (process is null)
            return;
        if (!process.HasExited)
        {
            process.Kill();
            await process.WaitForExitAsync();
        }

        process.Dispose();
    }

    public override async ValueTask DisposeAsync()
    {
        await KillAsync();
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private Task WaitForListenerAsync(TimeSpan timeout) => Listener.WaitForProcessAsync(_port, _process, LogFile, timeout);
}
