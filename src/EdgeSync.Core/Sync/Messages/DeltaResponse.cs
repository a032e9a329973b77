using EdgeSync.Core.Clocks;
using EdgeSync.Core.Store;

namespace EdgeSync.Core.Sync;

/// <summary>
/// States holding updates the receiver lacks. <see cref="Coverage"/> is set when the batch is
/// complete (the sender's applied set); null means "partial, ask again". <see cref="Round"/> 0
/// marks an unsolicited batch (the reverse half of a delta exchange).
/// </summary>
public sealed record DeltaResponse(string Fleet, string Sender, long Round, IReadOnlyList<KeyState> States, DotSet? Coverage)
    : SyncMessage(Fleet, Sender);
