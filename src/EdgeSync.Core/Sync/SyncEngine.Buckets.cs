using EdgeSync.Core.Clocks;
using EdgeSync.Core.Store;

namespace EdgeSync.Core.Sync;

/// <summary>
/// The Merkle half of anti-entropy, second part: reconcile the differing leaf buckets. The
/// requester A sends salted 16-bit fingerprints of its states there and its applied base; the
/// peer B answers with its states A has no match for and A's fingerprints it could not match;
/// A merges B's states and sends back its merged states where they still differ and the states
/// behind its unmatched fingerprints. Repairs are applied in repair mode (judged by each key's
/// own context), so this also fixes what the delta path cannot see.
/// <para>
/// Context check: B does not send a state whose every version A's applied base already covers
/// (typically B's old copy of a key A changed): A's state then contains all of it, and A sends
/// its own because its fingerprint is unmatched. A replica whose store disagrees with its applied
/// set (lost or restored data) is what this path exists for, so per bucket B skips at most as
/// many such states as A has unmatched fingerprints there: a key A lost entirely has no print to
/// pair with and is sent (if the budget went to another key, that one is resolved in this check
/// and the lost key is sent in the next). A receiver of first-hop repair states whose merged
/// state still differs from the one received sends the merged state back once, so both sides end
/// at the join even when A's state did not in fact contain B's; a reply is never answered.
/// </para>
/// </summary>
public sealed partial class SyncEngine
{
    /// <summary>
    /// A 16-bit fingerprint of one key state (its digest covers the key too), salted per exchange:
    /// a collision hides one difference for one check only; the roots still differ and the next
    /// check, with a fresh salt, finds it.
    /// </summary>
    public static ushort Fingerprint(uint salt, KeyState state) => Fingerprint(salt, DigestOf(state));

    /// <summary>The fingerprint of the state whose <see cref="DigestOf"/> is <paramref name="digest"/>.</summary>
    public static ushort Fingerprint(uint salt, ulong digest) =>
        (ushort)(MerkleTree.Mix(digest ^ (salt * 0x9E3779B97F4A7C15UL)) >> 48);

    /// <summary>Has a replica with applied base <paramref name="applied"/> seen every version of <paramref name="state"/>?</summary>
    public static bool SeenBy(VersionVector applied, KeyState state) =>
        state.Siblings.Length > 0 && state.Siblings.All(s => applied.Covers(s.Origin, s.Seq));

    private void SendBucketRequest(string peer, int[] buckets)
    {
        uint salt;
        lock (_gate)
        {
            salt = NextSalt();
        }

        var (counts, prints, applied) = _replica.Read(r =>
        {
            var c = new List<int>(buckets.Length);
            var p = new List<ushort>();
            foreach (var bucket in buckets)
            {
                var before = p.Count;
                p.AddRange(r.Tree.Leaves.Entries(bucket).Select(e => Fingerprint(salt, e.Digest)));
                c.Add(p.Count - before);
            }

            return (c, p, r.Applied.ToBaseVector());
        });

        Send(peer, new BucketRequest(_fleet, _self, salt, buckets, counts, prints, applied));
    }

