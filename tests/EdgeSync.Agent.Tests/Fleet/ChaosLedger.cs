namespace EdgeSync.Agent.Tests.Fleet;

/// <summary>
/// What the chaos clients were told, and what that allows the converged fleet to hold. Unique keys
/// are written once: acknowledged, they must be there with their value; an acknowledged delete must
/// stay deleted; an answer that never came (a timeout, a killed agent) allows either outcome; a key
/// nobody wrote must not exist. Shared keys, written concurrently without contexts, may hold siblings,
/// but only of values someone wrote; under last-writer-wins, exactly one of them.
/// </summary>
public sealed class ChaosLedger
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, string> _acked = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _unknown = new(StringComparer.Ordinal);
    private readonly HashSet<string> _deleted = new(StringComparer.Ordinal);
    private readonly HashSet<string> _maybeDeleted = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<string>> _shared = new(StringComparer.Ordinal);
    private readonly HashSet<string> _lww = new(StringComparer.Ordinal);
    private readonly HashSet<string> _sharedAcked = new(StringComparer.Ordinal);

    private readonly Dictionary<string, int> _readsRefused = new(StringComparer.Ordinal);
    private int _readsChecked;

    /// <summary>Reads on another node that answered with a write just acknowledged.</summary>
    public int ReadsChecked => Volatile.Read(ref _readsChecked);

    public void ReadChecked() => Interlocked.Increment(ref _readsChecked);

    /// <summary>A read-back that was refused or got no answer, by why: allowed, but a failure to judge should say why.</summary>
    public void ReadRefused(string reason)
    {
        lock (_lock)
        {
            _readsRefused[reason] = _readsRefused.GetValueOrDefault(reason) + 1;
        }
    }

    /// <summary>The refused read-backs, e.g. "503 ×4, no answer ×2", or "none".</summary>
    public string ReadsRefused()
    {
        lock (_lock)
        {
            return _readsRefused.Count == 0 ? "none" : string.Join(", ", _readsRefused.OrderByDescending(p => p.Value).Select(p => $"{p.Key} ×{p.Value}"));
        }
    }

    public int Acknowledged
    {
        get
        {
            lock (_lock)
            {
                return _acked.Count + _deleted.Count;
            }
        }
    }

    public void Acked(string key, string value)
    {
        lock (_lock)
        {
            _acked[key] = value;
        }
    }

    public void Unknown(string key, string value)
    {
        lock (_lock)
        {
            _unknown[key] = value;
        }
    }

    /// <summary>An acknowledged write of this key, not yet asked to be deleted (null if none).</summary>
    public string? DeletableFrom(IReadOnlyList<string> candidates, Random random)
    {
        lock (_lock)
        {
            var open = candidates.Where(k => _acked.ContainsKey(k) && !_deleted.Contains(k) && !_maybeDeleted.Contains(k)).ToList();
            return open.Count == 0 ? null : open[random.Next(open.Count)];
        }
    }

    /// <summary>Recorded unacknowledged before it is sent, and again once acknowledged.</summary>
    public void Deleted(string key, bool acknowledged)
    {
        lock (_lock)
        {
            (acknowledged ? _deleted : _maybeDeleted).Add(key);
        }
    }

    /// <summary>Recorded before it is sent: a write whose answer is lost may still land.</summary>
    public void Shared(string key, string value, bool lww)
    {
        lock (_lock)
        {
            if (lww)
            {
                _lww.Add(key);
            }

            if (!_shared.TryGetValue(key, out var values))
            {
                _shared[key] = values = new HashSet<string>(StringComparer.Ordinal);
            }

            values.Add(value);
        }
    }

    /// <summary>A write of a shared key was acknowledged: the key must exist in the end.</summary>
    public void SharedAcked(string key)
    {
        lock (_lock)
        {
            _sharedAcked.Add(key);
        }
    }

    /// <summary>Everything wrong with one node's converged data (key → sorted values joined by '|').</summary>
    public List<string> Problems(string node, IReadOnlyDictionary<string, string> data)
    {
        var problems = new List<string>();
        lock (_lock)
        {
            foreach (var (key, value) in _acked)
            {
                data.TryGetValue(key, out var got);
                if (_deleted.Contains(key))
                {
                    Expect(got is null, $"{node}: '{key}' was deleted (acknowledged) but holds {got}");
                }
                else if (_maybeDeleted.Contains(key))
                {
                    Expect(got is null || got == value, $"{node}: '{key}' holds {got}, neither its value {value} nor deleted");
                }
                else
                {
                    Expect(got == value, $"{node}: acknowledged '{key}' = {value} holds {got ?? "nothing"}");
                }
            }

            foreach (var (key, value) in _unknown)
            {
                data.TryGetValue(key, out var got);
                Expect(got is null || got == value, $"{node}: '{key}' (answer lost) holds {got}, not {value}");
            }

            foreach (var (key, written) in _shared)
            {
                data.TryGetValue(key, out var got);
                var values = got?.Split('|') ?? [];
                var stray = values.Where(v => !written.Contains(v)).ToList();
                Expect((values.Length > 0 || !_sharedAcked.Contains(key)) && stray.Count == 0, $"{node}: shared '{key}' holds {got ?? "nothing"}; written were {string.Join(", ", written)}");
                Expect(values.Length <= 1 || !_lww.Contains(key), $"{node}: last-writer-wins '{key}' holds siblings {got}");
            }

            foreach (var key in data.Keys.Where(k => !_acked.ContainsKey(k) && !_unknown.ContainsKey(k) && !_shared.ContainsKey(k)))
            {
                problems.Add($"{node}: '{key}' = {data[key]} was never written");
            }
        }

        return problems;

        void Expect(bool ok, string problem)
        {
            if (!ok)
            {
                problems.Add(problem);
            }
        }
    }
}
