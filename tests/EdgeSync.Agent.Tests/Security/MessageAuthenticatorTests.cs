using System.Text;
using CsCheck;
using EdgeSync.Agent.Security;

namespace EdgeSync.Agent.Tests.Security;

public sealed class MessageAuthenticatorTests
{
    private static readonly MessageAuthenticator Keyed = new("a fleet key of some length", "f1");

    [Fact]
    public void Sealed_payload_opens_only_with_the_same_key_and_fleet()
    {
        var keyed = new MessageAuthenticator("a fleet key of some length", "f1");
        var payload = Encoding.UTF8.GetBytes("hello fleet");
        var sealedBytes = keyed.Seal(payload);
        Assert.Equal(MessageAuthenticator.HeaderBytes + payload.Length, sealedBytes.Length);
        Assert.True(keyed.TryOpen(sealedBytes, out var opened));
        Assert.Equal(payload, opened.ToArray());

        Assert.False(new MessageAuthenticator("another fleet key entirely", "f1").TryOpen(sealedBytes, out _));
        Assert.False(new MessageAuthenticator("a fleet key of some length", "f2").TryOpen(sealedBytes, out _), "the fleet name is part of the key");
        Assert.False(keyed.TryOpen(payload, out _), "a bare payload is refused by a keyed node");
        Assert.False(MessageAuthenticator.None.TryOpen(sealedBytes, out _), "a sealed payload is refused by an unkeyed node");
        Assert.True(MessageAuthenticator.None.TryOpen(payload, out var bare));
        Assert.Equal(payload, bare.ToArray());
        Assert.Equal(1, keyed.Unauthenticated);
    }

    [Fact]
    public void Any_change_to_a_sealed_message_is_refused_and_counted()
    {
        var auth = new MessageAuthenticator("a fleet key of some length", "f1");
        Gen.Select(Gen.Byte.Array[0, 200], Gen.Int[0, int.MaxValue], Gen.Int[0, 7]).Sample((payload, at, bit) =>
        {
            var sealedBytes = auth.Seal(payload);
            var tampered = (byte[])sealedBytes.Clone();
            tampered[at % tampered.Length] ^= (byte)(1 << bit);
            Assert.True(auth.TryOpen(sealedBytes, out var opened));
            Assert.Equal(payload, opened.ToArray());
            Assert.False(auth.TryOpen(tampered, out var nothing));
            Assert.True(nothing.IsEmpty);
        }, iter: FuzzIterations, threads: 1);
        Assert.Equal(FuzzIterations, auth.Unauthenticated);
    }

    [Fact]
    public void Random_bytes_never_open_under_a_key() =>
        Gen.Byte.Array[0, 300].Sample(bytes =>
        {
            Assert.False(Keyed.TryOpen(bytes, out _));
        }, iter: FuzzIterations, threads: 1);

    /// <summary>5,000 normally; <c>EDGESYNC_FUZZ_ITERATIONS</c> for a soak.</summary>
    internal static long FuzzIterations =>
        long.TryParse(Environment.GetEnvironmentVariable("EDGESYNC_FUZZ_ITERATIONS"), out var n) && n > 0 ? n : 5_000;
}
