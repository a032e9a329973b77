using System.Globalization;
using EdgeSync.Core.Clocks;
using EdgeSync.Core.Sync;

namespace EdgeSync.Core.Store;

/// <summary>
/// One node's replica: local writes, reads, applying replicated states, delta collection and
/// tombstone purge, on top of a storage port. Not thread-safe: one writer owns it (the agent
/// serialises calls and groups <see cref="Commit"/>s; the simulator is single-threaded).
/// </summary>
public sealed class Replica
{
    private readonly IReplicaStorage _storage;
    private readonly Dictionary<string, VersionVector> _armed = new(StringComparer.Ordinal);
    private bool _metaDirty;

    /// <param name="actor">The origin of this replica's own updates: the node id, or one made unique to
    /// this store, so that a node with a new store never numbers its updates like the ones it lost.</param>
    public Replica(string actor, IReplicaStorage storage, StoreOptions options, TimeProvider time)
    {
        if (!NodeId.IsValid(actor))
        {
            throw new ArgumentException($"Node id must be {NodeId.Rule}.", nameof(actor));
        }

        Actor = actor;
        _storage = storage;
        Options = options;
        var meta = storage.LoadMeta();
        Applied = meta?.Applied.Clone() ?? new DotSet();
        Clock = new HybridLogicalClock(time, meta?.Clock ?? HybridTimestamp.Zero);
        Stable = meta?.Stable ?? VersionVector.Empty;
        var nowMs = Math.Max(Clock.Last.WallMs, time.GetUtcNow().ToUnixTimeMilliseconds());
        if (storage.LoadTree() is { } kept)
        {
            // In milliseconds, not a TimeSpan: any build time read from a file must not overflow anything.
            var ageMs = kept.BuiltAtMs >= 0 ? nowMs - kept.BuiltAtMs : -1;
            if (ageMs >= 0 && ageMs <= MaxKeptTreeAge.TotalMilliseconds)
            {
                Tree = kept.Tree;
                LiveKeys = kept.LiveKeys;
                TreeBuiltAtMs = kept.BuiltAtMs;
                TreeFromSnapshot = true;
                return;
            }

            KeptTreeRefused = ageMs < 0
                ? "was built later than this node's clock now says"
                : string.Create(CultureInfo.InvariantCulture, $"was built from the records {ageMs / 86_400_000.0:F1} days ago: it is rebuilt at least every {MaxKeptTreeAge.TotalDays:F0} days, which also catches records changed on disk");
        }

        Tree = new MerkleTree();
        TreeBuiltAtMs = nowMs;
        foreach (var state in storage.LoadAll())
        {
            Tree.Update(state.Key, null, state);
            if (!state.IsDeleted)
            {
                LiveKeys++;
            }
        }
    }

    /// <summary>The origin of this replica's own updates.</summary>
    public string Actor { get; }

    public StoreOptions Options { get; }

    /// <summary>Every node-wide update this replica holds, or holds a successor of.</summary>
    public DotSet Applied { get; }

    public HybridLogicalClock Clock { get; }

    public MerkleTree Tree { get; }

    /// <summary>Whether opening took the tree kept by the last clean close instead of reading every record.</summary>
    public bool TreeFromSnapshot { get; }

    /// <summary>
    /// How long a kept tree is trusted, counted from when it was last built from the records. A kept
    /// tree carries the digests of the records as they were written; rebuilding reads what is on disk
    /// now, so a record changed underneath (bit rot, a bug) shows up in the next digest check.
    /// </summary>
    public static TimeSpan MaxKeptTreeAge { get; } = TimeSpan.FromDays(7);

    /// <summary>When the tree was last built from every record (hybrid-clock wall time, ms).</summary>
    public long TreeBuiltAtMs { get; }

    /// <summary>Why opening did not take the kept tree the storage offered (it was too old); null otherwise.</summary>
    public string? KeptTreeRefused { get; }

    public ReplicaStats Stats { get; } = new();

    public long LiveKeys { get; private set; }

    /// <summary>The latest fleet-wide stable vector this node has purged with.</summary>
    public VersionVector Stable { get; private set; } = VersionVector.Empty;

