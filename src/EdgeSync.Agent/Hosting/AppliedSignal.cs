using EdgeSync.Agent.Storage;

namespace EdgeSync.Agent.Hosting;

/// <summary>Completes waiters whenever a batch commits (changes or a coverage merge), so session waits wake on new updates.</summary>
public sealed class AppliedSignal : IDisposable
{
    private readonly ReplicaService _store;
    private TaskCompletionSource _next = NewSource();

    public AppliedSignal(ReplicaService store)
    {
        _store = store;
        store.BatchCommitted += OnCommitted;
    }

    /// <summary>A task that completes at the next commit.</summary>
    public Task Next => Volatile.Read(ref _next).Task;

    public void Dispose() => _store.BatchCommitted -= OnCommitted;

    private void OnCommitted() =>
        Interlocked.Exchange(ref _next, NewSource()).TrySetResult();

    private static TaskCompletionSource NewSource() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
