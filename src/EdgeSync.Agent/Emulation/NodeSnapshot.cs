using EdgeSync.Agent.Gpio;
using EdgeSync.Core.Clocks;

namespace EdgeSync.Agent.Emulation;

/// <summary>What the dashboard and the script see of one emulated node at one instant.</summary>
public sealed record NodeSnapshot(
    string Id,
    int Index,
    int ApiPort,
    bool Running,
    bool CablePulled,
    string Role,
    string? Leader,
    long Term,
    string Partition,
    long Keys,
    VersionVector Vector,
    UInt128 Root,
    LedsView? Leds,
    long? OldestPeerSeenMs)
{
    /// <summary>Times the activity LED has lit (a 50 ms flash falls between two dashboard frames).</summary>
    public long ActivityFlashes { get; init; }

    public bool IsLeader => Running && Role == "leader";

    /// <summary>Updates this node has not applied yet, of those applied anywhere in the fleet.</summary>
    public long LagBehind(VersionVector fleet) =>
        fleet.Entries.Sum(e => Math.Max(0, e.Value - Vector[e.Key]));
}
