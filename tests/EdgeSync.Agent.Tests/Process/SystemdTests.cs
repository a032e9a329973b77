using System.Net.Sockets;
using System.Text;

namespace EdgeSync.Agent.Tests.Process;

/// <summary>
/// The test plays systemd: the agent's parent process is named "systemd" (a copy of sh) and
/// NOTIFY_SOCKET is our datagram socket. The agent must say READY=1 once serving, beat
/// WATCHDOG=1 every WATCHDOG_USEC/2, and say STOPPING=1 on SIGTERM.
/// </summary>
public sealed class SystemdTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Notifies_ready_watchdog_and_stopping()
    {
        var fakeSystemd = Path.Combine(_dir.Path, "systemd");
        File.Copy("/bin/sh", fakeSystemd);
        var socketPath = Path.Combine(_dir.Path, "notify.sock");
        using var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(socketPath));

        var port = FreePort.Next();
        var data = Path.Combine(_dir.Path, "data");

        // "; exit $?" keeps sh from exec-ing dotnet, so sh (named systemd) stays the parent.
        var command = $"exec 2>&1; dotnet '{AgentBinary.Path}' run --node-id sd --data-dir '{data}' --api 127.0.0.1:{port} & child=$!; trap 'kill -TERM $child' TERM; wait $child; wait $child; exit $?";
        var psi = new System.Diagnostics.ProcessStartInfo(fakeSystemd) { RedirectStandardOutput = true, UseShellExecute = false };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(command);
        psi.Environment["NOTIFY_SOCKET"] = socketPath;
        psi.Environment["WATCHDOG_USEC"] = "400000";
        psi.Environment["EDGESYNC_Store__Engine"] = "memory";
        using var shell = System.Diagnostics.Process.Start(psi)!;
        try
        {
            var seen = new List<string>();
            await ReceiveUntilAsync(socket, seen, "READY=1");
            await ReceiveUntilAsync(socket, seen, "WATCHDOG=1");
            await ReceiveUntilAsync(socket, seen, "WATCHDOG=1");
            using (var http = new HttpClient())
            {
                Assert.True((await http.GetAsync($"http://127.0.0.1:{port}/healthz")).IsSuccessStatusCode);
            }

            using (var term = System.Diagnostics.Process.Start("kill", ["-TERM", shell.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await term.WaitForExitAsync();
            }

            await ReceiveUntilAsync(socket, seen, "STOPPING=1");
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await shell.WaitForExitAsync(cts.Token);
            Assert.Equal(0, shell.ExitCode);
        }
        finally
        {
            shell.Kill(entireProcessTree: true);
        }
    }

    private static async Task ReceiveUntilAsync(Socket socket, List<string> seen, string wanted)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var buffer = new byte[4096];
        while (true)
        {
            int n;
            try
            {
                n = await socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"no {wanted} from the agent; got: {string.Join(" | ", seen)}");
            }

            var message = Encoding.UTF8.GetString(buffer, 0, n);
            seen.Add(message);
            if (message.Split('\n').Contains(wanted))
            {
                return;
            }
        }
    }
}
