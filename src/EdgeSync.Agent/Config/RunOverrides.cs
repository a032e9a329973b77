namespace EdgeSync.Agent.Config;

/// <summary>Command-line flags of <c>edgesync run</c>; they win over the file and the environment.</summary>
public sealed record RunOverrides(string? ConfigFile, string? NodeId, string? DataDir, string? Api, string? Broker);
