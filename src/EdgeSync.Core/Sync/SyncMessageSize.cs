using EdgeSync.Core.Store;

namespace EdgeSync.Core.Sync;

/// <summary>A cheap estimate of a message's encoded size, for the rate limiter and batching.</summary>
internal static class SyncMessageSize
{
    private const int Header = 48;

    public static long Estimate(SyncMessage message) => Header + message switch
    {
        PushMessage m => States(m.States),
        DeltaRequest m => m.Applied.ExtraCount * 4L + 64,
        DeltaResponse m => States(m.States) + 64,
        DigestRequest m => m.Indices.Count * 6L,
        DigestResponse m => (m.Indices.Count * 2L) + (m.Children.Count * (m.Level + 1 == MerkleTree.Depth ? 2L : 4L)),
        BucketRequest m => (m.Buckets.Count * 3L) + (m.Prints.Count * 14L / 8) + (m.Applied.Count * 12L),
        BucketResponse m => (m.Buckets.Count * 3L) + (m.Unmatched.Count * 2L) + States(m.States) + (m.SenderApplied.Count * 12L),
        StatesResponse m => States(m.States) + (m.SenderApplied.Count * 12L),
        ReplicateRequest m => 8 + States(m.States),
        ReplicateAck => 8,
        StateRequest m => 8 + m.Key.Length,
        StateResponse m => 8 + m.State.ApproximateBytes,
        _ => 0,
    };

    private static long States(IReadOnlyList<KeyState> states) => states.Sum(s => (long)s.ApproximateBytes);
}
