using EdgeSync.Core.Clocks;
using EdgeSync.Core.Store;

namespace EdgeSync.Core.Sync;

/// <summary>
/// Key states sent to repair a divergence found by the digest check; applied in repair mode.
/// <see cref="SenderApplied"/> is the sender's applied base when it sent the states, so the
/// receiver can tell a stale repair of a key it has since purged from a real divergence. The
/// receiver of a first-hop batch sends back, once, each merged state that still differs from the
/// one received; <see cref="IsReply"/> marks that answer, which is never answered in turn.
/// </summary>
public sealed record StatesResponse(string Fleet, string Sender, IReadOnlyList<KeyState> States, VersionVector SenderApplied, bool IsReply = false)
    : SyncMessage(Fleet, Sender);
