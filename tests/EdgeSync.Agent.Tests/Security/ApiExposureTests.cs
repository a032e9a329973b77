using EdgeSync.Agent.Config;
using EdgeSync.Agent.Tests.Process;

namespace EdgeSync.Agent.Tests.Security;

/// <summary>The HTTP API is loopback-only unless a bearer token guards it.</summary>
public sealed class ApiExposureTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData("0.0.0.0:7070")]
    [InlineData("[::]:7070")]
    [InlineData("192.168.1.20:7070")]
    public void A_non_loopback_listen_address_needs_a_token(string listen)
    {
        var api = new ApiSection { Listen = listen };
        Assert.Contains(api.Validate(), e => e.Contains("Api:Token must be set", StringComparison.Ordinal));
        api.Token = "long-enough-token";
        Assert.Empty(api.Validate());
    }

    [Theory]
    [InlineData("127.0.0.1:7070")]
    [InlineData("localhost:7070")]
    [InlineData("[::1]:7070")]
    public void Loopback_needs_no_token(string listen) => Assert.Empty(new ApiSection { Listen = listen }.Validate());

    [Fact]
    public async Task The_agent_refuses_to_start_on_a_public_address_without_a_token()
    {
        var result = await EdgesyncCli.RunAsync("run", "--node-id", "pub", "--data-dir", _dir.Path, "--api", "0.0.0.0:17999");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Api:Token must be set", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Stderr, StringComparison.Ordinal);
    }
}