    private void OnBucketRequest(BucketRequest m)
    {
        if (Budget() <= 0)
        {
            return;
        }

        // Answer per group of whole buckets that fits a batch: our states the peer has no
        // fingerprint for (minus those it has seen, see above), and the peer's fingerprints none
        // of our states has.
        var applied = _replica.Read(r => r.Applied.ToBaseVector());
        var buckets = new List<int>();
        var counts = new List<int>();
        var unmatched = new List<ushort>();
        var states = new List<KeyState>();
        var bytes = 0L;
        var offset = 0;
        for (var i = 0; i < m.Buckets.Count; i++)
        {
            var theirs = new Dictionary<ushort, int>();
            foreach (var print in m.Prints.Skip(offset).Take(m.Counts[i]))
            {
                theirs[print] = theirs.GetValueOrDefault(print) + 1;
            }

            offset += m.Counts[i];
            // Matched from the tree's digests; only the states without a match are read from the store.
            var mine = _replica.Read(r =>
            {
                var unmatchedKeys = new List<string>();
                foreach (var (key, digest) in r.Tree.Leaves.Entries(m.Buckets[i]))
                {
                    var print = Fingerprint(m.Salt, digest);
                    if (theirs.TryGetValue(print, out var n) && n > 0)
                    {
                        theirs[print] = n - 1;
                    }
                    else
                    {
                        unmatchedKeys.Add(key);
                    }
                }

                return unmatchedKeys.Select(r.Load).OfType<KeyState>().ToList();
            });

            // Which seen states to skip is picked by the salted fingerprint, i.e. afresh in each
            // exchange, so a key the peer lost is not passed over check after check in favour of
            // the same other key.
            var skippable = theirs.Values.Sum();
            foreach (var state in mine.OrderBy(s => Fingerprint(~m.Salt, s)))
            {
                if (skippable > 0 && SeenBy(m.Applied, state))
                {
                    skippable--;
                    continue;
                }

                states.Add(state);
                bytes += state.ApproximateBytes;
            }

            buckets.Add(m.Buckets[i]);
            var before = unmatched.Count;
            unmatched.AddRange(theirs.Where(p => p.Value > 0).SelectMany(p => Enumerable.Repeat(p.Key, p.Value)));
            counts.Add(unmatched.Count - before);
            if (bytes >= _options.MaxBatchBytes)
            {
                Send(m.Sender, new BucketResponse(_fleet, _self, m.Salt, buckets, counts, unmatched, states, applied));
                (buckets, counts, unmatched, states, bytes) = ([], [], [], [], 0);
            }
        }

        if (states.Count > 0 || unmatched.Count > 0)
        {
            Send(m.Sender, new BucketResponse(_fleet, _self, m.Salt, buckets, counts, unmatched, states, applied));
        }
    }

    private async Task OnBucketResponse(BucketResponse m)
    {
        // Merge the peer's differing states; send ours back where we still differ, and send the
        // states behind our fingerprints the peer could not match (unless just merged above).
        var back = await _replica.WriteAsync(r =>
        {
            var differ = ApplyRepairs(r, m.States, m.SenderApplied);
            var received = m.States.Select(s => s.Key).ToHashSet(StringComparer.Ordinal);
            var offset = 0;
            for (var i = 0; i < m.Buckets.Count; i++)
            {
                var unmatched = m.Unmatched.Skip(offset).Take(m.UnmatchedCounts[i]).ToHashSet();
                offset += m.UnmatchedCounts[i];
                if (unmatched.Count > 0)
                {
                    differ.AddRange(r.Tree.Leaves.Entries(m.Buckets[i])
                        .Where(e => !received.Contains(e.Key) && unmatched.Contains(Fingerprint(m.Salt, e.Digest)))
                        .Select(e => r.Load(e.Key))
                        .OfType<KeyState>());
                }
            }

            return differ;
        }).ConfigureAwait(false);

        lock (_gate)
        {
            Stats.RepairStatesReceived += m.States.Count;
        }

        SendStates(m.Sender, back, reply: false);
    }

    private async Task OnStatesResponse(StatesResponse m)
    {
        var back = await _replica.WriteAsync(r => ApplyRepairs(r, m.States, m.SenderApplied)).ConfigureAwait(false);
        lock (_gate)
        {
            Stats.RepairStatesReceived += m.States.Count;
        }

        if (!m.IsReply)
        {
            SendStates(m.Sender, back, reply: true);
        }
    }

    /// <summary>Apply repair states; returns our merged states that still differ from the ones received.</summary>
    private static List<KeyState> ApplyRepairs(Replica r, IReadOnlyList<KeyState> states, VersionVector senderApplied)
    {
        var differ = new List<KeyState>();
        foreach (var state in states)
        {
            r.Apply(state, repair: true, senderApplied);
            if (r.Load(state.Key) is { } merged && DigestOf(merged) != DigestOf(state))
            {
                differ.Add(merged);
            }
        }

        return differ;
    }

    private void SendStates(string peer, List<KeyState> states, bool reply)
    {
        if (states.Count == 0)
        {
            return;
        }

        var applied = _replica.Read(r => r.Applied.ToBaseVector());
        foreach (var batch in Batches(states))
        {
            Send(peer, new StatesResponse(_fleet, _self, batch, applied, reply));
        }
    }
}
