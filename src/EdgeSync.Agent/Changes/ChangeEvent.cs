using EdgeSync.Core.Store;

namespace EdgeSync.Agent.Changes;

/// <summary>
/// One applied change as the feed numbers it: <see cref="Seq"/> grows by one per change on this node;
/// <see cref="At"/> is this node's wall-clock time when the change became durable here.
/// </summary>
public sealed record ChangeEvent(long Seq, ReplicaChange Change, DateTimeOffset At);
