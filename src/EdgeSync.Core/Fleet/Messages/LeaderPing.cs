namespace EdgeSync.Core.Fleet.Messages;

/// <summary>The leader's lease renewal round; acknowledged by each follower.</summary>
public sealed record LeaderPing(string From, long Term, long Seq) : FleetMessage(From);
