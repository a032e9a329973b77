using EdgeSync.Core.Clocks;

namespace EdgeSync.Core.Sync;

/// <summary>
/// The delta half of anti-entropy: the initiator sends its applied set, the peer answers with
/// only the states holding updates the initiator lacks (partial batches continue at once) and
/// its own applied set as coverage; the initiator then sends the reverse half unasked. Every
/// applied set heard also feeds the stable vector for tombstone purge.
/// </summary>
public sealed partial class SyncEngine
{
    private void OnDeltaRequest(DeltaRequest m)
    {
        NotePeerApplied(m.Sender, m.Applied);
        var budget = PutOff(m.Sender) ? 0 : Budget();
        if (budget <= 0)
        {
            // Empty and without coverage means "busy": the peer retries next round (and, with no
            // coverage to go on, sends no reverse half of what this node lacks).
            Send(m.Sender, new DeltaResponse(_fleet, _self, m.Round, [], null));
            return;
        }

        var batch = _replica.Read(r => r.CollectMissing(m.Applied, budget, m.HoldsOwn ? m.Sender : null));
        Send(m.Sender, new DeltaResponse(_fleet, _self, m.Round, batch.States, batch.Coverage));
    }

    private async Task OnDeltaResponse(DeltaResponse m)
    {
        if (m.States.Count > 0 || m.Coverage is not null)
        {
            // States and coverage in one batch: the coverage claim holds only if the states are in.
            await _replica.WriteAsync(r =>
            {
                foreach (var state in m.States)
                {
                    r.Apply(state);
                }

                if (m.Coverage is not null)
                {
                    r.MergeCoverage(m.Coverage);
                }

                return 0;
            }).ConfigureAwait(false);
        }

        bool mine;
        bool outstanding;
        lock (_gate)
        {
            Stats.DeltaStatesReceived += m.States.Count;
            mine = m.Round != 0 && _outstanding.TryGetValue(m.Sender, out var round) && round == m.Round;
            if (mine && m.Coverage is not null)
            {
                _outstanding.Remove(m.Sender);
                Stats.DeltaExchangesCompleted++;
            }

            outstanding = _outstanding.ContainsKey(m.Sender);
        }

        if (m.Coverage is null)
        {
            // Partial: ask for the rest at once (unless it was "busy", or a duplicate of an old round).
            if (m.States.Count > 0 && (mine || (m.Round == 0 && !outstanding)))
            {
                StartDelta(m.Sender);
            }

            return;
        }

        NotePeerApplied(m.Sender, m.Coverage);
        if (!mine)
        {
            return;
        }

        // The digest check runs after a quiet exchange only: while the delta path still moves
        // updates the roots differ anyway, and descending would just list what is in flight.
        var sentBack = SendReverseHalf(m.Sender, m.Coverage);
        if (_options.DigestCheck && m.States.Count == 0 && !sentBack)
        {
            StartDigest(m.Sender);
        }

        await TryPurge().ConfigureAwait(false);
    }

    /// <summary>The peer's applied set arrived as coverage: send it what it lacks, unasked. True when states went (or are due).</summary>
    private bool SendReverseHalf(string peer, DotSet peerApplied)
    {
        if (_replica.Read(r => peerApplied.ContainsAll(r.Applied)))
        {
            return false;
        }

        var budget = Budget();
        if (budget <= 0)
        {
            return true;
        }

        var batch = _replica.Read(r => r.CollectMissing(peerApplied, budget));
        Send(peer, new DeltaResponse(_fleet, _self, 0, batch.States, batch.Coverage));
        return batch.States.Count > 0;
    }

    /// <summary>Purge tombstones every member has seen, once all members' applied sets are known.</summary>
    private async Task TryPurge()
    {
        if (!_options.PurgeTombstones)
        {
            return;
        }

        var peers = Peers();
        var vectors = new List<VersionVector>(peers.Count + 1);
        lock (_gate)
        {
            foreach (var peer in peers)
            {
                if (!_peerApplied.TryGetValue(peer, out var v))
                {
                    return;
                }

                vectors.Add(v);
            }
        }

        vectors.Add(_replica.Read(r => r.Applied.ToBaseVector()));
        var stable = VersionVector.Min(vectors);
        var frontier = vectors.Aggregate(VersionVector.Empty, (max, v) => max.Merge(v));
        lock (_gate)
        {
            if (stable.Equals(_lastPurge))
            {
                return;
            }

            _lastPurge = stable;
        }

        var purged = await _replica.WriteAsync(r => r.PurgeStable(stable, frontier)).ConfigureAwait(false);
        lock (_gate)
        {
            Stats.TombstonesPurged += purged;
        }
    }

    private void NotePeerApplied(string peer, DotSet applied)
    {
        var vector = applied.ToBaseVector();
        lock (_gate)
        {
            // Applied sets only grow; keep the larger view if messages arrive out of order.
            _peerApplied[peer] = _peerApplied.TryGetValue(peer, out var known) ? known.Merge(vector) : vector;
        }
    }
}
