using System.Globalization;
using EdgeSync.Core.Store;
using EdgeSync.Core.Sync;
using LiteDB;

namespace EdgeSync.Agent.Storage;

/// <summary>
/// The document stored per key (plain <see cref="BsonDocument"/>s, no BsonMapper):
/// <c>_id</c> = key, <c>s</c> = the <see cref="KeyStateCodec"/> bytes (the one source of truth),
/// and derived, indexed fields: <c>u</c> = one sortable "origin\u0001seq(19 digits)" entry per
/// version, <c>t</c> = <c>[true]</c> on a tombstone only (absent on a live key, so its multi-key
/// index holds tombstones alone and a live key's write skips it). A key's Merkle bucket is not
/// stored: the replica's Merkle tree keeps each bucket's keys in memory (<see cref="EdgeSync.Core.Sync.LeafKeys"/>).
/// </summary>
public static class KeyDocument
{
    public const string State = "s";

    /// <summary>The Merkle bucket field and index of stores written before the buckets' keys were kept in memory; dropped at open.</summary>
    public const string LegacyBucket = "b";
    public const string Updates = "u";
    public const string Tombstone = "t";

    /// <summary>The tombstone index's expression: no entry at all for a document without the field.</summary>
    public const string TombstoneIndex = "$." + Tombstone + "[*]";

    private const char Separator = '\u0001';
    private const int SeqDigits = 19; // long.MaxValue has 19 digits, so text order = number order.

    /// <summary>Creates the indexes the store's queries use (a no-op on a collection that has them).</summary>
    public static void EnsureIndexes(ILiteCollection<BsonDocument> keys)
    {
        keys.EnsureIndex(Updates, "$." + Updates + "[*]");
        keys.EnsureIndex(Tombstone, TombstoneIndex);
    }

    public static BsonDocument From(KeyState state) => From(state, KeyStateCodec.Encode(state));

    /// <summary>The document for <paramref name="state"/>, whose encoding is already at hand.</summary>
    public static BsonDocument From(KeyState state, byte[] encoded)
    {
        var updates = new BsonArray();
        foreach (var s in state.Siblings)
        {
            updates.Add(UpdateEntry(s.Origin, s.Seq));
        }

        var doc = new BsonDocument
        {
            ["_id"] = state.Key,
            [State] = encoded,
            [Updates] = updates,
        };
        if (state.IsDeleted)
        {
            doc[Tombstone] = new BsonArray { true };
        }

        return doc;
    }

    public static KeyState ToState(BsonDocument doc)
    {
        try
        {
            return KeyStateCodec.Decode(doc[State].AsBinary);
        }
        catch (FormatException e)
        {
            throw new InvalidDataException($"The stored record of key '{doc["_id"].AsString}' is corrupt: {e.Message}", e);
        }
    }

    /// <summary>Node ids never contain \u0001, so an origin's entries form one contiguous range.</summary>
    public static string UpdateEntry(string origin, long seq) =>
        string.Create(CultureInfo.InvariantCulture, $"{origin}{Separator}{seq.ToString("D" + SeqDigits, CultureInfo.InvariantCulture)}");

    public static long SeqOf(string entry) =>
        long.Parse(entry.AsSpan(entry.LastIndexOf(Separator) + 1), NumberStyles.None, CultureInfo.InvariantCulture);
}
