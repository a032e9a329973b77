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
/// <see cref="Block"/> changes, never per commit.
/// </summary>
public sealed class ChangeNumbers
{
    public const string FileName = "changes.seq";

    /// <summary>Numbers reserved per file write; a restart skips ahead by at most this much.</summary>
    public const long Block = 1_000_000;

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
        // An unreadable file (only ever replaced atomically, so not expected) counts as none, and so
        // does a number past 2^52: change numbers must stay exact in JSON readers (doubles, 2^53).
        Start = _path is not null && File.Exists(_path)
            && long.TryParse(File.ReadAllText(_path).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var kept)
            && kept <= 1L << 52
            ? kept
            : 0;
        _ceiling = Start;
        Reserve(Start + 1);
    }

    /// <summary>The number before this process's first change: every number of an earlier start is at most it.</summary>
    public long Start { get; }

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
