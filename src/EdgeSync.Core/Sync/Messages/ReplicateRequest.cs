using EdgeSync.Core.Store;

namespace EdgeSync.Core.Sync;

/// <summary>
/// "Apply this state and tell me once it is durable" (a quorum write, or a read repair when
/// <see cref="Id"/> is 0: then no acknowledgement is wanted). Applying is idempotent, so a retry is safe.
/// </summary>
public sealed record ReplicateRequest(string Fleet, string Sender, long Id, KeyState State) : SyncMessage(Fleet, Sender);
