namespace EdgeSync.Core.Tests.Simulation;

public enum WriteOutcome
{
    Pending,
    Acked,

    /// <summary>Refused by the store (e.g. too many siblings); changed nothing.</summary>
    Refused,

    /// <summary>The node crashed before the batch committed; never acknowledged.</summary>
    Failed,
}
