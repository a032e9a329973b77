namespace EdgeSync.Core.Fleet.Messages;

/// <summary>
/// "Would you vote for me in <paramref name="NextTerm"/>?" Asked before raising the term, so a
/// node that merely lost touch cannot depose a leader the majority still follows.
/// </summary>
public sealed record PreVoteRequest(string From, long NextTerm) : FleetMessage(From);
