using System.Runtime.InteropServices;
using System.Text;
using EdgeSync.Core.Clocks;
using EdgeSync.Core.Store;

namespace EdgeSync.Agent.Storage;

/// <summary>
/// One commit's changes as a write-ahead-log payload: a list of records (a key's new encoded
/// state, a removed key, the replica meta). Built in a reused buffer that leaves room in front for
/// the frame header, so a commit is one write.
/// </summary>
internal sealed class WalBatch
{
    private const byte SaveRecord = 1;
    private const byte RemoveRecord = 2;
    private const byte MetaRecord = 3;

    /// <summary>A buffer grown past this by one big batch is given back after it.</summary>
    private const int KeepCapacity = 1024 * 1024;

    private readonly MemoryStream _buffer = new();
    private readonly BinaryWriter _writer;

    public WalBatch()
    {
        _writer = new BinaryWriter(_buffer, Encoding.UTF8, leaveOpen: true);
        Clear();
    }

    public bool IsEmpty => _buffer.Length == WriteAheadLog.HeaderSize;

    /// <summary>The header space (filled in by the log) followed by the records.</summary>
    public Span<byte> Frame => _buffer.GetBuffer().AsSpan(0, (int)_buffer.Length);

    public void Clear()
    {
        // Emptied first: a capacity below the current length throws, and a frame past KeepCapacity
        // (one commit of more than 1 MB) would then fail after it was already durable.
        _buffer.SetLength(WriteAheadLog.HeaderSize);
        _buffer.Position = WriteAheadLog.HeaderSize;
        if (_buffer.Capacity > KeepCapacity)
        {
            _buffer.Capacity = KeepCapacity;
        }
    }

    public void Save(string key, byte[] state)
    {
        _writer.Write(SaveRecord);
        _writer.Write(key);
        _writer.Write7BitEncodedInt(state.Length);
        _writer.Write(state);
    }

    public void Remove(string key)
    {
        _writer.Write(RemoveRecord);
        _writer.Write(key);
    }

    public void Meta(ReplicaMeta meta)
    {
        _writer.Write(MetaRecord);
        _writer.Write(meta.Applied.ToString());
        _writer.Write(meta.Clock.WallMs);
        _writer.Write(meta.Clock.Logical);
        _writer.Write(meta.Stable?.ToString() ?? string.Empty);
    }

    /// <summary>Replays a payload into <paramref name="layer"/> (its records, in order).</summary>
    public static void ReadInto(ReadOnlyMemory<byte> payload, PendingLayer layer)
    {
        // Frames are slices of the log file read whole at open: read them in place.
        using var stream = MemoryMarshal.TryGetArray(payload, out var segment)
            ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(payload.ToArray(), writable: false);
        using var reader = new BinaryReader(stream, Encoding.UTF8);
        try
        {
            while (stream.Position < stream.Length)
            {
                switch (reader.ReadByte())
                {
                    case SaveRecord:
                        var key = reader.ReadString();
                        layer.Set(key, reader.ReadBytes(reader.Read7BitEncodedInt()));
                        break;
                    case RemoveRecord:
                        layer.Set(reader.ReadString(), null);
                        break;
                    case MetaRecord:
                        var applied = DotSet.Parse(reader.ReadString());
                        var clock = new HybridTimestamp(reader.ReadInt64(), reader.ReadInt32());
                        var stable = reader.ReadString();
                        layer.Meta = new ReplicaMeta(applied, clock, stable.Length == 0 ? null : VersionVector.Parse(stable));
                        break;
                    default:
                        throw new InvalidDataException("unknown record type");
                }
            }
        }
        catch (Exception e) when (e is EndOfStreamException or FormatException or IOException)
        {
            // The frame's checksum matched, so this is not a torn write: refuse rather than guess.
            throw new InvalidDataException($"A write-ahead-log record is malformed: {e.Message}", e);
        }
    }
}
