using EdgeSync.Core.Store;

namespace EdgeSync.Core.Sync;

/// <summary>
/// The local writes of one committed batch (or part of it, when large), sent to every peer at once
/// (best effort: anti-entropy repairs a lost push). One message per batch rather than per write, so
/// a burst of writes costs the broker and each peer one message and one durable commit.
/// </summary>
public sealed record PushMessage(string Fleet, string Sender, IReadOnlyList<KeyState> States) : SyncMessage(Fleet, Sender)
{
    public PushMessage(string fleet, string sender, KeyState state)
        : this(fleet, sender, [state])
    {
    }
}
