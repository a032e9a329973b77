namespace EdgeSync.Core.Store;

/// <summary>What a key does with concurrent writes.</summary>
public enum ConflictPolicy
{
    /// <summary>Keep every concurrent value; a write with the merged context resolves them.</summary>
    Siblings,

    /// <summary>Highest hybrid timestamp wins, ties broken by node id.</summary>
    Lww,
}
