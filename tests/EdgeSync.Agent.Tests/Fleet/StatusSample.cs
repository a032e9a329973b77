namespace EdgeSync.Agent.Tests.Fleet;

/// <summary>One poll of a node's /v1/status: the answer describes the node at some instant between
/// <see cref="SentMs"/> (minus the status snapshot's staleness) and <see cref="ReceivedMs"/>.</summary>
public sealed record StatusSample(string Node, double SentMs, double ReceivedMs, string Role, long Term, string Partition)
{
    public bool ClaimsLeader => Role == "leader";
}
