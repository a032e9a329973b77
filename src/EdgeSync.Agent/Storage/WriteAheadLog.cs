using System.Buffers.Binary;
using System.IO.Hashing;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace EdgeSync.Agent.Storage;

/// <summary>
/// The store's write-ahead log: a commit is one checksummed frame appended and fdatasync'd, far
/// cheaper than a LiteDB transaction, whose changes reach LiteDB later in large batches. Two
/// files are used in turn, one per generation: frames of generation g go to file g % 2, and a
/// file is rewritten from its start only once LiteDB durably holds the generation before (so
/// no truncation, which is slow on some disks, and in-place rewrites that need no metadata
/// update). A frame names its store and generation, so stale frames further on in a reused file,
/// or a log left next to a replaced database, are never replayed.
/// </summary>
internal sealed class WriteAheadLog : IDisposable
{
    /// <summary>magic, CRC-32 of everything after it, store id, generation, payload length.</summary>
    public const int HeaderSize = 4 + 4 + 8 + 8 + 4;

    private const uint Magic = 0x4C57_5345; // "ESWL"

    private readonly string[] _paths;
    private readonly string _directory;
    private readonly ulong _storeId;
    private SafeFileHandle? _file;
    private long _syncs;

    public WriteAheadLog(string dataPath, ulong storeId)
    {
        _paths = PathsOf(dataPath);
        _storeId = storeId;
        _directory = Path.GetDirectoryName(Path.GetFullPath(dataPath)) ?? ".";
    }

    /// <summary>The generation being written.</summary>
    public long Generation { get; private set; }

    /// <summary>Bytes written in this generation's file.</summary>
    public long Length { get; private set; }

    /// <summary>Durable appends so far. Readable from any thread.</summary>
    public long Syncs => Interlocked.Read(ref _syncs);

    /// <summary>"x.db" → "x-wal0.db", "x-wal1.db".</summary>
    public static string[] PathsOf(string dataPath)
    {
        var dir = Path.GetDirectoryName(dataPath) ?? string.Empty;
        var name = Path.GetFileNameWithoutExtension(dataPath);
        var ext = Path.GetExtension(dataPath);
        return [Path.Combine(dir, name + "-wal0" + ext), Path.Combine(dir, name + "-wal1" + ext)];
    }

    /// <summary>
    /// The payloads of this store's frames above generation <paramref name="flushed"/>, oldest
    /// first: commits that were durable but not yet in LiteDB. A torn or foreign frame ends its file.
    /// <paramref name="highest"/> is the highest generation found (at least <paramref name="flushed"/>).
    /// </summary>
    public List<ReadOnlyMemory<byte>> Recover(long flushed, out long highest)
    {
        highest = flushed;
        var found = new List<(long Gen, ReadOnlyMemory<byte> Payload)>();
        foreach (var path in _paths)
        {
            if (!File.Exists(path))
            {
                continue;
            }

            var bytes = File.ReadAllBytes(path);
            long? fileGen = null;
            var offset = 0;
            while (TryReadFrame(bytes, offset, out var gen, out var payload) && (fileGen ?? gen) == gen)
            {
                fileGen = gen;
                highest = Math.Max(highest, gen);
                if (gen > flushed)
                {
                    found.Add((gen, payload));
                }

                offset += HeaderSize + payload.Length;
            }
        }

        return [.. found.OrderBy(f => f.Gen).Select(f => f.Payload)]; // a stable sort keeps each file's order
    }

    /// <summary>Starts generation <paramref name="generation"/> at the start of its file.</summary>
    public void Begin(long generation)
    {
        _file?.Dispose();
        var path = _paths[generation % 2];
        var created = !File.Exists(path);
        _file = File.OpenHandle(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read);
        if (created)
        {
            JournalSync.SyncDirectory(_directory);
        }

        Generation = generation;
        Length = 0;
    }

    /// <summary>Writes a frame (header space, then payload) and returns once it is on disk.</summary>
    public void Append(Span<byte> frame)
    {
        var file = _file ?? throw new InvalidOperationException("The write-ahead log has not begun a generation.");
        var header = frame[..HeaderSize];
        BinaryPrimitives.WriteUInt32LittleEndian(header, Magic);
        BinaryPrimitives.WriteUInt64LittleEndian(header[8..], _storeId);
        BinaryPrimitives.WriteInt64LittleEndian(header[16..], Generation);
        BinaryPrimitives.WriteInt32LittleEndian(header[24..], frame.Length - HeaderSize);
        BinaryPrimitives.WriteUInt32LittleEndian(header[4..], Crc32.HashToUInt32(frame[8..]));

        RandomAccess.Write(file, frame, Length);
        DataSync(file);
        Length += frame.Length;
        Interlocked.Increment(ref _syncs);
    }

    /// <summary>Removes both files; only once LiteDB durably holds everything in them.</summary>
    public void DeleteFiles()
    {
        _file?.Dispose();
        _file = null;
        foreach (var path in _paths)
        {
            File.Delete(path);
        }
    }

    public void Dispose()
    {
        _file?.Dispose();
        _file = null;
    }

    private bool TryReadFrame(byte[] bytes, int offset, out long gen, out ReadOnlyMemory<byte> payload)
    {
        gen = 0;
        payload = default;
        var rest = bytes.AsSpan(offset);
        if (rest.Length < HeaderSize
            || BinaryPrimitives.ReadUInt32LittleEndian(rest) != Magic
            || BinaryPrimitives.ReadUInt64LittleEndian(rest[8..]) != _storeId)
        {
            return false;
        }

        var length = BinaryPrimitives.ReadInt32LittleEndian(rest[24..]);
        if (length < 0 || length > rest.Length - HeaderSize
            || Crc32.HashToUInt32(rest[8..(HeaderSize + length)]) != BinaryPrimitives.ReadUInt32LittleEndian(rest[4..]))
        {
            return false;
        }

        gen = BinaryPrimitives.ReadInt64LittleEndian(rest[16..]);
        payload = bytes.AsMemory(offset + HeaderSize, length);
        return true;
    }

    /// <summary>fdatasync where there is one: the data and the size, not the timestamps.</summary>
    private static void DataSync(SafeFileHandle file)
    {
        if (!OperatingSystem.IsLinux())
        {
            RandomAccess.FlushToDisk(file);
            return;
        }

        if (NativeMethods.Fdatasync(file) != 0)
        {
            throw new IOException($"fdatasync of the write-ahead log failed (errno {Marshal.GetLastPInvokeError()}).");
        }
    }
}
