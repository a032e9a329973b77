using EdgeSync.Core.Fleet;

namespace EdgeSync.Core.Leds;

/// <summary>
/// The node state the LEDs show, sampled on every LED tick.
/// </summary>
/// <param name="Role">Election role → leader LED.</param>
/// <param name="Partition">Partition state → partition LED.</param>
/// <param name="ActivityCount">
/// Replicated updates sent plus received so far (any monotonic counter); every increase
/// asks for an activity flash.
/// </param>
/// <param name="SinceAlive">
/// Time since the agent's main loop last ticked (see <see cref="LoopHeartbeat"/>); the status
/// LED stops once it exceeds <see cref="LedTimings.AliveTimeout"/>.
/// </param>
public sealed record LedInput(Role Role, PartitionState Partition, long ActivityCount, TimeSpan SinceAlive)
{
    /// <summary>A freshly started follower that sees its whole fleet.</summary>
    public static LedInput Idle { get; } = new(Role.Follower, PartitionState.Healthy, 0, TimeSpan.Zero);
}