    public event Action<ReplicaChange>? Changed;

    /// <param name="replicatedByCaller">The caller sends the new state to every peer itself (a quorum
    /// or all write asks each one for a durable acknowledgement), so the commit's push leaves it out
    /// rather than send it to every peer twice.</param>
    public WriteResult Put(string key, string json, DotSet? context, bool replicatedByCaller = false)
    {
        if (KeyRules.Validate(key) is { } keyProblem)
        {
            return WriteResult.Fail(WriteStatus.InvalidKey, keyProblem);
        }

        if (ValueRules.Check(json, Options.MaxValueBytes) is { } valueProblem)
        {
            return valueProblem;
        }

        return WriteLocal(key, json, context, replicatedByCaller);
    }

    /// <param name="replicatedByCaller">As for <see cref="Put"/>.</param>
    public WriteResult Delete(string key, DotSet? context, bool replicatedByCaller = false)
    {
        if (KeyRules.Validate(key) is { } keyProblem)
        {
            return WriteResult.Fail(WriteStatus.InvalidKey, keyProblem);
        }

        var local = _storage.Load(key);
        if (context is null && (local is null || local.IsDeleted))
        {
            return WriteResult.Fail(WriteStatus.NotFound, $"Key '{key}' does not exist.");
        }

        return WriteLocal(key, null, context, replicatedByCaller);
    }

    public ReadResult Get(string key) => ReadResult.From(key, _storage.Load(key));

    public IReadOnlyList<KeyState> List(string prefix, string? startAfter, int limit)
    {
        // Deleted keys are skipped, so keep reading past them until the page is full.
        var page = new List<KeyState>(Math.Min(limit, 1024));
        var after = startAfter;
        while (page.Count < limit)
        {
            var chunk = _storage.List(prefix, after, limit).ToList();
            if (chunk.Count == 0)
            {
                break;
            }

            page.AddRange(chunk.Where(s => !s.IsDeleted).Take(limit - page.Count));
            after = chunk[^1].Key;
        }

        return page;
    }

    /// <summary>
    /// Every stored record in key order, tombstones included (an export must keep deletes deleted),
    /// starting after <paramref name="startAfter"/>.
    /// </summary>
    public IReadOnlyList<KeyState> Export(string prefix, string? startAfter, int limit) =>
        [.. _storage.List(prefix, startAfter, limit).Take(limit)];

    /// <summary>
    /// Merge a state received from a peer. Idempotent and order-independent. In repair mode
    /// (Merkle path) versions are judged by the key's context alone, since the divergence being
    /// repaired may be one the node-wide record of applied updates cannot see. A causally stable
    /// version may belong to a key purged here, so it is taken only when it is live and
    /// <paramref name="senderApplied"/> (the sender's applied base when it sent the state) shows
    /// the sender had seen everything this node purged with: then no purged delete covers it.
    /// </summary>
    public ApplyOutcome Apply(KeyState remote, bool repair = false, VersionVector? senderApplied = null)
    {
        var local = _storage.Load(remote.Key);
        var localDots = local?.Siblings.Select(s => s.Dot).ToHashSet() ?? [];
        var senderSawPurges = senderApplied is not null && senderApplied.Dominates(Stable);
        var incoming = remote.Siblings.Where(s => localDots.Contains(s.Dot) || !AlreadySeen(s, repair, senderSawPurges)).ToList();
        var filtered = incoming.Count == remote.Siblings.Length ? remote : remote with { Siblings = [.. incoming] };

        foreach (var s in remote.Siblings)
        {
            _metaDirty |= Applied.Add(s.Update);
        }

        if (remote.Siblings.Length > 0)
        {
            Clock.Observe(remote.MaxTimestamp);
            _metaDirty = true;
        }

        var merged = KeyStateOps.Merge(local ?? KeyState.Empty(remote.Key), filtered, Options.PolicyFor(remote.Key));
        if ((local is null && merged.Siblings.Length == 0) || (local is not null && merged.SameAs(local)))
        {
            Stats.RemoteUnchanged++;
            return ApplyOutcome.Unchanged;
        }

        var liveBefore = local?.LiveValues.Count() ?? 0;
        var liveAfter = merged.LiveValues.Count();
        var newSiblings = liveAfter > 1 && liveAfter > liveBefore ? liveAfter - Math.Max(liveBefore, 1) : 0;
        Stats.SiblingsCreated += newSiblings;
        if (merged.Siblings.Length > Options.MaxSiblings)
        {
            // Replicated siblings are always kept: dropping one would lose an acknowledged write.
            Stats.SiblingOverflows++;
        }

        Stats.RemoteApplied++;
        Store(local, merged);
        Changed?.Invoke(new ReplicaChange(ChangeKind.Replicated, merged.Key, merged, newSiblings));
        return ApplyOutcome.Changed;
    }

