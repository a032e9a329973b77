namespace EdgeSync.Agent.Hosting;

/// <summary>
/// What the HTTP API reports about the fleet. The membership / election work replaces
/// <see cref="SoloClusterView"/> with the real thing behind this interface.
/// </summary>
public interface IClusterView
{
    LeaderInfo Leader { get; }

    /// <summary>healthy · degraded · minority · isolated (SPEC §4).</summary>
    string Partition { get; }

    IReadOnlyList<PeerInfo> Peers { get; }

    bool BrokerConnected { get; }

    /// <summary>Members currently reachable, this node included (for quorum decisions).</summary>
    int ReachableMembers { get; }

    int Members { get; }
}
