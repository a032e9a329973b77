namespace EdgeSync.Core.Sync;

/// <summary>The state of request <see cref="Id"/> is committed (durable) on the sender.</summary>
public sealed record ReplicateAck(string Fleet, string Sender, long Id) : SyncMessage(Fleet, Sender);
