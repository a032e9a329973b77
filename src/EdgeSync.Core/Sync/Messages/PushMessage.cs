using EdgeSync.Core.Store;

namespace EdgeSync.Core.Sync;

/// <summary>A committed local write, sent to every peer at once (best effort).</summary>
public sealed record PushMessage(string Fleet, string Sender, KeyState State) : SyncMessage(Fleet, Sender);
