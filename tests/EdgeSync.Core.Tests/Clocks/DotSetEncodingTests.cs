using System.Text;
using CsCheck;
using EdgeSync.Core.Clocks;

namespace EdgeSync.Core.Tests.Clocks;

public class DotSetEncodingTests
{
    private const long Iter = 400;

    [Fact]
    public void Token_round_trips() =>
        ClockGens.Set.Sample(set =>
        {
            var token = set.Encode();
            Assert.True(DotSet.TryDecode(token, out var decoded));
            Assert.Equal(set, decoded);
            Assert.Equal(token, decoded.Encode());
            Assert.DoesNotContain(token, c => c is '+' or '/' or '=');
        }, iter: Iter);

    [Fact]
    public void Text_round_trips() =>
        ClockGens.Set.Sample(set =>
        {
            var parsed = DotSet.Parse(set.ToString());
            Assert.Equal(set, parsed);
            Assert.Equal(set.ToString(), parsed.ToString());
        }, iter: Iter);

    [Fact]
    public void Missing_token_means_an_empty_context()
    {
        Assert.True(DotSet.TryDecode(null, out var none));
        Assert.True(none.IsEmpty);
        Assert.True(DotSet.TryDecode("", out var empty));
        Assert.True(empty.IsEmpty);
    }

    [Theory]
    [InlineData("a")]
    [InlineData(":3")]
    [InlineData("a:")]
    [InlineData("a:-1")]
    [InlineData("a:x")]
    [InlineData("a:1+")]
    [InlineData("a:1++2")]
    [InlineData("a:1+-2")]
    [InlineData("a:1;;b:2")]
    [InlineData("a b:1")]
    [InlineData("a/b:1")]
    [InlineData("a:99999999999999999999")]
    [InlineData("a:1+99999999999999999999")]
    public void Malformed_text_inside_a_valid_token_is_rejected(string text)
    {
        Assert.Throws<FormatException>(() => DotSet.Parse(text));
        Assert.False(DotSet.TryDecode(Base64Url.Encode(Encoding.UTF8.GetBytes(text)), out _));
    }

    [Theory]
    [InlineData("!!!!")]
    [InlineData("a")] // length 1 mod 4 is never valid base64
    [InlineData("YWJj ZA%%")]
    [InlineData("YQ")] // "a": no counter
    [InlineData("____")] // bytes that are not UTF-8 text
    public void Malformed_tokens_are_rejected(string token) => Assert.False(DotSet.TryDecode(token, out _));

    [Fact]
    public void Overlong_node_id_is_rejected()
    {
        var text = new string('n', NodeId.MaxLength + 1) + ":1";
        Assert.False(DotSet.TryDecode(Base64Url.Encode(Encoding.UTF8.GetBytes(text)), out _));
    }

    [Fact]
    public void Random_tokens_never_throw() =>
        Gen.OneOf(
                Gen.String,
                Gen.Char["abcXYZ019-_+/=:; \0é"].Array[0, 40].Select(cs => new string(cs)),
                Gen.Byte.Array[0, 40].Select(b => Base64Url.Encode(b)))
            .Sample(token =>
            {
                if (DotSet.TryDecode(token, out var set))
                {
                    // Anything accepted is a well-formed set that survives its own round trip.
                    Assert.Equal(set, DotSet.Parse(set.ToString()));
                }
            }, iter: 2000);

    [Fact]
    public void Mutated_tokens_never_throw() =>
        Gen.Select(ClockGens.Set, Gen.Int[0, 1000], Gen.Char["abcXYZ019-_+/=:;"])
            .Sample((set, position, replacement) =>
            {
                var token = set.Encode();
                if (token.Length == 0)
                {
                    return;
                }

                var chars = token.ToCharArray();
                chars[position % chars.Length] = replacement;
                _ = DotSet.TryDecode(new string(chars), out _);
                _ = DotSet.TryDecode(token[..(position % token.Length)], out _);
            }, iter: 1000);

    [Fact]
    public void Text_form_is_canonical()
    {
        var set = DotSet.Parse("b:2;a:1+4+3");
        Assert.Equal("a:1+3+4;b:2", set.ToString());
        Assert.Equal(set, DotSet.Parse("a:1+3+4;b:2"));
        Assert.Equal("a:3", DotSet.Parse("a:1+3+2").ToString());
    }
}
