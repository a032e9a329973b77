namespace EdgeSync.Agent.Config;

/// <summary>Configuration that cannot be used; each problem names its key. Exit code 2.</summary>
public sealed class ConfigException(IReadOnlyList<string> problems)
    : Exception(string.Join("; ", problems))
{
    public IReadOnlyList<string> Problems { get; } = problems;
}
