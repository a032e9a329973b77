using EdgeSync.Agent.Systemd;

namespace EdgeSync.Agent.Tests.Systemd;

public sealed class SystemdNotifierTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(5);

    [Fact]
    public void Ready_with_status_is_one_datagram_on_a_path_socket()
    {
        using var systemd = NotifySocketListener.InTempDirectory();
        using var notifier = new SystemdNotifier(systemd.Address);

        Assert.True(notifier.IsEnabled);
        Assert.True(notifier.NotifyReady("serving on http://127.0.0.1:7070"));

        var (message, _) = systemd.WaitFor(_ => true, Deadline);
        Assert.Equal("READY=1\nSTATUS=serving on http://127.0.0.1:7070", message);
        Assert.Equal(1, notifier.Sent);
    }

    [Fact]
    public void Abstract_namespace_address_with_at_sign_works()
    {
        using var systemd = NotifySocketListener.InAbstractNamespace();
        using var notifier = new SystemdNotifier(systemd.Address);

        Assert.StartsWith("@", systemd.Address, StringComparison.Ordinal);
        Assert.True(notifier.NotifyStopping());

        var (message, _) = systemd.WaitFor(_ => true, Deadline);
        Assert.Equal("STOPPING=1", message);
    }

    [Fact]
    public void A_newline_in_a_status_cannot_inject_another_assignment()
    {
        using var systemd = NotifySocketListener.InTempDirectory();
        using var notifier = new SystemdNotifier(systemd.Address);

        notifier.NotifyStatus("broker down\nREADY=1");

        var (message, _) = systemd.WaitFor(_ => true, Deadline);
        Assert.Equal("STATUS=broker down READY=1", message);
        Assert.False(NotifySocketListener.HasLine(message, "READY=1"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Without_notify_socket_it_is_a_silent_no_op(string? address)
    {
        using var notifier = new SystemdNotifier(address);

        Assert.False(notifier.IsEnabled);
        Assert.Null(notifier.Problem);
        Assert.False(notifier.NotifyReady());
        Assert.Equal(0, notifier.Sent);
    }

    [Theory]
    [InlineData("run/notify")]
    [InlineData("@")]
    [InlineData("vsock:2:1234")]
    public void An_unusable_address_is_reported_not_thrown(string address)
    {
        using var notifier = new SystemdNotifier(address);

        Assert.False(notifier.IsEnabled);
        Assert.Contains(address, notifier.Problem, StringComparison.Ordinal);
        Assert.False(notifier.NotifyWatchdog());
    }

    [Fact]
    public void A_path_too_long_for_a_socket_address_is_reported()
    {
        using var notifier = new SystemdNotifier("/" + new string('x', 200));

        Assert.False(notifier.IsEnabled);
        Assert.NotNull(notifier.Problem);
    }

    [Fact]
    public void Nobody_listening_counts_a_failure_and_does_not_throw()
    {
        var missing = Path.Combine(Path.GetTempPath(), "edgesync-none-" + Guid.NewGuid().ToString("N")[..8], "notify.sock");
        using var notifier = new SystemdNotifier(missing);

        Assert.True(notifier.IsEnabled);
        Assert.False(notifier.NotifyWatchdog());
        Assert.Equal(1, notifier.Failed);
        Assert.Equal(0, notifier.Sent);
    }
}
