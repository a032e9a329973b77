using System.Text;
using EdgeSync.Core.Clocks;
using EdgeSync.Core.Store;

namespace EdgeSync.Core.Sync;

/// <summary>
/// The versioned binary wire form of <see cref="SyncMessage"/>s, so a transport only moves bytes.
/// Layout: version byte, type byte, fleet, sender, then the body; key states use
/// <see cref="KeyStateCodec"/>. Decoding never trusts its input: anything malformed, truncated,
/// oversized or of another version is a <see cref="FormatException"/>, never anything else.
/// </summary>
public static class SyncCodec
{
    // 2: salted 32-bit tree hashes (16-bit leaves), 16-bit fingerprints (Rice coded in bucket
    // requests), sorted indices as gaps, the requester's applied base in bucket requests, unmatched
    // counts per bucket, the reply flag of repair states. Nodes of another version refuse cleanly.
    public const byte Version = 2;

    /// <summary>Hard limit for one message; the engine batches well below it.</summary>
    public const int DefaultMaxMessageBytes = 8 * 1024 * 1024;

    public static byte[] Encode(SyncMessage message, int maxBytes = DefaultMaxMessageBytes)
    {
        ArgumentNullException.ThrowIfNull(message);
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(Version);
            writer.Write((byte)TypeOf(message));
            writer.Write(message.Fleet);
            writer.Write(message.Sender);
            WriteBody(writer, message);
        }

        if (stream.Length > maxBytes)
        {
            throw new ArgumentException($"The encoded message is {stream.Length} bytes; at most {maxBytes} are allowed.", nameof(message));
        }

