using System.Collections.Immutable;
using System.IO.Hashing;
using System.Text;
using EdgeSync.Core.Clocks;

namespace EdgeSync.Core.Store;

/// <summary>
/// Compact, versioned binary form of a <see cref="KeyState"/>: what is stored on disk, sent over
/// the wire and hashed into the Merkle tree. Equal states encode to equal bytes on every node.
/// Decoding never trusts its input: anything malformed is a <see cref="FormatException"/>.
/// </summary>
public static class KeyStateCodec
{
    public const byte Version = 1;
    private const int MaxSiblingsOnWire = 4096;

    public static byte[] Encode(KeyState state)
    {
        using var stream = new MemoryStream(state.ApproximateBytes);
        using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            Write(writer, state);
        }

        return stream.ToArray();
    }

    public static void Write(BinaryWriter writer, KeyState state)
    {
        writer.Write(Version);
        writer.Write(state.Key);
        writer.Write(state.Context.ToString());
        writer.Write7BitEncodedInt(state.Siblings.Length);
        foreach (var s in state.Siblings)
        {
            writer.Write(s.Dot.Node);
            writer.Write7BitEncodedInt64(s.Dot.Counter);
            writer.Write7BitEncodedInt64(s.Seq);
            writer.Write(s.Timestamp.WallMs);
            writer.Write7BitEncodedInt(s.Timestamp.Logical);
            writer.Write(s.Value is not null);
            if (s.Value is not null)
            {
                writer.Write(s.Value);
            }

            writer.Write(s.Past.ToString());
        }
    }

    public static KeyState Decode(ReadOnlySpan<byte> bytes) => Decode(bytes.ToArray());

    /// <summary>Decodes without copying <paramref name="bytes"/>.</summary>
    public static KeyState Decode(byte[] bytes)
    {
        using var stream = new MemoryStream(bytes, writable: false);
        using var reader = new BinaryReader(stream, StrictUtf8.Encoding);
        var state = Read(reader);
        if (stream.Position != stream.Length)
        {
            throw new FormatException("Trailing bytes after key state.");
        }

        return state;
    }

    public static KeyState Read(BinaryReader reader)
    {
        try
        {
            var version = reader.ReadByte();
            if (version != Version)
            {
                throw new FormatException($"Unknown key state version {version}.");
            }

            var key = reader.ReadString();
            if (KeyRules.Validate(key) is { } problem)
            {
                throw new FormatException(problem);
            }

            var context = DotSet.Parse(reader.ReadString());
            var count = reader.Read7BitEncodedInt();
            if (count is < 0 or > MaxSiblingsOnWire)
            {
                throw new FormatException($"Bad sibling count {count}.");
            }

            var siblings = ImmutableArray.CreateBuilder<Sibling>(count);
            var dots = new HashSet<Dot>();
            for (var i = 0; i < count; i++)
            {
                var node = reader.ReadString();
                if (!NodeId.IsValid(node))
                {
                    throw new FormatException($"Bad node id '{node}'.");
                }

                var counter = reader.Read7BitEncodedInt64();
                var seq = reader.Read7BitEncodedInt64();
                var wall = reader.ReadInt64();
                var logical = reader.Read7BitEncodedInt();
                var value = reader.ReadBoolean() ? reader.ReadString() : null;
                var past = VersionVector.Parse(reader.ReadString());
                if (counter <= 0 || seq <= 0)
                {
                    throw new FormatException("Bad dot.");
                }

                // Merging relies on one version per dot; a duplicate would crash it later.
                if (!dots.Add(new Dot(node, counter)))
                {
                    throw new FormatException($"Duplicate version {node}:{counter}.");
                }

                siblings.Add(new Sibling(new Dot(node, counter), seq, new HybridTimestamp(wall, logical), value, past));
            }

            return new KeyState(key, siblings.ToImmutable(), context);
        }
        catch (EndOfStreamException e)
        {
            throw new FormatException("Truncated key state.", e);
        }
        catch (DecoderFallbackException e)
        {
            throw new FormatException("Key state holds invalid UTF-8.", e);
        }
        catch (IOException e)
        {
            throw new FormatException("Unreadable key state.", e);
        }
    }

    /// <summary>
    /// 128-bit digest of the canonical encoding, for the Merkle tree. xxHash128: the tree needs
    /// accidental collisions to be negligible, not resistance to an attacker (who could write to the
    /// fleet anyway), and a cryptographic hash would load OpenSSL into every agent for this alone.
    /// </summary>
    public static UInt128 Digest(KeyState state) => XxHash128.HashToUInt128(Encode(state));
}
