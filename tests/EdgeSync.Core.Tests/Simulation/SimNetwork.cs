using EdgeSync.Core.Sync;

namespace EdgeSync.Core.Tests.Simulation;

/// <summary>
/// A seeded in-memory network between simulated nodes. Every message goes through the wire codec
/// (so the simulation also exercises it), then may be dropped, delayed, duplicated (and so
/// reordered), or cut by a partition. Everything delivered feeds the trace hash.
/// </summary>
public sealed class SimNetwork(SimScheduler scheduler, Random random, SimTrace trace)
{
    private readonly Dictionary<string, SimTransport> _endpoints = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _group = new(StringComparer.Ordinal);
    private readonly List<(string From, byte[] Bytes)> _old = [];

    public double DropRate { get; set; }

    public double DuplicateRate { get; set; }

    public int MaxDelayMs { get; set; } = 20;

    public long BytesSent { get; private set; }

    public long MessagesSent { get; private set; }

    public long MessagesDelivered { get; private set; }

    /// <summary>Sees each message as it is delivered: sender, receiver, message.</summary>
    public Action<string, string, SyncMessage>? Delivered { get; set; }

    public SimTransport Attach(string node)
    {
        var endpoint = new SimTransport(this, node);
        _endpoints[node] = endpoint;
        _group.TryAdd(node, 0);
        return endpoint;
    }

    public void Detach(string node) => _endpoints.Remove(node);

    /// <summary>Split the nodes into the given groups; nodes in different groups cannot talk.</summary>
    public void Partition(IReadOnlyList<IReadOnlyCollection<string>> groups)
    {
        for (var g = 0; g < groups.Count; g++)
        {
            foreach (var node in groups[g])
            {
                _group[node] = g;
            }
        }

        trace.Add($"partition {string.Join(" | ", groups.Select(x => string.Join(',', x)))}");
    }

    public void Heal()
    {
        foreach (var node in _group.Keys.ToList())
        {
            _group[node] = 0;
        }

        trace.Add("heal");
    }

    public bool Connected(string a, string b) => _group.GetValueOrDefault(a) == _group.GetValueOrDefault(b);

    public void Send(string from, string to, SyncMessage message)
    {
        var bytes = SyncCodec.Encode(message);
        BytesSent += bytes.Length;
        MessagesSent++;
        if (!Connected(from, to) || random.NextDouble() < DropRate)
        {
            return;
        }

        Schedule(from, to, bytes);
        if (random.NextDouble() < DuplicateRate)
        {
            Schedule(from, to, bytes);
        }
    }

    public void Broadcast(string from, SyncMessage message)
    {
        foreach (var to in _group.Keys.Where(n => n != from).Order(StringComparer.Ordinal).ToList())
        {
            Send(from, to, message);
        }
    }

    /// <summary>Deliver some long-gone messages again, to any node: a very late duplicate or a replay.</summary>
    public void ReplayOld(int count)
    {
        for (var i = 0; i < count && _old.Count > 0; i++)
        {
            var (from, bytes) = _old[random.Next(_old.Count)];
            var targets = _endpoints.Keys.Where(n => n != from).Order(StringComparer.Ordinal).ToList();
            if (targets.Count > 0)
            {
                var to = targets[random.Next(targets.Count)];
                trace.Add(scheduler.NowMs, from, to, bytes);
                _endpoints[to].Deliver(SyncCodec.Decode(bytes));
            }
        }
    }

    private void Remember(string from, byte[] bytes)
    {
        if (_old.Count < 256)
        {
            _old.Add((from, bytes));
        }
        else
        {
            _old[random.Next(_old.Count)] = (from, bytes);
        }
    }

    private void Schedule(string from, string to, byte[] bytes) =>
        scheduler.At(random.Next(1, MaxDelayMs + 1), () =>
        {
            // A partition or crash that happened while the message was in flight also cuts it.
            if (!Connected(from, to) || !_endpoints.TryGetValue(to, out var endpoint))
            {
                return;
            }

            MessagesDelivered++;
            trace.Add(scheduler.NowMs, from, to, bytes);
            Remember(from, bytes);
            var message = SyncCodec.Decode(bytes);
            Delivered?.Invoke(from, to, message);
            endpoint.Deliver(message);
        });
}
