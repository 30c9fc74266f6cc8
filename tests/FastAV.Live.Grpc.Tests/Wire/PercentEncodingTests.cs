using FastAV.Live.Grpc.Wire;

namespace FastAV.Live.Grpc.Tests.Wire;

public sealed class PercentEncodingTests
{
    [Theory]
    [InlineData("plain text", "plain text")]
    [InlineData("100%", "100%25")]
    [InlineData("a\nb\tc", "a%0Ab%09c")]
    [InlineData("\u00e9", "%C3%A9")]
    [InlineData("\t\ntest with whitespace\r\nand Unicode BMP \u263a and non-BMP \U0001F608\t\n",
        "%09%0Atest with whitespace%0D%0Aand Unicode BMP %E2%98%BA and non-BMP %F0%9F%98%88%09%0A")]
    [InlineData("~ and space stay", "~ and space stay")]
    public void Encodes_as_the_protocol_says(string raw, string encoded)
    {
        Assert.Equal(encoded, PercentEncoding.Encode(raw));
        Assert.Equal(raw, PercentEncoding.Decode(encoded));
    }

    [Theory]
    [InlineData("%", "%")]
    [InlineData("%4", "%4")]
    [InlineData("%zz", "%zz")]
    [InlineData("50%-off", "50%-off")]
    [InlineData("%41%4", "A%4")]
    public void Decoding_keeps_malformed_sequences(string encoded, string decoded) =>
        Assert.Equal(decoded, PercentEncoding.Decode(encoded));

    [Fact]
    public void Random_strings_round_trip()
    {
        var random = new Random(11);
        for (var i = 0; i < 2000; i++)
        {
            var chars = Enumerable.Range(0, random.Next(0, 40)).Select(_ => (char)random.Next(1, 0xD7FF)).ToArray();
            var s = new string(chars);
            var encoded = PercentEncoding.Encode(s);
            Assert.All(encoded, c => Assert.InRange(c, ' ', '~'));
            Assert.Equal(s, PercentEncoding.Decode(encoded));
        }
    }
}
