using EdgeSync.Core.Clocks;

namespace EdgeSync.Core.Sync;

/// <summary>"Here is every update I hold; send me what I lack." <see cref="Round"/> is echoed back.</summary>
public sealed record DeltaRequest(string Fleet, string Sender, long Round, DotSet Applied) : SyncMessage(Fleet, Sender);
