using System.Security.Cryptography;
using System.Text;

namespace EdgeSync.Agent.Security;

/// <summary>
/// The authenticated envelope of every fleet payload (SPEC §9, <c>Fleet:Key</c>):
/// <c>[0xE5 'A'][16-byte HMAC-SHA256 tag][payload]</c>, the tag computed over the payload alone
/// with a key derived from <c>Fleet:Key</c> and the fleet name, so one secret reused by two fleets
/// gives two keys. It authenticates, it does not hide: confidentiality is TLS's and the broker's.
/// Replaying a captured message is harmless: applying an update is idempotent and election
/// messages carry terms. Without a key payloads travel bare, and an enveloped one is refused
/// (a half-keyed fleet is a misconfiguration that should show up in the counter, not pass).
/// </summary>
public sealed class MessageAuthenticator
{
    public const byte Magic0 = 0xE5;
    public const byte Magic1 = (byte)'A';
    public const int TagBytes = 16;
    public const int HeaderBytes = 2 + TagBytes;

    private readonly byte[]? _key;
    private long _unauthenticated;

    public MessageAuthenticator(string? fleetKey, string fleet)
    {
        ArgumentNullException.ThrowIfNull(fleet);
        if (fleetKey is not null)
        {
            _key = HMACSHA256.HashData(Encoding.UTF8.GetBytes(fleetKey), Encoding.UTF8.GetBytes("edgesync/fleet-key/v1/" + fleet));
        }
    }

    /// <summary>No key configured: payloads travel bare.</summary>
    public static MessageAuthenticator None { get; } = new(null, "none");

    public bool Keyed => _key is not null;

    /// <summary>Messages dropped because their tag was missing, wrong, or not expected.</summary>
    public long Unauthenticated => Interlocked.Read(ref _unauthenticated);

    public byte[] Seal(byte[] payload)
    {
        ArgumentNullException.ThrowIfNull(payload);
        if (_key is null)
        {
            return payload;
        }

        var sealedBytes = new byte[HeaderBytes + payload.Length];
        sealedBytes[0] = Magic0;
        sealedBytes[1] = Magic1;
        Span<byte> tag = stackalloc byte[32];
        HMACSHA256.HashData(_key, payload, tag);
        tag[..TagBytes].CopyTo(sealedBytes.AsSpan(2));
        payload.CopyTo(sealedBytes.AsSpan(HeaderBytes));
        return sealedBytes;
    }

    /// <summary>The payload inside a valid envelope (or a bare one when unkeyed); false, counted, otherwise.</summary>
    public bool TryOpen(ReadOnlyMemory<byte> message, out ReadOnlyMemory<byte> payload)
    {
        var span = message.Span;
        var enveloped = span.Length >= HeaderBytes && span[0] == Magic0 && span[1] == Magic1;
        if (_key is null)
        {
            payload = message;
            if (!enveloped)
            {
                return true;
            }
        }
        else if (enveloped)
        {
            payload = message[HeaderBytes..];
            Span<byte> tag = stackalloc byte[32];
            HMACSHA256.HashData(_key, payload.Span, tag);
            if (CryptographicOperations.FixedTimeEquals(tag[..TagBytes], span.Slice(2, TagBytes)))
            {
                return true;
            }
        }

        payload = ReadOnlyMemory<byte>.Empty;
        Interlocked.Increment(ref _unauthenticated);
        return false;
    }
}
