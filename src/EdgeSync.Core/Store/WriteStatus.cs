namespace EdgeSync.Core.Store;

public enum WriteStatus
{
    Ok,
    InvalidKey,
    InvalidValue,
    ValueTooLarge,
    TooManySiblings,
    NotFound,
}
