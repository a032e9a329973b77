using EdgeSync.Core.Clocks;
using EdgeSync.Core.Store;

namespace EdgeSync.Core.Sync;

/// <summary>Reads and validates message bodies for <see cref="SyncCodec"/>; every check throws <see cref="FormatException"/>.</summary>
internal static class SyncMessageReader
{
    public static SyncMessage ReadBody(BinaryReader reader, SyncMessageType type, string fleet, string sender) => type switch
    {
        SyncMessageType.Push => ReadPush(reader, fleet, sender),
        SyncMessageType.DeltaRequest => new DeltaRequest(fleet, sender, ReadRound(reader), DotSet.Parse(reader.ReadString()), reader.ReadBoolean()),
        SyncMessageType.DeltaResponse => ReadDeltaResponse(reader, fleet, sender),
        SyncMessageType.DigestRequest => ReadDigestRequest(reader, fleet, sender),
        SyncMessageType.DigestResponse => ReadDigestResponse(reader, fleet, sender),
        SyncMessageType.BucketRequest => ReadBucketRequest(reader, fleet, sender),
        SyncMessageType.BucketResponse => ReadBucketResponse(reader, fleet, sender),
        SyncMessageType.StatesResponse => ReadStatesResponse(reader, fleet, sender),
        SyncMessageType.ReplicateRequest => new ReplicateRequest(fleet, sender, ReadRound(reader), KeyStateCodec.Read(reader)),
        SyncMessageType.ReplicateBatch => ReadReplicateBatch(reader, fleet, sender),
        SyncMessageType.ReplicateAck => new ReplicateAck(fleet, sender, ReadRound(reader)),
        SyncMessageType.StateRequest => new StateRequest(fleet, sender, ReadRound(reader), ReadKey(reader)),
        SyncMessageType.StateResponse => new StateResponse(fleet, sender, ReadRound(reader), KeyStateCodec.Read(reader)),
        _ => throw new FormatException($"Unknown sync message type {(byte)type}."),
    };

    private static PushMessage ReadPush(BinaryReader reader, string fleet, string sender)
    {
        var states = ReadStates(reader);
        return states.Count > 0 ? new PushMessage(fleet, sender, states) : throw new FormatException("A push carries no states.");
    }

    private static ReplicateRequest ReadReplicateBatch(BinaryReader reader, string fleet, string sender)
    {
        var id = ReadRound(reader);
        var states = ReadStates(reader);
        return states.Count > 1 ? new ReplicateRequest(fleet, sender, id, states) : throw new FormatException("A replicate batch carries fewer than two states.");
    }

    private static DeltaResponse ReadDeltaResponse(BinaryReader reader, string fleet, string sender)
    {
        var round = ReadRound(reader);
        var states = ReadStates(reader);
        var coverage = reader.ReadBoolean() ? DotSet.Parse(reader.ReadString()) : null;
        return new DeltaResponse(fleet, sender, round, states, coverage);
    }

    private static DigestRequest ReadDigestRequest(BinaryReader reader, string fleet, string sender)
    {
        var salt = reader.ReadUInt32();
        var level = ReadLevel(reader);
        var indices = ReadIndices(reader, LevelWidth(level));
        var hashes = ReadHashes(reader, leaves: false);
        if (hashes.Count != indices.Count)
        {
            throw new FormatException("Digest request has a hash count different from its index count.");
        }

        return new DigestRequest(fleet, sender, salt, level, indices, hashes);
    }

    private static DigestResponse ReadDigestResponse(BinaryReader reader, string fleet, string sender)
    {
        var salt = reader.ReadUInt32();
        var level = ReadLevel(reader);
        var indices = ReadIndices(reader, LevelWidth(level));
        var children = ReadHashes(reader, leaves: level + 1 == MerkleTree.Depth);
        if (children.Count != indices.Count * MerkleTree.Fanout)
        {
            throw new FormatException("Digest response has the wrong number of child hashes.");
        }

        return new DigestResponse(fleet, sender, salt, level, indices, children);
    }

    private static BucketRequest ReadBucketRequest(BinaryReader reader, string fleet, string sender)
    {
        var salt = reader.ReadUInt32();
        var buckets = ReadIndices(reader, MerkleTree.LeafCount);
        var counts = ReadInts(reader, int.MaxValue);
        if (counts.Count != buckets.Count)
        {
            throw new FormatException("Bucket request has a count per bucket different from its buckets.");
        }

        var prints = PrintCoding.Read(reader, counts);

        var applied = VersionVector.Parse(reader.ReadString());
        return new BucketRequest(fleet, sender, salt, buckets, counts, prints, applied);
    }

