namespace EdgeSync.Core.Sync;

/// <summary>Replication settings (config section <c>Sync</c>).</summary>
public sealed record SyncOptions
{
    /// <summary>Time between anti-entropy rounds (jittered by ±10% so nodes do not move in step).</summary>
    public TimeSpan AntiEntropyInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Outgoing anti-entropy bytes per second (1 s burst); 0 = unlimited. Pushes are not limited.</summary>
    public long MaxBytesPerSecond { get; init; } = 1024 * 1024;

    /// <summary>Soft size of one delta or repair batch; the codec's hard limit is far above it.</summary>
    public int MaxBatchBytes { get; init; } = 256 * 1024;

    /// <summary>Run the Merkle digest check after each completed delta exchange.</summary>
    public bool DigestCheck { get; init; } = true;

    /// <summary>Purge causally stable tombstones once every member's applied vector is known.</summary>
    public bool PurgeTombstones { get; init; } = true;

    public string? Validate()
    {
        if (AntiEntropyInterval <= TimeSpan.Zero)
        {
            return "Sync:AntiEntropyInterval must be positive.";
        }

        if (MaxBytesPerSecond < 0)
        {
            return "Sync:MaxBytesPerSecond must be 0 (unlimited) or positive.";
        }

        return MaxBatchBytes < 1024 ? "Sync:MaxBatchBytes must be at least 1024." : null;
    }
}
