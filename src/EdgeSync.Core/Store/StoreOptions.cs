namespace EdgeSync.Core.Store;

/// <summary>Store limits and per-prefix conflict policies (config section <c>Store</c>).</summary>
public sealed class StoreOptions
{
    public const int MaxKeyBytes = 512;

    public int MaxValueBytes { get; init; } = 256 * 1024;

    public int MaxSiblings { get; init; } = 16;

    /// <summary>Key prefix → policy; the longest matching prefix wins, default <see cref="ConflictPolicy.Siblings"/>.</summary>
    public IReadOnlyDictionary<string, ConflictPolicy> ConflictPolicies { get; init; } = new Dictionary<string, ConflictPolicy>();

    public ConflictPolicy PolicyFor(string key)
    {
        var best = ConflictPolicy.Siblings;
        var bestLength = -1;
        foreach (var (prefix, policy) in ConflictPolicies)
        {
            if (prefix.Length > bestLength && key.StartsWith(prefix, StringComparison.Ordinal))
            {
                best = policy;
                bestLength = prefix.Length;
            }
        }

        return best;
    }
}
