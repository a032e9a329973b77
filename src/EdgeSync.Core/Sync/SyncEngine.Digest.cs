using EdgeSync.Core.Store;

namespace EdgeSync.Core.Sync;

/// <summary>
/// The Merkle half of anti-entropy: compare roots, descend one level per round trip only where
/// hashes differ, then compare the keys of differing leaf buckets by digest and exchange the
/// states of keys that differ, applied in repair mode (judged by each key's own context).
/// </summary>
public sealed partial class SyncEngine
{
    private const int BucketsPerRequest = 64;
    private const int KeysPerRequest = 1024;

    /// <summary>Start a digest check with one peer: send our root hash.</summary>
    public void StartDigest(string peer)
    {
        lock (_gate)
        {
            if (_limiter.Available <= 0)
            {
                Stats.RateLimited++;
                return;
            }

            Stats.DigestChecks++;
        }

        var root = _replica.Read(r => (ulong)r.Tree.Root);
        Send(peer, new DigestRequest(_fleet, _self, 0, [0], [root]));
    }

    public static ulong DigestOf(KeyState state) => (ulong)MerkleTree.LeafDigest(state);

    private void OnDigestRequest(DigestRequest m)
    {
        if (Budget() <= 0)
        {
            return;
        }

        var (indices, children) = _replica.Read(r =>
        {
            var differing = new List<int>();
            var hashes = new List<ulong>();
            for (var i = 0; i < m.Indices.Count; i++)
            {
                if ((ulong)r.Tree.Hash(m.Level, m.Indices[i]) != m.Hashes[i])
                {
                    differing.Add(m.Indices[i]);
                    hashes.AddRange(r.Tree.Children(m.Level, m.Indices[i]).Select(h => (ulong)h));
                }
            }

            return (differing, hashes);
        });

        if (indices.Count > 0)
        {
            Send(m.Sender, new DigestResponse(_fleet, _self, m.Level, indices, children));
        }
    }

    private void OnDigestResponse(DigestResponse m)
    {
        var childLevel = m.Level + 1;
        var (differing, mine) = _replica.Read(r =>
        {
            var diff = new List<int>();
            var hashes = new List<ulong>();
            for (var i = 0; i < m.Indices.Count; i++)
            {
                for (var j = 0; j < MerkleTree.Fanout; j++)
                {
                    var child = (m.Indices[i] * MerkleTree.Fanout) + j;
                    var hash = (ulong)r.Tree.Hash(childLevel, child);
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
            Send(m.Sender, new DigestRequest(_fleet, _self, childLevel, differing, mine));
            return;
        }

        foreach (var chunk in differing.Chunk(BucketsPerRequest))
        {
            Send(m.Sender, new BucketRequest(_fleet, _self, chunk));
        }
    }

    private void OnBucketRequest(BucketRequest m)
    {
        if (Budget() <= 0)
        {
            return;
        }

        // One response per group of buckets that fits a batch; each lists the buckets it covers.
        var buckets = new List<int>();
        var entries = new List<BucketEntry>();
        var bytes = 0L;
        foreach (var bucket in m.Buckets)
        {
            var content = _replica.Read(r => r.Bucket(bucket).Select(s => new BucketEntry(s.Key, DigestOf(s))).ToList());
            buckets.Add(bucket);
            entries.AddRange(content);
            bytes += content.Sum(e => e.Key.Length + 9L);
            if (bytes >= _options.MaxBatchBytes)
            {
                Send(m.Sender, new BucketResponse(_fleet, _self, buckets, entries));
                buckets = [];
                entries = [];
                bytes = 0;
            }
        }

        if (buckets.Count > 0)
        {
            Send(m.Sender, new BucketResponse(_fleet, _self, buckets, entries));
        }
    }

    private void OnBucketResponse(BucketResponse m)
    {
        var (need, offer) = _replica.Read(r =>
        {
            var theirs = new Dictionary<string, ulong>(StringComparer.Ordinal);
            foreach (var e in m.Entries)
            {
                theirs[e.Key] = e.Digest;
            }

            var wanted = new List<string>();
            var mineOnly = new List<KeyState>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var bucket in m.Buckets.Distinct())
            {
                foreach (var state in r.Bucket(bucket))
                {
                    seen.Add(state.Key);
                    if (!theirs.TryGetValue(state.Key, out var digest))
                    {
                        mineOnly.Add(state);
                    }
                    else if (digest != DigestOf(state))
                    {
                        wanted.Add(state.Key);
                    }
                }
            }

            wanted.AddRange(theirs.Keys.Where(k => !seen.Contains(k)));
            return (wanted, mineOnly);
        });

        foreach (var chunk in need.Chunk(KeysPerRequest))
        {
            Send(m.Sender, new StatesRequest(_fleet, _self, chunk));
        }

        SendStates(m.Sender, offer, isReply: false);
    }

    private void OnStatesRequest(StatesRequest m)
    {
        if (Budget() <= 0)
        {
            return;
        }

        var states = _replica.Read(r => m.Keys.Select(r.Load).OfType<KeyState>().ToList());
        SendStates(m.Sender, states, isReply: true);
    }

    private async Task OnStatesResponse(StatesResponse m)
    {
        var back = await _replica.WriteAsync(r =>
        {
            var differ = new List<KeyState>();
            foreach (var state in m.States)
            {
                r.Apply(state, repair: true, m.SenderApplied);
                if (m.IsReply && r.Load(state.Key) is { } merged && DigestOf(merged) != DigestOf(state))
                {
                    differ.Add(merged);
                }
            }

            return differ;
        }).ConfigureAwait(false);

        lock (_gate)
        {
            Stats.RepairStatesReceived += m.States.Count;
        }

        SendStates(m.Sender, back, isReply: false);
    }

    private void SendStates(string peer, List<KeyState> states, bool isReply)
    {
        if (states.Count == 0)
        {
            return;
        }

        var applied = _replica.Read(r => r.Applied.ToBaseVector());
        var batch = new List<KeyState>();
        var bytes = 0L;
        foreach (var state in states)
        {
            if (batch.Count > 0 && bytes + state.ApproximateBytes > _options.MaxBatchBytes)
            {
                Send(peer, new StatesResponse(_fleet, _self, batch, isReply, applied));
                batch = [];
                bytes = 0;
            }

            batch.Add(state);
            bytes += state.ApproximateBytes;
        }

        if (batch.Count > 0)
        {
            Send(peer, new StatesResponse(_fleet, _self, batch, isReply, applied));
        }
    }
}
