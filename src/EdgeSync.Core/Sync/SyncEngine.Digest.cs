using EdgeSync.Core.Store;

namespace EdgeSync.Core.Sync;

/// <summary>
/// The Merkle half of anti-entropy, first part: compare roots and descend one level per round
/// trip only where hashes differ. Hashes travel as salted 32-bit wire hashes, 16-bit for leaves
/// (one salt per check, so a rare false match hides a difference for one check only, see
/// <see cref="MerkleTree.WireHash"/>); the differing leaf buckets are
/// then reconciled key by key (see SyncEngine.Buckets.cs).
/// </summary>
public sealed partial class SyncEngine
{
    private const int BucketsPerRequest = 64;

    /// <summary>Start a digest check with one peer: send our root hash.</summary>
    public void StartDigest(string peer)
    {
        uint salt;
        lock (_gate)
        {
            if (_limiter.Available <= 0)
            {
                Stats.RateLimited++;
                return;
            }

            Stats.DigestChecks++;
            salt = NextSalt();
        }

        var root = _replica.Read(r => MerkleTree.WireHash(r.Tree.Root, salt, 0));
        Send(peer, new DigestRequest(_fleet, _self, salt, 0, [0], [root]));
    }

    public static ulong DigestOf(KeyState state) => (ulong)MerkleTree.LeafDigest(state);

    private uint NextSalt() => (uint)_random.NextInt64(uint.MaxValue);

    private void OnDigestRequest(DigestRequest m)
    {
        if (Budget() <= 0)
        {
            return;
        }

        var (indices, children) = _replica.Read(r =>
        {
            var differing = new List<int>();
            var hashes = new List<uint>();
            for (var i = 0; i < m.Indices.Count; i++)
            {
                if (MerkleTree.WireHash(r.Tree.Hash(m.Level, m.Indices[i]), m.Salt, m.Level) != m.Hashes[i])
                {
                    differing.Add(m.Indices[i]);
                    hashes.AddRange(r.Tree.Children(m.Level, m.Indices[i]).Select(h => MerkleTree.WireHash(h, m.Salt, m.Level + 1)));
                }
            }

            return (differing, hashes);
        });

        if (indices.Count > 0)
        {
            Send(m.Sender, new DigestResponse(_fleet, _self, m.Salt, m.Level, indices, children));
        }
    }

    private void OnDigestResponse(DigestResponse m)
    {
        var childLevel = m.Level + 1;
        var (differing, mine) = _replica.Read(r =>
        {
            var diff = new List<int>();
            var hashes = new List<uint>();
            for (var i = 0; i < m.Indices.Count; i++)
            {
                for (var j = 0; j < MerkleTree.Fanout; j++)
                {
                    var child = (m.Indices[i] * MerkleTree.Fanout) + j;
                    var hash = MerkleTree.WireHash(r.Tree.Hash(childLevel, child), m.Salt, childLevel);
                    if (hash != m.Children[(i * MerkleTree.Fanout) + j])
                    {
                        diff.Add(child);
                        hashes.Add(hash);
                    }
                }
            }

            return (diff, hashes);
        });

        if (differing.Count == 0)
        {
            return;
        }

        lock (_gate)
        {
            Stats.DigestDescents++;
        }

        if (childLevel < MerkleTree.Depth)
        {
            Send(m.Sender, new DigestRequest(_fleet, _self, m.Salt, childLevel, differing, mine));
            return;
        }

        foreach (var chunk in differing.Chunk(BucketsPerRequest))
        {
            SendBucketRequest(m.Sender, chunk);
        }
    }
}
