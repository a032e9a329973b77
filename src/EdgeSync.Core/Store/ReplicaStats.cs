namespace EdgeSync.Core.Store;

/// <summary>Counters the replica keeps for metrics. Written by the single writer, read by anyone.</summary>
public sealed class ReplicaStats
{
    public long LocalWrites;
    public long RemoteApplied;
    public long RemoteUnchanged;
    public long SiblingsCreated;
    public long SiblingOverflows;
    public long TombstonesPurged;
}
