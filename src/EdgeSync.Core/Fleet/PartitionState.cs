namespace EdgeSync.Core.Fleet;

/// <summary>What a node can reach (SPEC §4), as shown on the partition LED.</summary>
public enum PartitionState
{
    /// <summary>Every member reachable.</summary>
    Healthy,

    /// <summary>Some member unreachable, a quorum reachable.</summary>
    Degraded,

    /// <summary>Fewer than a quorum reachable.</summary>
    Minority,

    /// <summary>The broker is unreachable.</summary>
    Isolated,
}
