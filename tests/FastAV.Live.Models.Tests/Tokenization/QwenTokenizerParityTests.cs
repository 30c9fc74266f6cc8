using FastAV.Live.Models.Tokenization;

namespace FastAV.Live.Models.Tests.Tokenization;

/// <summary>
/// Our tokenizer against @lenml/tokenizers (transformers.js) on the real Qwen tokenizer.json over a corpus of
/// 2,400 strings: identical ids, identical decoded text, and identical NFC.
/// </summary>
public sealed class QwenTokenizerParityTests(QwenReference reference) : IClassFixture<QwenReference>
{
    [Fact]
    public void CorpusCoversEveryKindOfText()
    {
        var corpus = reference.Corpus;
        Assert.True(corpus.Count >= 2000);
        Assert.Equal(corpus.Count, reference.Answers.Count);
        Assert.Contains(corpus, s => s.Any(char.IsHighSurrogate) && s.Any(c => c >= 0x4E00 && c <= 0x9FFF));
        Assert.Contains(corpus, s => s.Contains("<|im_start|>", StringComparison.Ordinal));
        Assert.Contains(corpus, s => s.Contains("\uD800", StringComparison.Ordinal) && s.Any(c => c == (char)0xD800));
        Assert.Contains(corpus, s => s.Contains("e\u0301", StringComparison.Ordinal));
        Assert.Contains(corpus, s => s.Contains("\n\n", StringComparison.Ordinal));
    }

    [Fact]
    public void IdsEqualTheReferenceImplementations()
    {
        var mismatches = new List<string>();
        for (var i = 0; i < reference.Corpus.Count; i++)
        {
            var ours = reference.Tokenizer.Encode(reference.Corpus[i]);
            var theirs = reference.Answers[i].Ids;
            if (!ours.AsSpan().SequenceEqual(theirs))
            {
                mismatches.Add($"#{i} {Escape(reference.Corpus[i])}: ours [{string.Join(",", ours)}] reference [{string.Join(",", theirs)}]");
            }
        }

        Assert.True(mismatches.Count == 0, $"{mismatches.Count} of {reference.Corpus.Count} differ:\n{string.Join("\n", mismatches.Take(20))}");
    }

    [Fact]
    public void DecodedTextEqualsTheReferenceAndRoundTrips()
    {
        var mismatches = new List<string>();
        for (var i = 0; i < reference.Corpus.Count; i++)
        {
            var (ids, text, nfc) = reference.Answers[i];
            var ours = reference.Tokenizer.Decode(ids);
            // Round trip: decoding the ids of a text gives the text back, normalized, lone surrogates as U+FFFD.
            var expectedRoundTrip = ReplaceLoneSurrogates(nfc);
            if (ours != text || ours != expectedRoundTrip)
            {
                mismatches.Add($"#{i} {Escape(reference.Corpus[i])}: ours {Escape(ours)} reference {Escape(text)}");
            }
        }

        Assert.True(mismatches.Count == 0, $"{mismatches.Count} differ:\n{string.Join("\n", mismatches.Take(20))}");
    }

    [Fact]
    public void NfcEqualsTheReferenceNormalization()
    {
        for (var i = 0; i < reference.Corpus.Count; i++)
        {
            Assert.Equal(ReplaceLoneSurrogates(reference.Answers[i].Nfc), UnicodeNormalizer.Nfc(reference.Corpus[i]));
        }
    }

    [Fact]
    public void StreamingDecodeOfEveryTokenEqualsTheWholeDecode()
    {
        for (var i = 0; i < reference.Corpus.Count; i++)
        {
            var ids = reference.Answers[i].Ids;
            var stream = reference.Tokenizer.CreateStreamingDecoder();
            var text = new System.Text.StringBuilder();
            foreach (var id in ids)
            {
                var piece = stream.Append(id);
                // Never half a character: no piece ends in a high surrogate or holds a replacement that the whole lacks.
                Assert.False(piece.Length > 0 && char.IsHighSurrogate(piece[^1]), $"#{i}: piece ends inside a surrogate pair");
                text.Append(piece);
            }

            text.Append(stream.Flush());
            Assert.Equal(reference.Answers[i].Text, text.ToString());
        }
    }

    private static string ReplaceLoneSurrogates(string s)
    {
        var chars = s.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            if (char.IsHighSurrogate(chars[i]) && i + 1 < chars.Length && char.IsLowSurrogate(chars[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(chars[i]))
            {
                chars[i] = '\uFFFD';
            }
        }

        return new string(chars);
    }

    private static string Escape(string s) =>
        string.Concat(s.Take(200).Select(c => c is >= ' ' and < (char)127 ? c.ToString() : $"\\u{(int)c:X4}"));
}
