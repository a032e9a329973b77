using LiteDB;

namespace EdgeSync.Agent.Storage;

/// <summary>
/// Stores written before the sparse tombstone index kept a "deleted" flag (<c>d</c>) on every key,
/// indexed: one more index entry per write, about a fifth of what LiteDB allocates per insert and a
/// tenth of its time. At open,
/// such a store moves once to the sparse index: its tombstones get the <see cref="KeyDocument.Tombstone"/>
/// field and the old index is dropped (live keys keep a stale <c>d</c> until they are next written,
/// which nothing reads). A crash part-way leaves the old index in place, so the next open does it again.
/// </summary>
internal static class LegacyTombstoneIndex
{
    public const string Name = "d";

    /// <summary>Returns the number of tombstones moved, or null when the store had no old index.</summary>
    /// <param name="synced">Makes the last commit durable (LiteDB does not): the moved tombstones must be on disk before the old index is dropped.</param>
    public static int? Migrate(LiteDatabase db, ILiteCollection<BsonDocument> keys, string collection, Action synced)
    {
        var old = db.GetCollection("$indexes").FindAll()
            .Any(i => i["collection"].AsString == collection && i["name"].AsString == Name);
        if (!old)
        {
            return null;
        }

        var tombstones = keys.Find(Query.EQ(Name, true)).ToList();
        if (!db.BeginTrans())
        {
            throw new InvalidOperationException("A LiteDB transaction is already open on this thread.");
        }

        foreach (var doc in tombstones)
        {
            doc.Remove(Name);
            doc[KeyDocument.Tombstone] = new BsonArray { true };
            keys.Update(doc);
        }

        db.Commit();
        synced();
        keys.DropIndex(Name);
        synced();
        return tombstones.Count;
    }
}
