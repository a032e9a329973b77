using EdgeSync.Core.Clocks;

namespace EdgeSync.Core.Fleet.Messages;

/// <summary>The leader's tombstone-GC watermark: the minimum of every member's applied base vector.</summary>
public sealed record StableVector(string From, long Term, VersionVector Vector) : FleetMessage(From);
