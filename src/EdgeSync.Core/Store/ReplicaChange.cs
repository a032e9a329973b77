namespace EdgeSync.Core.Store;

/// <summary>One applied change, for the changes feed, metrics and pushes.</summary>
public sealed record ReplicaChange(ChangeKind Kind, string Key, KeyState? State, int NewSiblings);
