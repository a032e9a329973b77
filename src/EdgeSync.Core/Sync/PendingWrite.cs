using EdgeSync.Core.Store;

namespace EdgeSync.Core.Sync;

/// <summary>One caller's write in a group-commit queue, with the task the caller awaits.</summary>
/// <param name="operation">What to run inside the batch.</param>
/// <param name="continueAsynchronously">
/// Whether the caller's continuation goes to the thread pool. A real writer thread wants that by
/// default: a continuation run inline delays the next batch, and one that disposes the writer would
/// pull the queue from under it. Inline suits a single-threaded simulation, and a caller whose
/// continuation is short and never blocks (an HTTP answer), which saves a thread wake-up.
/// </param>
public sealed class PendingWrite<T>(Func<Replica, T> operation, bool continueAsynchronously) : IPendingWrite
{
    private readonly TaskCompletionSource<T> _tcs = new(continueAsynchronously ? TaskCreationOptions.RunContinuationsAsynchronously : TaskCreationOptions.None);
    private int _claimed;
    private T? _result;
    private Exception? _error;

    public Task<T> Task => _tcs.Task;

    public bool TryClaim() => Interlocked.Exchange(ref _claimed, 1) == 0;

    public void Run(Replica replica)
    {
        ArgumentNullException.ThrowIfNull(replica);
        try
        {
            _result = operation(replica);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            _error = e;
        }
    }

    public void Complete()
    {
        if (_error is not null)
        {
            _tcs.TrySetException(_error);
        }
        else
        {
            _tcs.TrySetResult(_result!);
        }
    }

    public void Fail(Exception error) => _tcs.TrySetException(error);
}
