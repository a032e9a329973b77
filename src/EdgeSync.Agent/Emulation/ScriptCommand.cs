namespace EdgeSync.Agent.Emulation;

/// <summary>
/// One parsed script line. <see cref="Node"/> is <c>nK</c>, or <c>@leader</c> (the leader when the
/// command runs) or <c>@last</c> (the node of the last pull, plug, kill or start, or the leader stepdown asked).
/// </summary>
public sealed record ScriptCommand(ScriptVerb Verb, string Text)
{
    public string? Node { get; init; }

    public string? Key { get; init; }

    public string? Json { get; init; }

    public TimeSpan Timeout { get; init; }

    /// <summary>For <c>expect partition</c>: any of these passes.</summary>
    public IReadOnlyList<string> States { get; init; } = [];
}
