namespace EdgeSync.Core.Fleet;

/// <summary>
/// Adaptive-timeout failure detector per peer: a peer is suspected when its silence exceeds the
/// mean heartbeat gap plus four standard deviations, never less than three intervals. A broker
/// "offline" presence (last will) suspects it at once. Suspicion is "no answer yet", not death:
/// the next heartbeat clears it.
/// </summary>
public sealed class FailureDetector
{
    private const int Window = 32;

    private readonly TimeProvider _time;
    private readonly TimeSpan _interval;
    private readonly Dictionary<string, PeerTrack> _peers = new(StringComparer.Ordinal);

    public FailureDetector(IEnumerable<string> peers, TimeSpan interval, TimeProvider time)
    {
        _time = time;
        _interval = interval;
        foreach (var p in peers)
        {
            _peers[p] = new PeerTrack();
        }
    }

    public void Heard(string peer)
    {
        if (!_peers.TryGetValue(peer, out var track))
        {
            return;
        }

        var now = _time.GetTimestamp();
        if (track.Last is { } last)
        {
            track.Gaps.Enqueue(_time.GetElapsedTime(last, now).TotalMilliseconds);
            if (track.Gaps.Count > Window)
            {
                track.Gaps.Dequeue();
            }
        }

        track.Last = now;
        track.Offline = false;
    }

    public void Offline(string peer)
    {
        if (_peers.TryGetValue(peer, out var track))
        {
            track.Offline = true;
        }
    }

    public bool IsReachable(string peer)
    {
        if (!_peers.TryGetValue(peer, out var track) || track.Offline || track.Last is not { } last)
        {
            return false;
        }

        return _time.GetElapsedTime(last).TotalMilliseconds <= Timeout(track);
    }

    public long? LastSeenMs(string peer) =>
        _peers.TryGetValue(peer, out var track) && track.Last is { } last
            ? (long)_time.GetElapsedTime(last).TotalMilliseconds
            : null;

    public IEnumerable<string> Peers => _peers.Keys;

    /// <summary>
    /// The earliest timestamp after <paramref name="now"/> at which a peer heard so far falls silent
    /// long enough to be suspected; <see cref="long.MaxValue"/> if none.
    /// </summary>
    public long NextDue(long now)
    {
        var due = long.MaxValue;
        foreach (var track in _peers.Values)
        {
            if (!track.Offline && track.Last is { } last)
            {
                // IsReachable allows a silence of exactly the timeout, so the change comes just after it.
                var suspectedAt = last + (long)(Timeout(track) / 1000 * _time.TimestampFrequency) + 1;
                due = Deadlines.Earliest(now, due, suspectedAt);
            }
        }

        return due;
    }

    private double Timeout(PeerTrack track)
    {
        var floor = 3 * _interval.TotalMilliseconds;
        if (track.Gaps.Count < 4)
        {
            return floor;
        }

        var mean = track.Gaps.Average();
        var variance = track.Gaps.Sum(g => (g - mean) * (g - mean)) / track.Gaps.Count;
        return Math.Min(Math.Max(floor, mean + (4 * Math.Sqrt(variance))), 10 * _interval.TotalMilliseconds);
    }

    private sealed class PeerTrack
    {
        public long? Last;
        public bool Offline;
        public Queue<double> Gaps { get; } = new();
    }
}
