using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using EdgeSync.Agent.Tests.Support;

namespace EdgeSync.Agent.Tests.Security;

/// <summary>
/// A real Mosquitto with TLS only (certificates made by the test), a password file and an ACL that
/// keeps every user inside its own fleet — the configuration the README recommends, generated here.
/// </summary>
public sealed class SecureMosquitto : IAsyncDisposable
{
    public const string Fleet = "secure";

    private System.Diagnostics.Process? _process;

    private SecureMosquitto(string dir, TestCertificates certs, int port)
    {
        Dir = dir;
        Certs = certs;
        Port = port;
    }

    public string Dir { get; }
    public TestCertificates Certs { get; }
    public int Port { get; }
    public string Url => $"mqtts://127.0.0.1:{Port}";
    public string ConfigFile => Path.Combine(Dir, "mosquitto.conf");
    public string PasswordFile => Path.Combine(Dir, "passwd");
    public string AclFile => Path.Combine(Dir, "acl");
    public string LogFile => Path.Combine(Dir, "mosquitto.log");

    /// <summary>Users: each node (n1..n3, password "pw-{node}"), and "intruder" (a valid broker account with fleet ACL rights but no fleet key).</summary>
    public static Task<SecureMosquitto> StartAsync(string dir, params string[] users) => StartAsync(dir, requireCertificate: false, users);

    /// <summary>With <paramref name="requireCertificate"/>, clients must also present a certificate signed by the test CA.</summary>
    public static async Task<SecureMosquitto> StartAsync(string dir, bool requireCertificate, params string[] users)
    {
        var certs = TestCertificates.Create(Path.Combine(dir, "certs"));
        var broker = new SecureMosquitto(dir, certs, EdgeSync.Agent.Tests.Process.FreePort.Next());
        await broker.WriteConfigAsync(users, requireCertificate);
        broker.Start();
        await broker.WaitForListenerAsync(TimeSpan.FromSeconds(10));
        return broker;
    }

    public static string PasswordOf(string user) => "pw-" + user;

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false } p)
        {
            p.Kill();
            await p.WaitForExitAsync();
        }

        _process?.Dispose();
    }

    /// <summary>Runs mosquitto_pub over TLS as <paramref name="user"/>; returns exit code and output.</summary>
    public async Task<(int Exit, string Output)> PublishAsync(string user, string topic, string payloadFile)
    {
        var start = new ProcessStartInfo("mosquitto_pub",
            ["-h", "127.0.0.1", "-p", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--cafile", Certs.CaFile,
             "-u", user, "-P", PasswordOf(user), "-i", user, "-q", "1", "-t", topic, "-f", payloadFile])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = System.Diagnostics.Process.Start(start)!;
        var output = await process.StandardError.ReadToEndAsync() + await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, output);
    }

    private async Task WriteConfigAsync(string[] users, bool requireCertificate)
    {
        await File.WriteAllTextAsync(PasswordFile, "");
        foreach (var user in users)
        {
            using var passwd = System.Diagnostics.Process.Start(new ProcessStartInfo("mosquitto_passwd", ["-b", PasswordFile, user, PasswordOf(user)]) { RedirectStandardError = true })!;
            await passwd.WaitForExitAsync();
            Assert.True(passwd.ExitCode == 0, "mosquitto_passwd failed: " + await passwd.StandardError.ReadToEndAsync());
        }

        await File.WriteAllTextAsync(AclFile, AclText());
        await File.WriteAllTextAsync(ConfigFile, $"""
            per_listener_settings false
            allow_anonymous false
            password_file {PasswordFile}
            acl_file {AclFile}
            persistence false
            set_tcp_nodelay true
            log_dest file {LogFile}
            log_type error
            log_type warning
            log_type notice

            listener {Port} 127.0.0.1
            cafile {Certs.CaFile}
            certfile {Certs.ServerCertFile}
            keyfile {Certs.ServerKeyFile}
            tls_version tlsv1.2
            require_certificate {(requireCertificate ? "true" : "false")}

            """);
    }

    /// <summary>
    /// The README's ACL: every account reads its fleet, and writes only topics that name its own client
    /// id (= Node:Id) as the sender, plus the fleet's two retained topics.
    /// </summary>
    public static string AclText() => $"""
        pattern read edgesync/{Fleet}/#
        pattern write edgesync/{Fleet}/push/%c
        pattern write edgesync/{Fleet}/heartbeat/%c
        pattern write edgesync/{Fleet}/election/%c
        pattern write edgesync/{Fleet}/presence/%c
        pattern write edgesync/{Fleet}/probe/%c
        pattern write edgesync/{Fleet}/to/+/+/%c
        pattern write edgesync/{Fleet}/leader
        pattern write edgesync/{Fleet}/stable

        """;

    private void Start()
    {
        var start = new ProcessStartInfo(MosquittoBroker.Executable, ["-c", ConfigFile])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        _process = System.Diagnostics.Process.Start(start) ?? throw new InvalidOperationException("could not start mosquitto");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    private Task WaitForListenerAsync(TimeSpan timeout) => Listener.WaitForProcessAsync(Port, _process, LogFile, timeout);
}
