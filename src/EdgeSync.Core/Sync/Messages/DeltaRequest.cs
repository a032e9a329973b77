using EdgeSync.Core.Clocks;

namespace EdgeSync.Core.Sync;

/// <summary>
/// "Here is every update I hold; send me what I lack." <see cref="Round"/> is echoed back.
/// <see cref="HoldsOwn"/>: the sender holds every update it ever made, so the peer need not send
/// any of them — the ones it has beyond <see cref="Applied"/> are writes the sender made after
/// asking, not gaps. False while a node re-seeds a lost store and needs its own writes back.
/// </summary>
public sealed record DeltaRequest(string Fleet, string Sender, long Round, DotSet Applied, bool HoldsOwn = false) : SyncMessage(Fleet, Sender);
