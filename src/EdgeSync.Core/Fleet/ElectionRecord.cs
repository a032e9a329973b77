namespace EdgeSync.Core.Fleet;

/// <summary>What a voter must never forget: the highest term seen and whom it voted for in it.</summary>
public sealed record ElectionRecord(long Term, string? VotedFor);
