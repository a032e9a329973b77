using System.Text;
using EdgeSync.Core.Clocks;
using EdgeSync.Core.Fleet.Messages;
using EdgeSync.Core.Store;

namespace EdgeSync.Core.Fleet;

/// <summary>
/// Versioned binary form of fleet messages. Decoding trusts nothing: anything malformed,
/// truncated, oversized or of another version is a <see cref="FormatException"/>.
/// </summary>
public static class FleetCodec
{
    public const byte Version = 1;
    public const int MaxBytes = 16 * 1024;

    private enum Kind : byte
    {
        Heartbeat = 1,
        PreVoteRequest,
        PreVoteResponse,
        VoteRequest,
        VoteResponse,
        LeaderPing,
        LeaderAck,
        StableVector,
        StepDownRequest,
    }

    public static byte[] Encode(FleetMessage message)
    {
        using var stream = new MemoryStream(64);
        using (var w = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            w.Write(Version);
            switch (message)
            {
                case Heartbeat m:
                    Head(w, Kind.Heartbeat, m.From);
                    w.Write(m.Term);
                    w.Write((byte)m.Role);
                    w.Write(m.Leader ?? string.Empty);
                    w.Write(m.Applied.ToString());
                    break;
                case PreVoteRequest m:
                    Head(w, Kind.PreVoteRequest, m.From);
                    w.Write(m.NextTerm);
                    break;
                case PreVoteResponse m:
                    Head(w, Kind.PreVoteResponse, m.From);
                    w.Write(m.To);
                    w.Write(m.NextTerm);
                    w.Write(m.Granted);
                    break;
                case VoteRequest m:
                    Head(w, Kind.VoteRequest, m.From);
                    w.Write(m.Term);
                    break;
                case VoteResponse m:
                    Head(w, Kind.VoteResponse, m.From);
                    w.Write(m.To);
                    w.Write(m.Term);
                    w.Write(m.Granted);
                    break;
                case LeaderPing m:
                    Head(w, Kind.LeaderPing, m.From);
                    w.Write(m.Term);
                    w.Write(m.Seq);
                    break;
                case LeaderAck m:
                    Head(w, Kind.LeaderAck, m.From);
                    w.Write(m.To);
                    w.Write(m.Term);
                    w.Write(m.Seq);
                    break;
                case StableVector m:
                    Head(w, Kind.StableVector, m.From);
                    w.Write(m.Term);
                    w.Write(m.Vector.ToString());
                    w.Write(m.Frontier.ToString());
                    break;
                case StepDownRequest m:
                    Head(w, Kind.StepDownRequest, m.From);
                    break;
                default:
                    throw new ArgumentException($"{message.GetType().Name} is not sent over the wire.", nameof(message));
            }
        }

        return stream.ToArray();
    }

    public static FleetMessage Decode(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length is 0 or > MaxBytes)
        {
            throw new FormatException($"Fleet message of {bytes.Length} bytes (at most {MaxBytes}).");
        }

        using var stream = new MemoryStream(bytes.ToArray(), writable: false);
        using var r = new BinaryReader(stream, StrictUtf8.Encoding);
        try
        {
            var version = r.ReadByte();
            if (version != Version)
            {
                throw new FormatException($"Unknown fleet message version {version}.");
            }

            var kind = (Kind)r.ReadByte();
            var from = NodeOf(r.ReadString());
            FleetMessage message = kind switch
            {
                Kind.Heartbeat => new Heartbeat(from, Term(r.ReadInt64()), RoleOf(r.ReadByte()), OptionalNode(r.ReadString()), VersionVector.Parse(r.ReadString())),
                Kind.PreVoteRequest => new PreVoteRequest(from, Term(r.ReadInt64())),
                Kind.PreVoteResponse => new PreVoteResponse(from, NodeOf(r.ReadString()), Term(r.ReadInt64()), r.ReadBoolean()),
                Kind.VoteRequest => new VoteRequest(from, Term(r.ReadInt64())),
                Kind.VoteResponse => new VoteResponse(from, NodeOf(r.ReadString()), Term(r.ReadInt64()), r.ReadBoolean()),
                Kind.LeaderPing => new LeaderPing(from, Term(r.ReadInt64()), r.ReadInt64()),
                Kind.LeaderAck => new LeaderAck(from, NodeOf(r.ReadString()), Term(r.ReadInt64()), r.ReadInt64()),
                Kind.StableVector => new StableVector(from, Term(r.ReadInt64()), VersionVector.Parse(r.ReadString()), VersionVector.Parse(r.ReadString())),
                Kind.StepDownRequest => new StepDownRequest(from),
                _ => throw new FormatException($"Unknown fleet message kind {(byte)kind}."),
            };
            if (stream.Position != stream.Length)
            {
                throw new FormatException("Trailing bytes after fleet message.");
            }

            return message;
        }
        catch (EndOfStreamException e)
        {
            throw new FormatException("Truncated fleet message.", e);
        }
        catch (DecoderFallbackException e)
        {
            throw new FormatException("Fleet message holds invalid UTF-8.", e);
        }
        catch (IOException e)
        {
            throw new FormatException("Unreadable fleet message.", e);
        }
    }

    private static void Head(BinaryWriter w, Kind kind, string from)
    {
        w.Write((byte)kind);
        w.Write(from);
    }

    private static string NodeOf(string id) => NodeId.IsValid(id) ? id : throw new FormatException($"Bad node id '{id}'.");

    private static string? OptionalNode(string id) => id.Length == 0 ? null : NodeOf(id);

    private static long Term(long term) => term >= 0 ? term : throw new FormatException("Negative term.");

    private static Role RoleOf(byte b) => Enum.IsDefined((Role)b) ? (Role)b : throw new FormatException($"Unknown role {b}.");
}
