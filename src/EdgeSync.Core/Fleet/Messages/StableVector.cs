using EdgeSync.Core.Clocks;

namespace EdgeSync.Core.Fleet.Messages;

/// <summary>
/// The leader's tombstone-GC watermark: the minimum of every member's applied base vector, and
/// the maximum of the same reports (the frontier a tombstone must also wait for once stable).
/// </summary>
public sealed record StableVector(string From, long Term, VersionVector Vector, VersionVector Frontier) : FleetMessage(From);
