using System.Diagnostics;
using System.Text.Json;
using FastAV.Live.Models.Tokenization;

namespace FastAV.Live.Models.Tests.Tokenization;

/// <summary>
/// models/fastav-tiny/tokenizer.json uses ByteLevel with use_regex (GPT-2's split): the C# tokenizer's ids must equal
/// the training tokenizer's (training/fastav_tiny/tokenizer.py, run with Debian's Python) on text with contractions,
/// digits, symbols, runs of spaces, newlines, non-ASCII and the model's special tokens.
/// </summary>
public sealed class Gpt2SplitParityTests
{
    private static readonly string[] Texts =
    [
        "which came first, yellow or blue?",
        "what's the   colour of the  circle?\n\nnone",
        "how many beeps were there? 1234 567,89 -- ok!!",
        "it's  'll 've 're 'd 'm 'S don't",
        "héllo ✓ 日本 emoji 😀 end",
        "<|im_start|>user\n<|video|><|audio|><|window|>was there a knock?<|im_end|>\n",
        "   leading and trailing   ",
        "\t tabs\tand\r\nCRLF\r\n",
    ];

    [Fact]
    public async Task IdsEqualTheTrainingTokenizer()
    {
        var root = RepositoryLayout.Root;
        var tokenizer = BpeTokenizer.Load(Path.Combine(root, "models", "fastav-tiny", "tokenizer.json"));
        var code = "import sys, json; sys.path.insert(0, 'training')\n"
            + "from fastav_tiny.tokenizer import ByteBpeTokenizer\n"
            + "t = ByteBpeTokenizer.load('models/fastav-tiny/tokenizer.json')\n"
            + "print(json.dumps([t.encode(s) for s in json.load(sys.stdin)]))";
        var start = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = root };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(code);
        using var p = Process.Start(start)!;
        p.StandardInput.Write(JsonSerializer.Serialize(Texts));
        p.StandardInput.Close();
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await p.WaitForExitAsync(cts.Token);
        Assert.True(p.ExitCode == 0, await stderr);
        var expected = JsonSerializer.Deserialize<int[][]>(await stdout)!;
        for (var i = 0; i < Texts.Length; i++)
        {
            Assert.Equal(expected[i], tokenizer.Encode(Texts[i]));
            Assert.Equal(Texts[i], tokenizer.Decode(expected[i]));
        }
    }
}
