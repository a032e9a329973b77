using EdgeSync.Core.Store;

namespace EdgeSync.Core.Sync;

/// <summary>
/// The Merkle half of anti-entropy: compare roots, descend one level per round trip only where
/// hashes differ; for differing leaf buckets send salted 32-bit fingerprints of our key states,
/// get back the peer's states we lack a match for (plus our fingerprints it could not match),
/// and answer with our states where we still differ. Repairs are applied in repair mode (judged
/// by each key's own context), so this also fixes what the delta path cannot see.
/// </summary>
public sealed partial class SyncEngine
{
    private const int BucketsPerRequest = 64;

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
            SendBucketRequest(m.Sender, chunk);
        }
    }

    /// <summary>A 32-bit fingerprint of one key state (its digest covers the key too), salted per exchange.</summary>
    public static uint Fingerprint(uint salt, KeyState state)
    {
        var x = DigestOf(state) ^ (salt * 0x9E3779B97F4A7C15UL);
        x ^= x >> 33;
        x *= 0xFF51AFD7ED558CCDUL;
        x ^= x >> 33;
        return (uint)x;
    }

    private void SendBucketRequest(string peer, int[] buckets)
    {
        uint salt;
        lock (_gate)
        {
            salt = (uint)_random.NextInt64(uint.MaxValue);
        }

        var (counts, prints) = _replica.Read(r =>
        {
            var c = new List<int>(buckets.Length);
            var p = new List<uint>();
            foreach (var bucket in buckets)
            {
                var before = p.Count;
                p.AddRange(r.Bucket(bucket).Select(s => Fingerprint(salt, s)));
                c.Add(p.Count - before);
            }

            return (c, p);
        });

        Send(peer, new BucketRequest(_fleet, _self, salt, buckets, counts, prints));
    }

    private void OnBucketRequest(BucketRequest m)
    {
        if (Budget() <= 0)
        {
            return;
        }

        // Answer per group of whole buckets that fits a batch: our states the peer has no
        // fingerprint for, and the peer's fingerprints none of our states has.
        var applied = _replica.Read(r => r.Applied.ToBaseVector());
        var buckets = new List<int>();
        var unmatched = new List<uint>();
        var states = new List<KeyState>();
        var bytes = 0L;
        var offset = 0;
        for (var i = 0; i < m.Buckets.Count; i++)
        {
            var theirs = new Dictionary<uint, int>();
            foreach (var print in m.Prints.Skip(offset).Take(m.Counts[i]))
            {
                theirs[print] = theirs.GetValueOrDefault(print) + 1;
            }

            offset += m.Counts[i];
            foreach (var state in _replica.Read(r => r.Bucket(m.Buckets[i]).ToList()))
            {
                var print = Fingerprint(m.Salt, state);
                if (theirs.TryGetValue(print, out var n) && n > 0)
                {
                    theirs[print] = n - 1;
                }
                else
                {
                    states.Add(state);
                    bytes += state.ApproximateBytes;
                }
            }

            buckets.Add(m.Buckets[i]);
            unmatched.AddRange(theirs.Where(p => p.Value > 0).SelectMany(p => Enumerable.Repeat(p.Key, p.Value)));
            if (bytes >= _options.MaxBatchBytes)
            {
                Send(m.Sender, new BucketResponse(_fleet, _self, m.Salt, buckets, unmatched, states, applied));
                (buckets, unmatched, states, bytes) = ([], [], [], 0);
            }
        }

        if (states.Count > 0 || unmatched.Count > 0)
        {
            Send(m.Sender, new BucketResponse(_fleet, _self, m.Salt, buckets, unmatched, states, applied));
        }
    }

    private async Task OnBucketResponse(BucketResponse m)
    {
        // Merge the peer's differing states; send ours back where we still differ, and send the
        // states behind our fingerprints the peer could not match (unless just merged above).
        var back = await _replica.WriteAsync(r =>
        {
            var differ = new List<KeyState>();
            var received = new HashSet<string>(StringComparer.Ordinal);
            foreach (var state in m.States)
            {
                received.Add(state.Key);
                r.Apply(state, repair: true, m.SenderApplied);
                if (r.Load(state.Key) is { } merged && DigestOf(merged) != DigestOf(state))
                {
                    differ.Add(merged);
                }
            }

            var unmatched = m.Unmatched.ToHashSet();
            foreach (var bucket in m.Buckets.Distinct())
            {
                differ.AddRange(r.Bucket(bucket).Where(s => !received.Contains(s.Key) && unmatched.Contains(Fingerprint(m.Salt, s))));
            }

            return differ;
        }).ConfigureAwait(false);

        lock (_gate)
        {
            Stats.RepairStatesReceived += m.States.Count;
        }

        SendStates(m.Sender, back);
    }

    private async Task OnStatesResponse(StatesResponse m)
    {
        await _replica.WriteAsync(r =>
        {
            foreach (var state in m.States)
            {
                r.Apply(state, repair: true, m.SenderApplied);
            }

            return 0;
        }).ConfigureAwait(false);

        lock (_gate)
        {
            Stats.RepairStatesReceived += m.States.Count;
        }
    }

    private void SendStates(string peer, List<KeyState> states)
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
                Send(peer, new StatesResponse(_fleet, _self, batch, applied));
                batch = [];
                bytes = 0;
            }

            batch.Add(state);
            bytes += state.ApproximateBytes;
        }

        if (batch.Count > 0)
        {
            Send(peer, new StatesResponse(_fleet, _self, batch, applied));
        }
    }
}
