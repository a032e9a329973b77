namespace EdgeSync.Core.Store;

/// <summary>One applied change, for the changes feed, metrics and pushes.</summary>
/// <param name="ReplicatedByCaller">A local write whose caller sends it to every peer itself (see
/// <see cref="Replica.Put"/>): the commit's push leaves it out.</param>
public sealed record ReplicaChange(ChangeKind Kind, string Key, KeyState? State, int NewSiblings, bool ReplicatedByCaller = false);
