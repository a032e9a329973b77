using EdgeSync.Core.Store;

namespace EdgeSync.Core.Consistency;

/// <summary>One peer's answer to a quorum request: an acknowledgement, or its state of the key.</summary>
public sealed record QuorumReply(string Peer, KeyState? State);
