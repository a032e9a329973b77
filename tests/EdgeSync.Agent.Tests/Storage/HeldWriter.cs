using EdgeSync.Agent.Storage;

namespace EdgeSync.Agent.Tests.Storage;

/// <summary>
/// Keeps a <see cref="ReplicaService"/>'s writer inside a batch until released, so that everything
/// queued meanwhile lands in the next batch, and continuations attach before their write completes.
/// </summary>
internal sealed class HeldWriter : IDisposable
{
    private readonly ManualResetEventSlim _running = new();
    private readonly ManualResetEventSlim _release = new();
    private readonly TimeSpan _deadline;

    private HeldWriter(ReplicaService service, TimeSpan deadline)
    {
        _deadline = deadline;
        Batch = service.WriteAsync(_ =>
        {
            _running.Set();
            return _release.Wait(deadline);
        });
    }

    /// <summary>The held batch: true once it was released (not timed out).</summary>
    public Task<bool> Batch { get; }

    public static HeldWriter Hold(ReplicaService service, TimeSpan deadline)
    {
        var held = new HeldWriter(service, deadline);
        Assert.True(held._running.Wait(deadline), "the writer never started the held batch");
        return held;
    }

    public void Release() => _release.Set();

    public void Dispose()
    {
        _release.Set();
        Batch.Wait(_deadline); // the writer is out of the events before they go
        _running.Dispose();
        _release.Dispose();
    }
}
