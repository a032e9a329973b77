using System.Collections.Concurrent;
using EdgeSync.Core.Store;
using EdgeSync.Core.Sync;

namespace EdgeSync.Agent.Storage;

/// <summary>
/// The single writer in front of a <see cref="Replica"/>. Concurrent callers queue operations;
/// one dedicated thread (LiteDB transactions are thread-bound) runs whatever has queued up as
/// one batch and commits it once, so one fsync covers many writes (group commit). A caller's
/// task completes only after its batch is durable. Reads run under the same gate, between
/// batches, so they never see half a batch.
/// </summary>
public sealed class ReplicaService : IReplicaAccess, IDisposable
{
    private const int MaxBatch = 512;

    private readonly BlockingCollection<IPendingOp> _queue = new();
    private readonly Lock _gate = new();
    private readonly Thread _writer;
    private readonly List<ReplicaChange> _batchChanges = [];
    private Exception? _fault;
    private long _batches;
    private long _operations;

    public ReplicaService(Replica replica)
    {
        Replica = replica;
        replica.Changed += _batchChanges.Add;
        _writer = new Thread(WriterLoop) { IsBackground = true, Name = "edgesync-writer" };
        _writer.Start();
    }

    /// <summary>Only touch inside <see cref="Read{T}"/> or a write operation.</summary>
    public Replica Replica { get; }

    /// <summary>Raised on the writer thread once after each durable batch that changed something, with its changes in order.</summary>
    public event Action<IReadOnlyList<ReplicaChange>>? Committed;

    /// <summary>
    /// Raised after every committed batch, also one without key changes (a coverage merge grows
    /// the applied set silently): session waits re-check on it.
    /// </summary>
    public event Action? BatchCommitted;

    /// <summary>Batches committed so far (each one commit, so at most one fsync). Readable from any thread.</summary>
    public long Batches => Interlocked.Read(ref _batches);

    /// <summary>Operations run in those batches; Operations / Batches is the group-commit factor.</summary>
    public long Operations => Interlocked.Read(ref _operations);

    public Task<T> WriteAsync<T>(Func<Replica, T> operation)
    {
        if (_fault is not null)
        {
            return Task.FromException<T>(new InvalidOperationException("The store failed and accepts no more writes.", _fault));
        }

        var op = new PendingOp<T>(operation);
        try
        {
            _queue.Add(op);
        }
        catch (InvalidOperationException)
        {
            return Task.FromException<T>(new ObjectDisposedException(nameof(ReplicaService)));
        }

        return op.Task;
    }

    public T Read<T>(Func<Replica, T> read)
    {
        lock (_gate)
        {
            return read(Replica);
        }
    }

    public void Dispose()
    {
        _queue.CompleteAdding();
        if (Thread.CurrentThread != _writer)
        {
            _writer.Join();
        }

        _queue.Dispose();
    }

    private void WriterLoop()
    {
        var batch = new List<IPendingOp>(MaxBatch);
        foreach (var first in _queue.GetConsumingEnumerable())
        {
            batch.Add(first);
            while (batch.Count < MaxBatch && _queue.TryTake(out var more))
            {
                batch.Add(more);
            }

            List<ReplicaChange> changes;
            lock (_gate)
            {
                foreach (var op in batch)
                {
                    op.Run(Replica);
                }

                try
                {
                    Replica.Commit();
                    Interlocked.Increment(ref _batches);
                    Interlocked.Add(ref _operations, batch.Count);
                }
                catch (Exception e) when (e is IOException or InvalidOperationException or UnauthorizedAccessException)
                {
                    // The in-memory state is now ahead of the disk: refuse everything from here on.
                    _fault = e;
                    foreach (var op in batch)
                    {
                        op.Fail(e);
                    }

                    batch.Clear();
                    _batchChanges.Clear();
                    continue;
                }

                changes = [.. _batchChanges];
                _batchChanges.Clear();
            }

            // Push first, then answer the callers: replication starts before the answers are sent.
            if (changes.Count > 0)
            {
                Committed?.Invoke(changes);
            }

            BatchCommitted?.Invoke();
            foreach (var op in batch)
            {
                op.Complete();
            }

            batch.Clear();
        }
    }

    private interface IPendingOp
    {
        void Run(Replica replica);

        void Complete();

        void Fail(Exception e);
    }

    private sealed class PendingOp<T>(Func<Replica, T> operation) : IPendingOp
    {
        // Continuations go to the thread pool: run inline on the writer thread they would delay the
        // next batch, and one that disposes the service would pull the queue from under the loop.
        private readonly TaskCompletionSource<T> _tcs = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private T? _result;
        private Exception? _error;

        public Task<T> Task => _tcs.Task;

        public void Run(Replica replica)
        {
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

        public void Fail(Exception e) => _tcs.TrySetException(e);
    }
}