    /// <summary>
    /// Every state holding an update <paramref name="peer"/> lacks, up to about <paramref name="maxBytes"/>.
    /// Updates by <paramref name="holder"/> are not looked for: it holds all of its own (a state is still
    /// sent when it also holds another origin's update the peer lacks).
    /// </summary>
    public DeltaBatch CollectMissing(DotSet peer, int maxBytes, string? holder = null)
    {
        var keys = new HashSet<string>(StringComparer.Ordinal);
        var states = new List<KeyState>();
        var bytes = 0;
        foreach (var origin in Applied.Nodes.Where(o => !string.Equals(o, holder, StringComparison.Ordinal)).ToList())
        {
            foreach (var (key, seq) in _storage.UpdatesAfter(origin, peer.BaseOf(origin)))
            {
                if (peer.Contains(origin, seq) || !keys.Add(key))
                {
                    continue;
                }

                var state = _storage.Load(key);
                if (state is null)
                {
                    continue;
                }

                if (states.Count > 0 && bytes + state.ApproximateBytes > maxBytes)
                {
                    return new DeltaBatch(states, null);
                }

                states.Add(state);
                bytes += state.ApproximateBytes;
            }
        }

        return new DeltaBatch(states, Applied.Clone());
    }

    /// <summary>After a complete delta batch has been applied, take over the sender's knowledge.</summary>
    public void MergeCoverage(DotSet coverage)
    {
        if (!Applied.ContainsAll(coverage))
        {
            Applied.UnionWith(coverage);
            _metaDirty = true;
        }
    }

    /// <summary>
    /// Purge deleted keys that are causally stable, in two phases. When every member holds a
    /// tombstone and everything it superseded (<paramref name="stable"/> covers them), the key is
    /// armed with <paramref name="frontier"/>: the most any member had applied in the same
    /// reports, which includes every write concurrent with the delete that any member had made.
    /// It is purged once the stable vector also covers that frontier, so no late copy of a value
    /// the tombstone never saw can bring the key back. Arming is kept in memory; after a restart
    /// a key is simply armed again with a later (larger) frontier.
    /// </summary>
    public int PurgeStable(VersionVector stable, VersionVector frontier)
    {
        var merged = Stable.Merge(stable);
        _metaDirty |= !merged.Equals(Stable);
        Stable = merged;
        var purged = 0;
        foreach (var key in _storage.DeletedKeys().ToList())
        {
            var state = _storage.Load(key);
            if (state is null || !state.IsDeleted || !state.Siblings.All(IsStable))
            {
                continue;
            }

            if (!_armed.TryGetValue(key, out var required))
            {
                _armed[key] = required = frontier.Merge(Stable);
            }

            if (!Stable.Dominates(required))
            {
                continue;
            }

            _armed.Remove(key);
            _storage.Remove(key);
            Tree.Update(key, state, null);
            purged++;
            Changed?.Invoke(new ReplicaChange(ChangeKind.Purged, key, null, 0));
        }

        Stats.TombstonesPurged += purged;
        _metaDirty |= purged > 0;
        return purged;
    }

    public bool IsStable(Sibling s) => Stable.Covers(s.Origin, s.Seq) && Stable.Dominates(s.Past);

    /// <summary>Persist the node-wide state and make the batch durable.</summary>
    public void Commit()
    {
        if (_metaDirty)
        {
            _storage.SaveMeta(new ReplicaMeta(Applied.Clone(), Clock.Last, Stable));
            _metaDirty = false;
        }

        _storage.Commit();
    }

