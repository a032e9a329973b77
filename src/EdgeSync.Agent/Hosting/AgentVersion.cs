using System.Reflection;

namespace EdgeSync.Agent.Hosting;

/// <summary>The version printed by --version and reported in /v1/status.</summary>
public static class AgentVersion
{
    public static string Text { get; } =
        typeof(AgentVersion).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? "0.0.0";
}
