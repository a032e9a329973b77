using System.Globalization;

namespace EdgeSync.Agent.Security;

/// <summary>
/// What start-up did about a corrupt store, and whether local writes are fenced. The fresh store
/// writes under a new actor, so it cannot reuse old update numbers; the fence is about meaning: a
/// write without a context supersedes what this node holds, and until every other member has
/// re-seeded it that is less than the fleet holds, so the write would become a sibling of values the
/// node simply has not got back yet. A marker file keeps the fence across a restart in the middle of
/// the recovery.
/// </summary>
public sealed class StoreRecovery
{
    public const string MarkerFile = "replica.recovering";

    private readonly string? _marker;
    private volatile bool _fenced;

    private StoreRecovery(string? marker, string? movedTo, bool fenced)
    {
        _marker = marker;
        MovedTo = movedTo;
        _fenced = fenced;
    }

    /// <summary>Nothing happened: the store opened normally.</summary>
    public static StoreRecovery None { get; } = new(null, null, false);

    /// <summary>Where the corrupt file went, when it was moved at this start.</summary>
    public string? MovedTo { get; }

    /// <summary>Local writes refused until the peers have re-seeded the node.</summary>
    public bool Fenced => _fenced;

    /// <summary>One line for the log and <c>/v1/status</c>, or null.</summary>
    public string? Message => MovedTo is not null
        ? $"moved corrupt file to {MovedTo}; started empty, re-seeding from peers"
        : _fenced ? "recovering a lost store from peers (resumed after a restart)" : null;

    /// <summary>The fence of a recovery interrupted by a restart (its marker survived), or none.</summary>
    public static StoreRecovery Resume(string dataDir)
    {
        var marker = Path.Combine(dataDir, MarkerFile);
        return File.Exists(marker) ? new StoreRecovery(marker, null, true) : None;
    }

    /// <summary>
    /// Moves <paramref name="dbPath"/> (and its companion files: journal, write-ahead log, kept tree) aside as <c>*.corrupt-{UTC time}</c> — never
    /// deleted, someone may want to look at it — and sets the fence marker before the fresh store opens.
    /// </summary>
    public static StoreRecovery MoveAside(string dataDir, string dbPath, IEnumerable<string> companions, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        var stamp = time.GetUtcNow().ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var marker = Path.Combine(dataDir, MarkerFile);
        File.WriteAllText(marker, $"store moved aside at {stamp}\n");
        var target = Unused(dbPath + ".corrupt-" + stamp);
        File.Move(dbPath, target);
        foreach (var companion in companions.Where(File.Exists))
        {
            File.Move(companion, Unused(companion + ".corrupt-" + stamp));
        }

        return new StoreRecovery(marker, target, true);
    }

    /// <summary>The peers have re-seeded the node: lift the fence for good.</summary>
    public void Complete()
    {
        _fenced = false;
        if (_marker is not null)
        {
            File.Delete(_marker);
        }
    }

    private static string Unused(string path)
    {
        var candidate = path;
        for (var i = 1; File.Exists(candidate); i++)
        {
            candidate = $"{path}.{i}";
        }

        return candidate;
    }
}
