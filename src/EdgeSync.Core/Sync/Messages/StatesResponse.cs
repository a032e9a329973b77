using EdgeSync.Core.Store;

namespace EdgeSync.Core.Sync;

/// <summary>
/// Key states sent to repair a divergence found by the digest check; applied in repair mode.
/// <see cref="IsReply"/> marks an answer to a <see cref="StatesRequest"/>: the receiver then sends
/// back its own merged state for every key where it still differs.
/// </summary>
public sealed record StatesResponse(string Fleet, string Sender, IReadOnlyList<KeyState> States, bool IsReply)
    : SyncMessage(Fleet, Sender);
