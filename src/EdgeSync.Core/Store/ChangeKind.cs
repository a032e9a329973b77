namespace EdgeSync.Core.Store;

public enum ChangeKind
{
    LocalWrite,
    LocalDelete,
    Replicated,
    Purged,
}
