using System.Globalization;
using EdgeSync.Agent.Storage;

namespace EdgeSync.Agent.Changes;

/// <summary>
/// Change numbers that never repeat across restarts of one data directory. The feed's ring lives
/// in memory, so numbers that started again at 1 after a restart would let a reader resume with a
/// number from before it and silently skip the new process's changes up to that number. Instead a
/// ceiling is kept in <c>changes.seq</c> (every number handed out is at most it): a start begins
/// above the old ceiling, so any older number is behind the ring and its reader is told of a gap.
/// Numbers are reserved a block at a time, so the file is written once per start and once per
/// <see cref="Block"/> changes, never per commit. A directory without a usable ceiling (new, wiped,
/// damaged) cannot know what an earlier one handed out, so it starts at a random point below
/// <see cref="FreshRange"/>: a reader's number from before then lies far behind or far ahead (a gap
/// either way) instead of inside the new numbers, where it would skip changes unnoticed.
/// </summary>
public sealed class ChangeNumbers
{
    public const string FileName = "changes.seq";

    /// <summary>Numbers reserved per file write; a restart skips ahead by at most this much.</summary>
    public const long Block = 1_000_000;

    /// <summary>
    /// Fresh starts fall below 2^50: far enough apart that a stale number lands inside a new range
    /// with odds of (changes since the wipe) / 2^50, and below 2^52 for a long time to come.
    /// </summary>
    public const long FreshRange = 1L << 50;

    private readonly string? _path;
    private readonly long _block;
    private long _ceiling;

    /// <param name="dataDir">The node's data directory, or null to keep nothing (tests).</param>
    public ChangeNumbers(string? dataDir)
        : this(dataDir, Block)
    {
    }

    /// <param name="block">Numbers reserved per file write (tests use small ones).</param>
    internal ChangeNumbers(string? dataDir, long block)
    {
        _block = block;
        _path = dataDir is null ? null : Path.Combine(dataDir, FileName);
        // Without a directory nothing outlives the process, and numbers start at 0.
        Start = _path is null ? 0 : Kept(_path) ?? Random.Shared.NextInt64(1, FreshRange);
        _ceiling = Start;
        Reserve(Start + 1);
    }

    /// <summary>The number before this process's first change: every number of an earlier start is at most it.</summary>
    public long Start { get; }

    /// <summary>
    /// The ceiling kept in <paramref name="path"/>, or null. An unreadable file (only ever replaced
    /// atomically, so not expected) counts as none, and so does a number past 2^52: change numbers
    /// must stay exact in JSON readers (doubles, 2^53).
    /// </summary>
    private static long? Kept(string path) =>
        File.Exists(path)
        && long.TryParse(File.ReadAllText(path).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var kept)
        && kept <= 1L << 52
            ? kept
            : null;

    /// <summary>
    /// Makes sure numbers up to <paramref name="last"/> are reserved, durably, before any of them is
    /// handed out. If the file cannot be written this throws, but the block counts as reserved for
    /// this process (its numbers stay unique while it runs), so the failure is reported once a block.
    /// </summary>
    public void Reserve(long last)
    {
        if (last <= _ceiling)
        {
            return;
        }

        var ceiling = last + _block;
        _ceiling = ceiling;
        if (_path is not null)
        {
            DurableFile.Replace(_path, ceiling.ToString(CultureInfo.InvariantCulture) + "\n");
        }
    }
}
