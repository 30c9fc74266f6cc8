using FastAV.Live.Server.Verbs;

namespace FastAV.Live.Server.Tests.Verbs;

/// <summary>The tokenize verb over a small byte-level tokenizer.json written here.</summary>
public sealed class TokenizeVerbTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fastav-tokenize-").FullName;

    public TokenizeVerbTests()
    {
        // The 256 byte symbols (ids 0..255 in byte order), merges "h e" → 256 and "he llo"-style pieces, one special token.
        var vocab = new List<string>();
        var symbols = Enumerable.Range(0, 256).Select(b => FastAV.Live.Models.Tokenization.ByteLevelAlphabet.ToChar((byte)b).ToString()).ToList();
        vocab.AddRange(symbols.Select((s, i) => $"{System.Text.Json.JsonSerializer.Serialize(s)}: {i}"));
        vocab.Add("\"he\": 256");
        vocab.Add("\"ll\": 257");
        vocab.Add("\"llo\": 258");
        vocab.Add("\"hello\": 259");
        var json = $$"""
            {"added_tokens": [{"id": 260, "content": "<|end|>", "special": true}],
             "normalizer": {"type": "NFC"},
             "pre_tokenizer": {"type": "Sequence", "pretokenizers": [
                {"type": "Split", "pattern": {"Regex": {{System.Text.Json.JsonSerializer.Serialize(FastAV.Live.Models.Tokenization.SplitPattern.Qwen2Regex)}} }, "behavior": "Isolated", "invert": false},
                {"type": "ByteLevel", "add_prefix_space": false, "trim_offsets": false, "use_regex": false}]},
             "decoder": {"type": "ByteLevel"},
             "model": {"type": "BPE", "vocab": { {{string.Join(", ", vocab)}} }, "merges": ["h e", "l l", "ll o", "he llo"]} }
            """;
        File.WriteAllText(Path.Combine(_dir, "tokenizer.json"), json);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task EncodesEachLineToAJsonArray()
    {
        var (code, output, _) = await Run(["--tokenizer", _dir], "hello\nhe<|end|>\n\né\n");
        Assert.Equal(0, code);
        Assert.Equal(["[259]", "[256,260]", "[]", "[195,169]"], Lines(output));
    }

    [Fact]
    public async Task DecodesEachArrayToText()
    {
        var (code, output, _) = await Run(["--decode", "--tokenizer", Path.Combine(_dir, "tokenizer.json")], "[259]\n[256,260]\n[195,169]\n[195]\n");
        Assert.Equal(0, code);
        Assert.Equal(["hello", "he<|end|>", "é", "\uFFFD"], Lines(output));
    }

    [Theory]
    [InlineData("[1,2\n", "line 1")]
    [InlineData("[999]\n", "token id 999")]
    [InlineData("{\"a\": 1}\n", "line 1")]
    public async Task BadDecodeLinesAreReportedWithTheirNumber(string input, string message)
    {
        var (code, _, error) = await Run(["--tokenizer", _dir, "--decode"], input);
        Assert.Equal(1, code);
        Assert.Contains(message, error);
    }

    [Fact]
    public async Task BadUsageAndBadTokenizerExitTwo()
    {
        Assert.Equal(2, (await Run([], "")).Code);
        Assert.Equal(2, (await Run(["--tokenizer"], "")).Code);
        Assert.Equal(2, (await Run(["--tokenizer", _dir, "--frobnicate"], "")).Code);
        var missing = await Run(["--tokenizer", Path.Combine(_dir, "nope")], "");
        Assert.Equal(2, missing.Code);
        Assert.Contains("nope", missing.Error);
        var garbage = Path.Combine(_dir, "garbage.json");
        await File.WriteAllTextAsync(garbage, "{\"model\": 3}");
        var bad = await Run(["--tokenizer", garbage], "");
        Assert.Equal(2, bad.Code);
        Assert.Contains("'model' is missing", bad.Error);
    }

    private static string[] Lines(string output) => output.Split('\n')[..^1].Select(l => l.TrimEnd('\r')).ToArray();

    private static async Task<(int Code, string Output, string Error)> Run(string[] args, string input)
    {
        using var stdout = new StringWriter { NewLine = "\n" };
        using var stderr = new StringWriter();
        var code = await TokenizeVerb.RunAsync(args, new StringReader(input), stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }
}
