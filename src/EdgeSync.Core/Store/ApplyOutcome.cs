namespace EdgeSync.Core.Store;

/// <summary>What applying a replicated state did.</summary>
public enum ApplyOutcome
{
    /// <summary>Nothing new: a duplicate, a replay or an already superseded version.</summary>
    Unchanged,

    Changed,
}
