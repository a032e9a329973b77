namespace EdgeSync.Core.Fleet.Messages;

public sealed record VoteRequest(string From, long Term) : FleetMessage(From);
