namespace EdgeSync.Core.Store;

/// <summary>
/// Answers questions about an encoded key state (<see cref="KeyStateCodec"/>'s form) without
/// decoding it: no strings, no objects. The store's overlay of writes not yet in its database asks
/// them of every such write, "is it deleted?" at each tombstone purge (every heartbeat on a busy
/// node) and "which updates of this origin?" at each delta sync; decoding them all for that was
/// several percent of a follower's allocations.
/// </summary>
public static class KeyStateScan
{
    /// <summary>
    /// Whether every sibling of the encoded state is a tombstone, as <see cref="KeyState.IsDeleted"/>.
    /// Reads only as far as the answer needs, so it checks only that much: use it on states this node
    /// encoded itself. Input that ends early or is not a key state is a <see cref="FormatException"/>.
    /// </summary>
    public static bool IsDeleted(ReadOnlySpan<byte> encoded)
    {
        var at = 0;
        var siblings = ToSiblings(encoded, ref at);
        for (var i = 0UL; i < siblings; i++)
        {
            if (NextSibling(encoded, ref at, out _, out _))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Adds to <paramref name="into"/> the node-wide sequence numbers (<see cref="Sibling.Seq"/>) of the
    /// encoded state's siblings written by <paramref name="originUtf8"/> (a node id as UTF-8) above
    /// <paramref name="afterSeq"/>: what delta sync asks of each state not yet in the database.
    /// Input that ends early or is not a key state is a <see cref="FormatException"/>.
    /// </summary>
    public static void SeqsFrom(ReadOnlySpan<byte> encoded, ReadOnlySpan<byte> originUtf8, long afterSeq, List<long> into)
    {
        ArgumentNullException.ThrowIfNull(into);
        var at = 0;
        var siblings = ToSiblings(encoded, ref at);
        for (var i = 0UL; i < siblings; i++)
        {
            NextSibling(encoded, ref at, out var node, out var seq);
            if (seq > afterSeq && node.SequenceEqual(originUtf8))
            {
                into.Add(seq);
            }
        }
    }

    /// <summary>Checks the version, skips the key and the context; returns the number of siblings.</summary>
    private static ulong ToSiblings(ReadOnlySpan<byte> bytes, ref int at)
    {
        if (Take(bytes, ref at, 1)[0] != KeyStateCodec.Version)
        {
            throw new FormatException("Unknown key state version.");
        }

        SkipString(bytes, ref at); // key
        SkipString(bytes, ref at); // causal context
        return VarInt(bytes, ref at);
    }

    /// <summary>Reads one sibling as <see cref="KeyStateCodec.Write"/> wrote it; true when it holds a value.</summary>
    private static bool NextSibling(ReadOnlySpan<byte> bytes, ref int at, out ReadOnlySpan<byte> node, out long seq)
    {
        node = Take(bytes, ref at, VarInt(bytes, ref at));
        VarInt(bytes, ref at); // dot's counter
        seq = (long)VarInt(bytes, ref at);
        Take(bytes, ref at, sizeof(long)); // wall-clock part of the timestamp
        VarInt(bytes, ref at); // logical part
        var hasValue = Take(bytes, ref at, 1)[0] != 0;
        if (hasValue)
        {
            SkipString(bytes, ref at);
        }

        SkipString(bytes, ref at); // its past
        return hasValue;
    }

    private static ReadOnlySpan<byte> Take(ReadOnlySpan<byte> bytes, ref int at, ulong count)
    {
        if (count > (ulong)(bytes.Length - at))
        {
            throw new FormatException("Truncated key state.");
        }

        var taken = bytes.Slice(at, (int)count);
        at += (int)count;
        return taken;
    }

    private static void SkipString(ReadOnlySpan<byte> bytes, ref int at) => Take(bytes, ref at, VarInt(bytes, ref at));

    /// <summary>A 7-bit encoded integer, as <see cref="BinaryWriter.Write7BitEncodedInt64"/> writes it.</summary>
    private static ulong VarInt(ReadOnlySpan<byte> bytes, ref int at)
    {
        var value = 0UL;
        for (var shift = 0; shift < 70; shift += 7)
        {
            var b = Take(bytes, ref at, 1)[0];
            value |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return value;
            }
        }

        throw new FormatException("Bad length or number in key state.");
    }
}
