namespace EdgeSync.Core.Fleet.Messages;

public sealed record PreVoteResponse(string From, string To, long NextTerm, bool Granted) : FleetMessage(From);
