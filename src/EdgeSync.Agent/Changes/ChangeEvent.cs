namespace EdgeSync.Agent.Changes;

/// <summary>
/// One applied change as the feed numbers and serves it: <see cref="Seq"/> grows by one per change
/// on this node; <see cref="Frame"/> is its server-sent event in UTF-8 (see <see cref="ChangeFrame"/>),
/// rendered once, when the change became durable here. A struct: the ring holds it inline, one
/// object (the frame) per change.
/// </summary>
public readonly record struct ChangeEvent(long Seq, string Key, byte[] Frame);
