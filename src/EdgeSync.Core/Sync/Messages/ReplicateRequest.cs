using EdgeSync.Core.Store;

namespace EdgeSync.Core.Sync;

/// <summary>
/// "Apply these states and tell me once they are durable" (a quorum write or batch, or a read
/// repair when <see cref="Id"/> is 0: then no acknowledgement is wanted). The peer applies them in
/// one commit and answers once. Applying is idempotent, so a retry is safe.
/// </summary>
public sealed record ReplicateRequest(string Fleet, string Sender, long Id, IReadOnlyList<KeyState> States) : SyncMessage(Fleet, Sender)
{
    public ReplicateRequest(string fleet, string sender, long id, KeyState state)
        : this(fleet, sender, id, [state])
    {
    }
}