        return stream.ToArray();
    }

    public static SyncMessage Decode(ReadOnlySpan<byte> bytes, int maxBytes = DefaultMaxMessageBytes)
    {
        if (bytes.Length > maxBytes)
        {
            throw new FormatException($"The message is {bytes.Length} bytes; at most {maxBytes} are allowed.");
        }

        if (bytes.Length < 2)
        {
            throw new FormatException("The message is truncated.");
        }

        if (bytes[0] != Version)
        {
            throw new FormatException($"Unknown sync message version {bytes[0]} (this node speaks {Version}).");
        }

        using var stream = new MemoryStream(bytes.ToArray(), writable: false);
        using var reader = new BinaryReader(stream, StrictUtf8.Encoding);
        try
        {
            reader.ReadByte();
            var type = (SyncMessageType)reader.ReadByte();
            var fleet = ReadId(reader, "fleet");
            var sender = ReadId(reader, "sender");
            var message = SyncMessageReader.ReadBody(reader, type, fleet, sender);
            if (stream.Position != stream.Length)
            {
                throw new FormatException("Trailing bytes after the sync message.");
            }

            return message;
        }
        catch (EndOfStreamException e)
        {
            throw new FormatException("The message is truncated.", e);
        }
        catch (Exception e) when (e is DecoderFallbackException or IOException or ArgumentException or OverflowException or InvalidOperationException)
        {
            throw new FormatException($"The message is malformed: {e.Message}", e);
        }
    }

    private static string ReadId(BinaryReader reader, string what)
    {
        var id = reader.ReadString();
        return NodeId.IsValid(id) ? id : throw new FormatException($"Bad {what} id in sync message.");
    }

    private static SyncMessageType TypeOf(SyncMessage message) => message switch
    {
        PushMessage => SyncMessageType.Push,
        DeltaRequest => SyncMessageType.DeltaRequest,
        DeltaResponse => SyncMessageType.DeltaResponse,
        DigestRequest => SyncMessageType.DigestRequest,
        DigestResponse => SyncMessageType.DigestResponse,
        BucketRequest => SyncMessageType.BucketRequest,
        BucketResponse => SyncMessageType.BucketResponse,
        StatesResponse => SyncMessageType.StatesResponse,
        ReplicateRequest { States.Count: 1 } => SyncMessageType.ReplicateRequest,
        ReplicateRequest => SyncMessageType.ReplicateBatch,
        ReplicateAck => SyncMessageType.ReplicateAck,
        StateRequest => SyncMessageType.StateRequest,
        StateResponse => SyncMessageType.StateResponse,
        _ => throw new ArgumentException($"Unknown sync message {message.GetType().Name}.", nameof(message)),
    };

    private static void WriteBody(BinaryWriter writer, SyncMessage message)
    {
        switch (message)
        {
            case PushMessage m:
                WriteStates(writer, m.States);
                break;
            case DeltaRequest m:
                writer.Write7BitEncodedInt64(m.Round);
                writer.Write(m.Applied.ToString());
                writer.Write(m.HoldsOwn);
                break;
            case DeltaResponse m:
                writer.Write7BitEncodedInt64(m.Round);
                WriteStates(writer, m.States);
                writer.Write(m.Coverage is not null);
                if (m.Coverage is not null)
                {
                    writer.Write(m.Coverage.ToString());
                }

                break;
            case DigestRequest m:
                writer.Write(m.Salt);
                writer.Write7BitEncodedInt(m.Level);
                WriteIndices(writer, m.Indices);
                WriteHashes(writer, m.Hashes, leaves: false);
                break;
            case DigestResponse m:
                writer.Write(m.Salt);
                writer.Write7BitEncodedInt(m.Level);
                WriteIndices(writer, m.Indices);
                WriteHashes(writer, m.Children, leaves: m.Level + 1 == MerkleTree.Depth);
                break;
            case BucketRequest m:
                writer.Write(m.Salt);
                WriteIndices(writer, m.Buckets);
                WriteInts(writer, m.Counts);
                PrintCoding.Write(writer, m.Counts, m.Prints);
                writer.Write(m.Applied.ToString());
                break;
            case BucketResponse m:
                writer.Write(m.Salt);
                WriteIndices(writer, m.Buckets);
                WriteInts(writer, m.UnmatchedCounts);
                WritePrints(writer, m.Unmatched);
                writer.Write(m.SenderApplied.ToString());
                WriteStates(writer, m.States);
                break;
            case StatesResponse m:
                writer.Write(m.SenderApplied.ToString());
                writer.Write(m.IsReply);
                WriteStates(writer, m.States);
                break;
            case ReplicateRequest { States.Count: 1 } m:
                writer.Write7BitEncodedInt64(m.Id);
                KeyStateCodec.Write(writer, m.States[0]);
                break;
            case ReplicateRequest m:
                writer.Write7BitEncodedInt64(m.Id);
                WriteStates(writer, m.States);
                break;
            case ReplicateAck m:
                writer.Write7BitEncodedInt64(m.Id);
                break;
            case StateRequest m:
                writer.Write7BitEncodedInt64(m.Id);
                writer.Write(m.Key);
                break;
            case StateResponse m:
                writer.Write7BitEncodedInt64(m.Id);
                KeyStateCodec.Write(writer, m.State);
                break;
        }
    }

    private static void WriteStates(BinaryWriter writer, IReadOnlyList<KeyState> states)
    {
        writer.Write7BitEncodedInt(states.Count);
        foreach (var s in states)
        {
            KeyStateCodec.Write(writer, s);
        }
    }

    private static void WriteInts(BinaryWriter writer, IReadOnlyList<int> values)
    {
        writer.Write7BitEncodedInt(values.Count);
        foreach (var v in values)
        {
            writer.Write7BitEncodedInt(v);
        }
    }

    /// <summary>Strictly increasing indices as varint gaps: most gaps fit one byte.</summary>
    private static void WriteIndices(BinaryWriter writer, IReadOnlyList<int> values)
    {
        writer.Write7BitEncodedInt(values.Count);
        var previous = -1;
        foreach (var v in values)
        {
            if (v <= previous)
            {
                throw new ArgumentException("Merkle indices must be strictly increasing.", nameof(values));
            }

            writer.Write7BitEncodedInt(v - previous - 1);
            previous = v;
        }
    }

    /// <summary>Wire hashes: 32 bits, or 16 for leaf buckets (see <see cref="MerkleTree.WireHash"/>).</summary>
    private static void WriteHashes(BinaryWriter writer, IReadOnlyList<uint> hashes, bool leaves)
    {
        writer.Write7BitEncodedInt(hashes.Count);
        foreach (var h in hashes)
        {
            if (!leaves)
            {
                writer.Write(h);
            }
            else
            {
                writer.Write(h <= ushort.MaxValue ? (ushort)h : throw new ArgumentException("A leaf wire hash has 16 bits.", nameof(hashes)));
            }
        }
    }

    private static void WritePrints(BinaryWriter writer, IReadOnlyList<ushort> prints)
    {
        writer.Write7BitEncodedInt(prints.Count);
        foreach (var p in prints)
        {
            writer.Write(p);
        }
    }
}
