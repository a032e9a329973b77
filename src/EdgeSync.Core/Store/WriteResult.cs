using EdgeSync.Core.Clocks;

namespace EdgeSync.Core.Store;

/// <summary>The outcome of a local write: on success the new state and the update's dot.</summary>
public sealed record WriteResult(WriteStatus Status, string? Message, KeyState? State, Dot Update)
{
    public bool Ok => Status == WriteStatus.Ok;

    public static WriteResult Fail(WriteStatus status, string message) => new(status, message, null, default);
}
