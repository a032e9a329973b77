using EdgeSync.Core.Clocks;

namespace EdgeSync.Core.Tests.Simulation;

/// <summary>
/// One client write or delete as the history saw it. Once acknowledged it carries the update's
/// per-key dot, its timestamp and exactly the dots it superseded (the client's context, or the
/// node's own context of the key when the client sent none).
/// </summary>
public sealed class WriteRecord(int id, string node, string key, string? value, long startedAt)
{
    public int Id { get; } = id;

    public string Node { get; } = node;

    public string Key { get; } = key;

    /// <summary>Null for a delete.</summary>
    public string? Value { get; } = value;

    public long StartedAt { get; } = startedAt;

    public WriteOutcome Outcome { get; set; } = WriteOutcome.Pending;

    public long AckedAt { get; set; } = long.MaxValue;

    public Dot Dot { get; set; }

    public long Seq { get; set; }

    public HybridTimestamp Timestamp { get; set; }

    public DotSet Superseded { get; set; } = new();

    public override string ToString() => $"w{Id}@{Node} {Key}={Value ?? "<delete>"} dot={Dot} {Outcome}";
}
