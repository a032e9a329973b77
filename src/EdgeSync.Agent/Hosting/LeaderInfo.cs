namespace EdgeSync.Agent.Hosting;

/// <summary>Who leads and in which term (the fencing token); <see cref="Leader"/> is null when nobody does.</summary>
public sealed record LeaderInfo(string? Leader, long Term, string Role);
