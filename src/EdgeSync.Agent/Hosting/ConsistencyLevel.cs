namespace EdgeSync.Agent.Hosting;

/// <summary>How many fleet members must hold a write (or agree on a read) before the answer (SPEC §5).</summary>
public enum ConsistencyLevel
{
    One,
    Quorum,
    All,
}
