namespace EdgeSync.Core.Tests.Simulation;

/// <summary>Everything clients did and saw, in order; <see cref="Next"/> orders events across nodes.</summary>
public sealed class History
{
    private long _sequence;

    public List<WriteRecord> Writes { get; } = [];

    public List<ReadRecord> Reads { get; } = [];

    public long Next() => ++_sequence;
}
