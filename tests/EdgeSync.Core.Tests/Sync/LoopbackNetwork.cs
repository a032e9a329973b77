using EdgeSync.Core.Sync;

namespace EdgeSync.Core.Tests.Sync;

/// <summary>
/// A tiny in-memory network for engine tests: messages queue (encoded, as on a real wire) until
/// <see cref="DeliverAll"/>; a filter can drop some. Single-threaded.
/// </summary>
public sealed class LoopbackNetwork
{
    private readonly Dictionary<string, Endpoint> _endpoints = new(StringComparer.Ordinal);
    private readonly Queue<(string To, byte[] Bytes)> _queue = new();

    public Func<string, SyncMessage, bool> Drop { get; set; } = (_, _) => false;

    public long Bytes { get; private set; }

    public List<SyncMessage> Sent { get; } = [];

    public ISyncTransport Attach(string node)
    {
        var endpoint = new Endpoint(this, node);
        _endpoints[node] = endpoint;
        return endpoint;
    }

    public int DeliverAll(int limit = 100_000)
    {
        var delivered = 0;
        while (_queue.Count > 0 && delivered < limit)
        {
            var (to, bytes) = _queue.Dequeue();
            delivered++;
            _endpoints[to].Raise(SyncCodec.Decode(bytes));
        }

        return delivered;
    }

    private void Send(string from, string to, SyncMessage message)
    {
        var bytes = SyncCodec.Encode(message);
        Bytes += bytes.Length;
        Sent.Add(message);
        if (!Drop(to, message) && _endpoints.ContainsKey(to))
        {
            _queue.Enqueue((to, bytes));
        }
    }

    private sealed class Endpoint(LoopbackNetwork network, string node) : ISyncTransport
    {
        public event Action<SyncMessage>? Received;

        public void Send(string peer, SyncMessage message) => network.Send(node, peer, message);

        public void Broadcast(SyncMessage message)
        {
            foreach (var peer in network._endpoints.Keys.Where(p => p != node).ToList())
            {
                network.Send(node, peer, message);
            }
        }

        public void Raise(SyncMessage message) => Received?.Invoke(message);
    }
}
