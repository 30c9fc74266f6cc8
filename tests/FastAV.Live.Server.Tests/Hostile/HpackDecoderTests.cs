namespace FastAV.Live.Server.Tests.Hostile;

/// <summary>The raw client's HPACK decoder against the examples of RFC 7541 Appendix C.</summary>
public sealed class HpackDecoderTests
{
    [Theory]
    [InlineData("0a", 5, 10)]
    [InlineData("1f9a0a", 5, 1337)]
    [InlineData("2a", 8, 42)]
    public void Integers_decode_as_in_appendix_C1(string hex, int prefixBits, long expected)
    {
        var position = 0;
        Assert.Equal(expected, HpackDecoder.ReadInteger(Convert.FromHexString(hex), ref position, prefixBits));
        Assert.Equal(hex.Length / 2, position);
        var encoded = new List<byte>();
        HpackEncoder.WriteInteger(encoded, expected, prefixBits);
        Assert.Equal(hex, Convert.ToHexStringLower([.. encoded]));
    }

    [Fact]
    public void Requests_with_huffman_and_dynamic_table_decode_as_in_appendix_C4()
    {
        var decoder = new HpackDecoder();
        AssertFields(
            decoder.Decode(Convert.FromHexString("828684418cf1e3c2e5f23a6ba0ab90f4ff")),
            (":method", "GET"), (":scheme", "http"), (":path", "/"), (":authority", "www.example.com"));
        Assert.Equal(57, decoder.DynamicTableSize);

        AssertFields(
            decoder.Decode(Convert.FromHexString("828684be5886a8eb10649cbf")),
            (":method", "GET"), (":scheme", "http"), (":path", "/"), (":authority", "www.example.com"), ("cache-control", "no-cache"));
        Assert.Equal(110, decoder.DynamicTableSize);

        AssertFields(
            decoder.Decode(Convert.FromHexString("828785bf408825a849e95ba97d7f8925a849e95bb8e8b4bf")),
            (":method", "GET"), (":scheme", "https"), (":path", "/index.html"), (":authority", "www.example.com"), ("custom-key", "custom-value"));
        Assert.Equal(164, decoder.DynamicTableSize);
        Assert.Equal(3, decoder.DynamicTableCount);
    }

    [Fact]
    public void Responses_with_huffman_and_eviction_decode_as_in_appendix_C6()
    {
        var decoder = new HpackDecoder(maxTableSize: 256);
        decoder.Decode([0x3f, 0xe1, 0x01]); // size update to 256 (32 + 225), as a server would announce it

        AssertFields(
            decoder.Decode(Convert.FromHexString(
                "488264025885aec3771a4b6196d07abe941054d444a8200595040b8166e082a62d1bff6e919d29ad171863c78f0b97c8e9ae82ae43d3")),
            (":status", "302"), ("cache-control", "private"), ("date", "Mon, 21 Oct 2013 20:13:21 GMT"), ("location", "https://www.example.com"));
        Assert.Equal(222, decoder.DynamicTableSize);

        AssertFields(
            decoder.Decode(Convert.FromHexString("4883640effc1c0bf")),
            (":status", "307"), ("cache-control", "private"), ("date", "Mon, 21 Oct 2013 20:13:21 GMT"), ("location", "https://www.example.com"));
        Assert.Equal(222, decoder.DynamicTableSize);

        AssertFields(
            decoder.Decode(Convert.FromHexString(
                "88c16196d07abe941054d444a8200595040b8166e084a62d1bffc05a839bd9ab77ad94e7821dd7f2e6c7b335dfdfcd5b3960d5af27087f3672c1ab270fb5291f9587316065c003ed4ee5b1063d5007")),
            (":status", "200"), ("cache-control", "private"), ("date", "Mon, 21 Oct 2013 20:13:22 GMT"), ("location", "https://www.example.com"),
            ("content-encoding", "gzip"), ("set-cookie", "foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1"));
        Assert.Equal(215, decoder.DynamicTableSize);
        Assert.Equal(3, decoder.DynamicTableCount);
    }

    [Fact]
    public void Huffman_round_trips_every_octet()
    {
        var all = Enumerable.Range(0, 256).Select(i => (byte)i).ToArray();
        Assert.Equal(all, HpackHuffman.Decode(HpackHuffman.Encode(all)));
        Assert.Equal("www.example.com"u8.ToArray(), HpackHuffman.Decode(Convert.FromHexString("f1e3c2e5f23a6ba0ab90f4ff")));
    }

    [Theory]
    [InlineData("18", "padding of zero bits after an a")]
    [InlineData("1fff", "11 bits of padding after an a")]
    [InlineData("fffffffc", "EOS in the data")]
    public void Huffman_rejects_bad_padding_and_eos(string hex, string why)
    {
        Assert.Throws<InvalidDataException>(() => HpackHuffman.Decode(Convert.FromHexString(hex)));
        Assert.Equal("a"u8.ToArray(), HpackHuffman.Decode([0x1f]));
        Assert.NotEmpty(why);
    }

    [Theory]
    [InlineData("be", "index beyond both tables")]
    [InlineData("80", "index 0")]
    [InlineData("0085", "truncated string")]
    [InlineData("3fe21f", "size update to 4097, above the limit")]
    [InlineData("823f", "truncated integer, size update after a field")]
    public void Malformed_blocks_are_rejected(string hex, string why)
    {
        Assert.Throws<InvalidDataException>(() => new HpackDecoder().Decode(Convert.FromHexString(hex)));
        Assert.NotEmpty(why);
    }

    private static void AssertFields(List<KeyValuePair<string, string>> actual, params (string Name, string Value)[] expected) =>
        Assert.Equal(expected.Select(e => $"{e.Name}: {e.Value}"), actual.Select(a => $"{a.Key}: {a.Value}"));
}
