namespace EdgeSync.Core.Sync;

/// <summary>Counters of the sync engine, for metrics and benchmarks. Updated under the engine's lock.</summary>
public sealed class SyncStats
{
    public long MessagesSent;
    public long BytesSent;
    public long PushesSent; // local writes pushed (not quorum or all writes: their replicate requests carry them)
    public long PushMessagesSent; // messages carrying them (one per committed batch, or more when large)
    public long Rounds;
    public long ExchangesPutOff; // own rounds and answers put off while received pushes were still being applied
    public long DeltaStatesReceived;
    public long DeltaExchangesCompleted;
    public long DigestChecks;
    public long DigestDescents;
    public long RepairStatesReceived;
    public long RateLimited;
    public long Ignored;
    public long Errors;
    public long TombstonesPurged;
    public long ReadRepairs;
}
