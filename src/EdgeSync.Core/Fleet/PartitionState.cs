namespace EdgeSync.Core.Fleet;

/// <summary>
/// What a node can see of its fleet (SPEC §4), worst last: every member reachable, a quorum
/// reachable, less than a quorum reachable, or the broker itself unreachable.
/// </summary>
public enum PartitionState
{
    Healthy,
    Degraded,
    Minority,
    Isolated,
}
