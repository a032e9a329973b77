using EdgeSync.Core.Clocks;

namespace EdgeSync.Core.Fleet;

/// <summary>
/// How far each peer trails this node, from the applied vectors peers report in their heartbeats:
/// <c>Behind</c> counts the updates we hold that the peer's latest report lacks; <c>Lag</c> is how
/// long ago we first held one of them (zero when the peer has everything we have). Our own applied
/// vector is sampled at each of our heartbeats, so the lag has heartbeat resolution and a silent
/// peer's lag keeps growing — a peer we cannot hear from is behind for as long as that lasts.
/// Single-threaded, like <see cref="FleetNode"/>.
/// </summary>
public sealed class ReplicationLag
{
    /// <summary>Samples kept; beyond this the oldest go and a very old lag reads as "at least" this window.</summary>
    public const int MaxSamples = 4096;

    private readonly LinkedList<(long At, VersionVector Applied)> _samples = new();
    private readonly TimeProvider _time;

    public ReplicationLag(TimeProvider time) => _time = time;

    /// <summary>Our applied vector now (call at each heartbeat); only growth is recorded.</summary>
    public void Sample(VersionVector applied)
    {
        ArgumentNullException.ThrowIfNull(applied);
        if (_samples.Last is { } last && last.Value.Applied.Equals(applied))
        {
            return;
        }

        _samples.AddLast((_time.GetTimestamp(), applied));
        if (_samples.Count > MaxSamples)
        {
            _samples.RemoveFirst();
        }
    }

    /// <summary>Drop samples every peer has caught up with: they can no longer date anyone's lag.</summary>
    public void Trim(IEnumerable<VersionVector> reports)
    {
        var all = reports.ToList();
        while (_samples.First is { Next: not null } first && all.All(r => r.Dominates(first.Value.Applied)))
        {
            _samples.RemoveFirst();
        }
    }

    /// <summary>The lag of a peer whose latest report is <paramref name="reported"/> (null: never heard).</summary>
    public (long Behind, TimeSpan Lag) Of(VersionVector? reported)
    {
        if (_samples.Last is not { } latest)
        {
            return (0, TimeSpan.Zero);
        }

        reported ??= VersionVector.Empty;
        var behind = latest.Value.Applied.Entries.Sum(e => Math.Max(0, e.Value - reported[e.Key]));
        if (behind == 0)
        {
            return (0, TimeSpan.Zero);
        }

        // Our samples only grow, so the first one the peer lacks something of dates the lag.
        var since = _samples.First(s => !reported.Dominates(s.Applied)).At;
        return (behind, _time.GetElapsedTime(since));
    }
}
