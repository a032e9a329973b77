using EdgeSync.Agent.Http;

namespace EdgeSync.Agent.Tests.Http;

public sealed class KeyPathTests
{
    [Theory]
    [InlineData("a/b", "a/b")]
    [InlineData("a%2Fb", "a/b")]
    [InlineData("a%2fb", "a/b")]
    [InlineData("gew%C3%A4chshaus", "gewächshaus")]
    [InlineData("100%25", "100%")]
    [InlineData("a+b", "a+b")]
    public void Decodes_percent_encoded_utf8_once(string raw, string key) => Assert.Equal(key, KeyPath.Decode(raw));

    [Theory]
    [InlineData("%4")]
    [InlineData("%zz")]
    [InlineData("%FF")]
    [InlineData("%C3")]
    [InlineData("é")]
    public void Rejects_broken_encodings(string raw)
    {
        var e = Assert.Throws<ApiException>(() => KeyPath.Decode(raw));
        Assert.Equal(400, e.Status);
        Assert.Equal("invalid_key", e.Code);
    }

    [Fact]
    public void Encode_then_decode_round_trips_and_keeps_slashes_readable()
    {
        const string key = "sensors/gewächshaus/temp 1?#%";
        var encoded = KeyPath.Encode(key);
        Assert.StartsWith("sensors/gew", encoded, StringComparison.Ordinal);
        Assert.Equal(key, KeyPath.Decode(encoded));
    }
}
