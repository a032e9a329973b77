using EdgeSync.Core.Store;

namespace EdgeSync.Agent.Config;

/// <summary>Config section <c>Store</c>: storage engine, limits and conflict policies.</summary>
public sealed class StoreSection
{
    public const string LiteDb = "litedb";
    public const string Memory = "memory";

    /// <summary><c>litedb</c> (durable, the default) or <c>memory</c> (tests and throw-away nodes).</summary>
    public string Engine { get; set; } = LiteDb;

    public int MaxValueBytes { get; set; } = 256 * 1024;

    public int MaxSiblings { get; set; } = 16;

    /// <summary>Key prefix → <c>siblings</c> or <c>lww</c>.</summary>
    public IReadOnlyDictionary<string, string> ConflictPolicies { get; set; } = new Dictionary<string, string>();

    public static StoreSection Read(SectionReader r)
    {
        var s = new StoreSection();
        s.Engine = r.String(nameof(Engine), s.Engine).ToLowerInvariant();
        s.MaxValueBytes = r.Int(nameof(MaxValueBytes), s.MaxValueBytes);
        s.MaxSiblings = r.Int(nameof(MaxSiblings), s.MaxSiblings);
        s.ConflictPolicies = r.Map(nameof(ConflictPolicies));
        r.RejectUnknown();
        return s;
    }

    public IEnumerable<string> Validate()
    {
        if (Engine is not (LiteDb or Memory))
        {
            yield return $"Store:Engine must be litedb or memory (got '{Engine}')";
        }

        if (MaxValueBytes is < 1 or > 16 * 1024 * 1024)
        {
            yield return $"Store:MaxValueBytes must be between 1 and 16777216 (got {MaxValueBytes})";
        }

        if (MaxSiblings is < 1 or > 1024)
        {
            yield return $"Store:MaxSiblings must be between 1 and 1024 (got {MaxSiblings})";
        }

        foreach (var (prefix, policy) in ConflictPolicies)
        {
            if (ParsePolicy(policy) is null)
            {
                yield return $"Store:ConflictPolicies:{prefix} must be siblings or lww (got '{policy}')";
            }
        }
    }

    public StoreOptions ToStoreOptions() => new()
    {
        MaxValueBytes = MaxValueBytes,
        MaxSiblings = MaxSiblings,
        ConflictPolicies = ConflictPolicies.ToDictionary(p => p.Key, p => ParsePolicy(p.Value) ?? ConflictPolicy.Siblings, StringComparer.Ordinal),
    };

    private static ConflictPolicy? ParsePolicy(string text) => text.Trim().ToLowerInvariant() switch
    {
        "siblings" => ConflictPolicy.Siblings,
        "lww" => ConflictPolicy.Lww,
        _ => null,
    };
}
