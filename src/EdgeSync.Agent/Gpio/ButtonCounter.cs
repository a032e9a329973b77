using System.Globalization;
using EdgeSync.Agent.Storage;
using EdgeSync.Core.Store;

namespace EdgeSync.Agent.Gpio;

/// <summary>
/// The demo button's write: <c>demo/button/{nodeId}</c> counts this node's presses. Read and
/// write happen in one store operation on the single writer, so quick presses never lose a
/// count, and the write's context covers every value read, so the key never grows siblings.
/// </summary>
public static class ButtonCounter
{
    public static string KeyFor(string nodeId) => $"demo/button/{nodeId}";

    /// <summary>
    /// A press handler for <see cref="LedService.OnPress"/>. While <paramref name="fenced"/> says the
    /// store is being re-seeded after a corruption, a press is refused like any local write (the
    /// button service logs the reason): counting from a partial store could reuse a lost version.
    /// </summary>
    public static Func<Task> Handler(ReplicaService store, string nodeId, Func<bool>? fenced = null) => async () =>
    {
        if (fenced?.Invoke() == true)
        {
            throw new InvalidOperationException("the store is being recovered from the fleet; local writes are refused until it is re-seeded");
        }

        var result = await store.WriteAsync(replica => Increment(replica, nodeId));
        if (!result.Ok)
        {
            throw new InvalidOperationException(result.Message);
        }
    };

    public static WriteResult Increment(Replica replica, string nodeId)
    {
        var key = KeyFor(nodeId);
        var read = replica.Get(key);
        long count = 0;
        foreach (var sibling in read.Values)
        {
            // Anything not a whole number (someone wrote the key by hand) counts as 0.
            if (long.TryParse(sibling.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n > count)
            {
                count = n;
            }
        }

        return replica.Put(key, (count + 1).ToString(CultureInfo.InvariantCulture), read.Context);
    }
}
