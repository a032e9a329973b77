namespace EdgeSync.Core.Fleet.Messages;

public sealed record LeaderAck(string From, string To, long Term, long Seq) : FleetMessage(From);
