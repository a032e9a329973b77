using EdgeSync.Core.Store;

namespace EdgeSync.Core.Sync;

/// <summary>The sender's committed state of the requested key (empty when it holds none).</summary>
public sealed record StateResponse(string Fleet, string Sender, long Id, KeyState State) : SyncMessage(Fleet, Sender);
