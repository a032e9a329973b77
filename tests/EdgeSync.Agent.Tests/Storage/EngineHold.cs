namespace EdgeSync.Agent.Tests.Storage;

/// <summary>A lock held on a thread of its own until disposed (tests of what must not wait for LiteDB).</summary>
internal sealed class EngineHold : IDisposable
{
    private readonly ManualResetEventSlim _release = new();
    private readonly Thread _holder;

    public EngineHold(Lock engine)
    {
        using var held = new ManualResetEventSlim();
        _holder = new Thread(() =>
        {
            lock (engine)
            {
                held.Set();
                _release.Wait();
            }
        }) { IsBackground = true, Name = "engine-hold" };
        _holder.Start();
        held.Wait();
    }

    public void Dispose()
    {
        _release.Set();
        _holder.Join();
        _release.Dispose();
    }
}
