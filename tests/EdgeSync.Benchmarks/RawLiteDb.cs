using System.Diagnostics;
using System.Globalization;
using EdgeSync.Agent.Storage;
using EdgeSync.Core.Store;
using LiteDB;

namespace EdgeSync.Benchmarks;

/// <summary>
/// The documents the store writes (<see cref="KeyDocument"/>, with its indexes and collation), put
/// straight into LiteDB on one thread and never fsynced: the floor under every durable path, since
/// each replica stores each write as such a document.
/// </summary>
internal static class RawLiteDb
{
    /// <summary>
    /// Documents per second over the last <paramref name="count"/> of <paramref name="prefill"/> +
    /// <paramref name="count"/> writes of key <paramref name="key"/>(i) = <paramref name="value"/>(i)
    /// into a fresh file at <paramref name="path"/>, <paramref name="perTransaction"/> per transaction:
    /// inserted (as the store's flush does with a key it does not hold) or upserted.
    /// </summary>
    public static double DocsPerSecond(string path, int prefill, int count, int perTransaction, bool upsert, Func<int, string> key, Func<int, string> value)
    {
        var replica = new Replica("bench", new InMemoryReplicaStorage(), new StoreOptions(), TimeProvider.System);
        var docs = new List<BsonDocument>(prefill + count);
        for (var i = 0; i < prefill + count; i++)
        {
            var result = replica.Put(key(i), value(i), null);
            docs.Add(KeyDocument.From(result.State ?? throw new InvalidOperationException(result.Message)));
        }

        using var db = new LiteDatabase(new ConnectionString
        {
            Filename = path,
            Connection = ConnectionType.Direct,
            Collation = new Collation(CultureInfo.InvariantCulture.LCID, CompareOptions.Ordinal),
        });
        var keys = db.GetCollection("keys", BsonAutoId.ObjectId);
        KeyDocument.EnsureIndexes(keys);
        Write(0, prefill);
        var clock = Stopwatch.StartNew();
        Write(prefill, prefill + count);
        return count / clock.Elapsed.TotalSeconds;

        void Write(int from, int to)
        {
            for (var i = from; i < to; i += perTransaction)
            {
                db.BeginTrans();
                for (var j = i; j < Math.Min(to, i + perTransaction); j++)
                {
                    if (upsert)
                    {
                        keys.Upsert(docs[j]);
                    }
                    else
                    {
                        keys.Insert(docs[j]);
                    }
                }

                db.Commit();
            }
        }
    }
}
