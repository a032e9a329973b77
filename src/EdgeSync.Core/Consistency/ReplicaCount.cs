namespace EdgeSync.Core.Consistency;

/// <summary>How many members (this node included) a consistency level needs (SPEC §5).</summary>
public static class ReplicaCount
{
    /// <summary>A strict majority of the configured members.</summary>
    public static int Majority(int members) => (members / 2) + 1;
}
