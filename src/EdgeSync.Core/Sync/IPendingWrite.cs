using EdgeSync.Core.Store;

namespace EdgeSync.Core.Sync;

/// <summary>
/// A write waiting for a group-commit batch: it runs inside the batch and its caller hears the
/// outcome only once the batch is durable, or that it failed with the batch.
/// </summary>
public interface IPendingWrite
{
    /// <summary>True once, for whoever gets to run or refuse the write; a write claimed to be refused never runs.</summary>
    bool TryClaim();

    /// <summary>Runs the write against the replica; its result or exception is kept for <see cref="Complete"/>.</summary>
    void Run(Replica replica);

    /// <summary>The batch is durable: hand the caller the kept result or exception.</summary>
    void Complete();

    /// <summary>The write will not be (or was not) committed.</summary>
    void Fail(Exception error);
}