    public KeyState? Load(string key) => _storage.Load(key);

    /// <summary>A clean close, after the last commit: the storage keeps the tree, and the next open need not read every record.</summary>
    public void KeepTree() => _storage.KeepTree(TreeInDoubt ? null : new TreeSnapshot(Tree, LiveKeys, TreeBuiltAtMs));

    /// <summary>
    /// Set once the tree was found out of step with the records on disk (<see cref="CheckTree"/>): it is
    /// then never kept, so the next start rebuilds it from the records and finds any that no longer decode.
    /// </summary>
    public bool TreeInDoubt { get; private set; }

    /// <summary>
    /// Compares up to <paramref name="limit"/> stored records after <paramref name="after"/> (key order)
    /// with the digests the tree holds: how a tree kept from the last stop is checked against what is on
    /// disk now (a record changed underneath, by bit rot or a bug). Returns where to go on (null at the
    /// end) and what differed, if anything; then the tree is in doubt. A record that no longer decodes
    /// throws, as any read of it does: the caller then calls <see cref="DoubtTree"/>.
    /// </summary>
    public (string? Next, string? Problem) CheckTree(string? after, int limit)
    {
        var states = _storage.List(string.Empty, after, limit).ToList();
        foreach (var state in states)
        {
            if (Tree.DigestHeld(state.Key) != (ulong)MerkleTree.LeafDigest(state))
            {
                DoubtTree();
                return (null, $"the record of key '{state.Key}' does not match the Merkle tree kept at the last stop");
            }
        }

        return (states.Count < limit ? null : states[^1].Key, null);
    }

    /// <summary>The tree is out of step with the records: keep none, and forget any kept before.</summary>
    public void DoubtTree()
    {
        TreeInDoubt = true;
        _storage.KeepTree(null);
    }

    private bool AlreadySeen(Sibling s, bool repair, bool senderSawPurges) =>
        repair ? IsStable(s) && (s.IsTombstone || !senderSawPurges) : Applied.Contains(s.Update);

    private WriteResult WriteLocal(string key, string? json, DotSet? context, bool replicatedByCaller)
    {
        var stored = _storage.Load(key);
        var local = stored ?? KeyState.Empty(key);
        var clientContext = context ?? local.Context;
        var policy = Options.PolicyFor(key);
        if (policy == ConflictPolicy.Siblings && KeyStateOps.RemainingAfterWrite(local, clientContext) + 1 > Options.MaxSiblings)
        {
            return WriteResult.Fail(
                WriteStatus.TooManySiblings,
                $"Key '{key}' already has {local.Siblings.Length} concurrent versions (Store:MaxSiblings = {Options.MaxSiblings}); read it, merge, and write back with its context.");
        }

        // The dot takes the node-wide sequence, never a per-key count: after a key is purged its
        // per-key history is gone, and a restarted count would reuse dots that replicas still
        // holding the tombstone have in their contexts (they would drop the new write).
        var seq = Applied.MaxOf(Actor) + 1;
        var dot = new Dot(Actor, seq);
        var fresh = new Sibling(dot, seq, Clock.Now(), json, VersionVector.Empty);
        var next = KeyStateOps.Write(local, clientContext, fresh, policy);

        // Claim every earlier dot of this node for the key, which keeps the context a compact
        // prefix: each such version is held here, superseded here, or was purged as stable.
        next.Context.AddPrefix(Actor, seq);
        Applied.Add(Actor, seq);
        _metaDirty = true;
        Stats.LocalWrites++;
        Store(stored, next);
        Changed?.Invoke(new ReplicaChange(json is null ? ChangeKind.LocalDelete : ChangeKind.LocalWrite, key, next, 0, replicatedByCaller));
        return new WriteResult(WriteStatus.Ok, null, next, new Dot(Actor, seq));
    }

    private void Store(KeyState? before, KeyState after)
    {
        _storage.Save(after);
        Tree.Update(after.Key, before, after);
        var wasLive = before is not null && !before.IsDeleted;
        var isLive = !after.IsDeleted;
        LiveKeys += (isLive ? 1 : 0) - (wasLive ? 1 : 0);
    }
}
