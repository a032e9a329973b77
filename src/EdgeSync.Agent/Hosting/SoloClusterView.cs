using EdgeSync.Agent.Config;

namespace EdgeSync.Agent.Hosting;

/// <summary>
/// The fleet as seen before replication exists: this node alone. A fleet of one is healthy and
/// its only member leads term 1. With other members configured and no membership layer, they
/// are reported unreachable and nobody leads.
/// </summary>
public sealed class SoloClusterView(AgentConfig config) : IClusterView
{
    private readonly string _self = config.Node.Id;
    private readonly IReadOnlyList<string> _members = config.Members;

    private bool Alone => _members.Count == 1;

    public LeaderInfo Leader => Alone ? new LeaderInfo(_self, 1, "leader") : new LeaderInfo(null, 0, "follower");

    public string Partition => Alone ? "healthy" : "minority";

    public IReadOnlyList<PeerInfo> Peers =>
        [.. _members.Where(m => m != _self).Select(m => new PeerInfo(m, false, null))];

    public bool BrokerConnected => false;

    public int ReachableMembers => 1;

    public int Members => _members.Count;
}
