namespace EdgeSync.Agent.Tests.Process;

/// <summary>One agent shared by the HTTP and CLI tests (they use distinct keys).</summary>
public sealed class AgentFixture : IAsyncLifetime
{
    private readonly TempDir _dir = new();

    public AgentProcess Agent { get; private set; } = null!;

    public HttpClient Http => Agent.Http;

    public async Task InitializeAsync() => Agent = await AgentProcess.StartAsync(_dir.Path);

    public async Task DisposeAsync()
    {
        await Agent.DisposeAsync();
        _dir.Dispose();
    }
}
