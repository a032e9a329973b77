namespace EdgeSync.Core.Fleet.Messages;

public sealed record VoteResponse(string From, string To, long Term, bool Granted) : FleetMessage(From);
