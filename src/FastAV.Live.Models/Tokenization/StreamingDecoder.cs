using System.Text;

namespace FastAV.Live.Models.Tokenization;

/// <summary>
/// Decodes generated tokens one at a time for streaming: each call returns only text that is complete, holding back
/// the bytes of a UTF-8 character split across tokens until its last byte arrives. The concatenation of all
/// returned text (with <see cref="Flush"/>) equals <see cref="BpeTokenizer.Decode"/> of the same ids.
/// Not thread-safe: one per stream.
/// </summary>
public sealed class StreamingDecoder
{
    private readonly BpeTokenizer _tokenizer;
    private readonly bool _skipSpecialTokens;
    private readonly System.Text.Decoder _utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false).GetDecoder();
    private char[] _chars = new char[64];

    internal StreamingDecoder(BpeTokenizer tokenizer, bool skipSpecialTokens)
    {
        _tokenizer = tokenizer;
        _skipSpecialTokens = skipSpecialTokens;
    }

    /// <summary>The text that <paramref name="id"/> completes (often empty while a character is incomplete).</summary>
    public string Append(int id)
    {
        var entry = _tokenizer.EntryOf(id);
        if (entry.Added is { } added)
        {
            if (_skipSpecialTokens && added.Special)
            {
                return string.Empty;
            }

            // Bytes before an added token are decoded on their own, as in a full decode.
            return Decode([], flush: true) + added.Content;
        }

        return Decode(entry.Bytes, flush: false);
    }

    /// <summary>Ends the stream: an incomplete character left over becomes U+FFFD.</summary>
    public string Flush() => Decode([], flush: true);

    private string Decode(ReadOnlySpan<byte> bytes, bool flush)
    {
        var needed = _utf8.GetCharCount(bytes, flush) + 4;
        if (_chars.Length < needed)
        {
            _chars = new char[Math.Max(needed, _chars.Length * 2)];
        }

        var n = _utf8.GetChars(bytes, _chars, flush);
        return n == 0 ? string.Empty : new string(_chars, 0, n);
    }
}