    private static BucketResponse ReadBucketResponse(BinaryReader reader, string fleet, string sender)
    {
        var salt = reader.ReadUInt32();
        var buckets = ReadIndices(reader, MerkleTree.LeafCount);
        var counts = ReadInts(reader, int.MaxValue);
        var unmatched = ReadPrints(reader);
        if (counts.Count != buckets.Count || counts.Sum(c => (long)c) != unmatched.Count)
        {
            throw new FormatException("Bucket response counts do not match its fingerprints.");
        }

        var applied = VersionVector.Parse(reader.ReadString());
        return new BucketResponse(fleet, sender, salt, buckets, counts, unmatched, ReadStates(reader), applied);
    }

    private static StatesResponse ReadStatesResponse(BinaryReader reader, string fleet, string sender)
    {
        var senderApplied = VersionVector.Parse(reader.ReadString());
        var isReply = reader.ReadByte() switch
        {
            0 => false,
            1 => true,
            var b => throw new FormatException($"Bad reply flag {b} in repair states."),
        };
        return new StatesResponse(fleet, sender, ReadStates(reader), senderApplied, isReply);
    }

    private static string ReadKey(BinaryReader reader)
    {
        var key = reader.ReadString();
        return key.Length > 0 && !key.Any(char.IsControl) ? key : throw new FormatException("Bad key in state request.");
    }

    private static List<ushort> ReadPrints(BinaryReader reader)
    {
        var count = ReadCount(reader);
        var prints = new List<ushort>(count);
        for (var i = 0; i < count; i++)
        {
            prints.Add(reader.ReadUInt16());
        }

        return prints;
    }

    private static long ReadRound(BinaryReader reader)
    {
        var round = reader.Read7BitEncodedInt64();
        return round >= 0 ? round : throw new FormatException("Negative round number.");
    }

    // Levels whose nodes have children: 0 .. Depth-1.
    private static int ReadLevel(BinaryReader reader)
    {
        var level = reader.Read7BitEncodedInt();
        return level is >= 0 and < MerkleTree.Depth ? level : throw new FormatException($"Bad Merkle level {level}.");
    }

    private static int LevelWidth(int level) => (int)Math.Pow(MerkleTree.Fanout, level);

    /// <summary>A count no larger than the bytes left, so garbage cannot make us allocate much.</summary>
    private static int ReadCount(BinaryReader reader)
    {
        var count = reader.Read7BitEncodedInt();
        var left = reader.BaseStream.Length - reader.BaseStream.Position;
        return count >= 0 && count <= left ? count : throw new FormatException($"Bad element count {count}.");
    }

    private static List<int> ReadInts(BinaryReader reader, int bound)
    {
        var count = ReadCount(reader);
        var values = new List<int>(count);
        for (var i = 0; i < count; i++)
        {
            var v = reader.Read7BitEncodedInt();
            values.Add(v >= 0 && v < bound ? v : throw new FormatException($"Index {v} out of range."));
        }

        return values;
    }

    /// <summary>Strictly increasing indices below <paramref name="bound"/>, sent as gaps.</summary>
    private static List<int> ReadIndices(BinaryReader reader, int bound)
    {
        var count = ReadCount(reader);
        var values = new List<int>(count);
        var previous = -1L;
        for (var i = 0; i < count; i++)
        {
            var gap = reader.Read7BitEncodedInt();
            var v = previous + 1 + gap;
            previous = gap >= 0 && v < bound ? v : throw new FormatException($"Index gap {gap} out of range.");
            values.Add((int)v);
        }

        return values;
    }

    private static List<uint> ReadHashes(BinaryReader reader, bool leaves)
    {
        var count = ReadCount(reader);
        var hashes = new List<uint>(count);
        for (var i = 0; i < count; i++)
        {
            hashes.Add(leaves ? reader.ReadUInt16() : reader.ReadUInt32());
        }

        return hashes;
    }

    private static List<KeyState> ReadStates(BinaryReader reader)
    {
        var count = ReadCount(reader);
        var states = new List<KeyState>(count);
        for (var i = 0; i < count; i++)
        {
            states.Add(KeyStateCodec.Read(reader));
        }

        return states;
    }

}
