using System.Text;

namespace FastAV.Live.Models.Tests.Tokenization;

/// <summary>
/// A seeded corpus for tokenizer parity: English, CJK (with letters outside the BMP), emoji, code, whitespace runs,
/// special tokens, lone UTF-16 surrogates, decomposed (NFD) text, and random mixtures of all of them.
/// </summary>
internal static class TokenizerCorpus
{
    private static readonly string[] s_words =
    [
        "the", "The", "quick", "brown", "fox", "jumps", "over", "lazy", "dog", "stream", "video", "audio", "frame",
        "window", "token", "model", "Qwen", "LLaMA", "tokenizer", "isn't", "don't", "I'm", "we're", "they've", "she'll",
        "he'd", "IT'S", "You'RE", "WE'LL", "o'clock", "rock'n'roll", "e-mail", "state-of-the-art", "U.S.A.", "Mr.",
        "naïve", "café", "résumé", "Zürich", "façade", "coöperate", "ﬁle", "Ωmega", "Straße", "İstanbul", "ǅemal",
    ];

    private static readonly string[] s_cjk =
    [
        "你好，世界！", "今天天气很好。", "实时音视频分析", "我们在测试分词器", "こんにちは世界", "東京タワーに行きました。",
        "カタカナとひらがな", "안녕하세요 세계", "한국어 형태소", "𠀀𠀁𠀂 CJK扩展B", "𪚥𫝀𬺰 rare", "中文English混合123",
        "「引用」『二重』【括弧】", "ｆｕｌｌｗｉｄｔｈ　ＡＢＣ１２３", "半角ｶﾀｶﾅ", "第①②③章", "Ⅻ月ⅳ日",
    ];

    private static readonly string[] s_emoji =
    [
        "😀", "😂🤣", "👍🏽", "👨‍👩‍👧‍👦", "🏳️‍🌈", "🇺🇸🇯🇵", "❤️", "✔️✅", "🔥🔥🔥", "🙋‍♀️", "🧑🏿‍💻", "©®™", "☕", "⌚⏰",
        "🫠", "1️⃣#️⃣",
    ];

    private static readonly string[] s_code =
    [
        "public static int Main(string[] args)\n{\n    return 0;\n}\n",
        "def f(x):\n\treturn x ** 2  # square\n",
        "for (var i = 0; i < n; i++) { sum += a[i]; }",
        "{\"key\": [1, 2.5, -3e10, null, true], \"nested\": {\"a\": \"b\"}}",
        "if x != y && z >= 0 || !w:\r\n    pass\r\n",
        "SELECT * FROM t WHERE id = 42 -- comment",
        "#include <stdio.h>\nint main(void){printf(\"%d\\n\", 1<<3);}",
        "<div class=\"a\">&amp;&lt;&gt;</div>",
        "x = [i for i in range(10) if i % 2 == 0]",
        "git commit -m 'fix: bug #123' && echo $?",
        "    indented\n        more\n\t\ttabs\n",
        "a+=b;c-=d;e*=f;g/=h;i%=j;k^=l;m|=n;o&=p",
        "0x1F600 0b1010 1_000_000 3.14159 1e-9",
        "https://example.com/path?q=1&r=two#frag",
        "C:\\Users\\name\\file.txt",
        "λx.x → ∀y∃z: y≠z ∧ ¬p ∨ q ⊢ ∑ᵢ xᵢ²",
    ];

    private static readonly string[] s_special =
    [
        "<|im_start|>", "<|im_end|>", "<|endoftext|>", "<think>", "</think>", "<tool_call>", "<|vision_start|>",
        "<|video_pad|>", "<|image_pad|>", "<|fim_prefix|>", "<|im_sta", "im_end|>", "<|", "|>", "<||>", "<|im_start|",
    ];

    private static readonly string[] s_spaces =
    [
        " ", "  ", "   ", "\t", "\n", "\r\n", "\n\n", "\r", " \n", "\n ", "\u00A0", "\u3000", "\u2009", "\u200A", "\u2028",
        "\u0085", "\uFEFF", "\u000B", "\u000C", "\u202F", "\u205F", "\u1680", "\u200B",
    ];

    private static readonly string[] s_decomposed =
    [
        "e\u0301", "a\u0308", "A\u030A", "o\u0302\u0301", "a\u0323\u0307", "a\u0307\u0323", "\u1100\u1161\u11A8",
        "\u1112\u1161\u11AB\u1100\u1173\u11AF", "\u0958", "\u2126", "\u212B", "\u0344", "n\u0303o", "u\u0308\u0304",
        "\u0041\u0300\u0301\u0302", "i\u0307", "\u00C5\u0301", "s\u0323\u0307", "\u1E9B\u0323", "\u0CCA",
        "\u0915\u093C", "\u05D1\u05BC", "\u30AB\u3099", "\u304B\u3099\u3099",
    ];

    private static readonly (int Low, int High)[] s_ranges =
    [
        (0x20, 0x7E), (0xA0, 0xFF), (0x100, 0x17F), (0x300, 0x36F), (0x391, 0x3A1), (0x3B1, 0x3C9), (0x400, 0x4FF),
        (0x5D0, 0x5EA), (0x621, 0x64A), (0x660, 0x669), (0x905, 0x939), (0xE01, 0xE30), (0x2010, 0x2027),
        (0x2150, 0x2182), (0x2200, 0x22FF), (0x2500, 0x257F), (0x3041, 0x3096), (0x30A1, 0x30FA), (0x4E00, 0x9FFF),
        (0xAC00, 0xD7A3), (0xFF10, 0xFF19), (0xFF21, 0xFF3A), (0x1D400, 0x1D454), (0x1F300, 0x1F5FF),
        (0x1F600, 0x1F64F), (0x20000, 0x2A6DF),
    ];

    public static List<string> Build(int count = 2400, ulong seed = 20240501)
    {
        var rng = new SplitMix(seed);
        var corpus = new List<string> { string.Empty, " ", "a", "\n", "\uD800", "\uDC00", "\uDBFF\uDFFF", "\uDC00\uD800" };
        corpus.AddRange(s_words);
        corpus.AddRange(s_cjk);
        corpus.AddRange(s_emoji);
        corpus.AddRange(s_code);
        corpus.AddRange(s_special);
        corpus.AddRange(s_spaces);
        corpus.AddRange(s_decomposed);
        corpus.Add("<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n<|im_start|>user\nHi!<|im_end|>\n<|im_start|>assistant\n");
        corpus.Add(new string('a', 3000));
        corpus.Add(string.Concat(Enumerable.Repeat("ab", 1500)));
        corpus.Add(new string(' ', 2000) + "x");
        corpus.Add(string.Concat(Enumerable.Repeat("1234567890", 100)));
        corpus.Add(new string('!', 500) + "\n\n\n");

        var makers = new Func<SplitMix, string>[]
        {
            English, Cjk, Emoji, Code, Whitespace, Special, Surrogates, Decomposed, RandomCodePoints, Mixed,
        };
        var k = 0;
        while (corpus.Count < count)
        {
            corpus.Add(makers[k++ % makers.Length](rng));
        }

        return corpus;
    }

    private static string English(SplitMix rng)
    {
        var sb = new StringBuilder();
        var n = rng.Next(1, 14);
        for (var i = 0; i < n; i++)
        {
            if (i > 0)
            {
                sb.Append(rng.Next(8) == 0 ? rng.Pick([", ", ". ", "; ", " - ", "! ", "? ", " (", ") ", "\"", " '"]) : " ");
            }

            sb.Append(rng.Next(6) == 0 ? rng.Next(0, 100000).ToString(System.Globalization.CultureInfo.InvariantCulture) : rng.Pick(s_words));
        }

        return sb.Append(rng.Pick([".", "!", "?", "", "...", "\n"])).ToString();
    }

    private static string Cjk(SplitMix rng) => rng.Pick(s_cjk) + rng.Pick(["", " ", "。", "\n"]) + rng.Pick(s_cjk);

    private static string Emoji(SplitMix rng) => rng.Pick(s_words) + rng.Pick(["", " "]) + rng.Pick(s_emoji) + rng.Pick(s_emoji) + rng.Pick(["", " ok", "!"]);

    private static string Code(SplitMix rng) => rng.Pick(s_code) + rng.Pick(["", "\n", "  ", "\t"]) + rng.Pick(s_code);

    private static string Whitespace(SplitMix rng)
    {
        var sb = new StringBuilder();
        var n = rng.Next(1, 8);
        for (var i = 0; i < n; i++)
        {
            for (var j = rng.Next(1, 5); j > 0; j--)
            {
                sb.Append(rng.Pick(s_spaces));
            }

            sb.Append(rng.Pick(["x", "word", "7", "!!", "é", "中", "😀", "", ".", "'s"]));
        }

        return sb.ToString();
    }

    private static string Special(SplitMix rng)
    {
        var sb = new StringBuilder();
        for (var i = rng.Next(1, 6); i > 0; i--)
        {
            sb.Append(rng.Next(3) == 0 ? rng.Pick(s_words) : rng.Pick(s_special));
            sb.Append(rng.Pick(["", "", " ", "\n", "x"]));
        }

        return sb.ToString();
    }

    private static string Surrogates(SplitMix rng)
    {
        var lone = rng.Pick(["\uD800", "\uDBFF", "\uDC00", "\uDFFF", "\uD83D", "\uDE00"]);
        return rng.Pick(s_words) + rng.Pick(["", " "]) + lone + rng.Pick(["", " ", "a", "\uDE00", "\uD83D"]) + rng.Pick(s_cjk);
    }

    private static string Decomposed(SplitMix rng) =>
        rng.Pick(s_words) + rng.Pick(s_decomposed) + rng.Pick(["", " ", "x"]) + rng.Pick(s_decomposed) + rng.Pick(s_decomposed);

    private static string RandomCodePoints(SplitMix rng)
    {
        var sb = new StringBuilder();
        for (var i = rng.Next(1, 24); i > 0; i--)
        {
            var (low, high) = s_ranges[rng.Next(s_ranges.Length)];
            sb.Append(char.ConvertFromUtf32(rng.Next(low, high + 1)));
        }

        return sb.ToString();
    }

    private static string Mixed(SplitMix rng)
    {
        var parts = new Func<SplitMix, string>[] { English, Cjk, Emoji, Code, Whitespace, Special, Surrogates, Decomposed, RandomCodePoints };
        var sb = new StringBuilder();
        for (var i = rng.Next(2, 5); i > 0; i--)
        {
            sb.Append(parts[rng.Next(parts.Length)](rng));
        }

        return sb.ToString();
    }

    /// <summary>SplitMix64: a small seeded generator whose stream never changes between runtimes.</summary>
    internal sealed class SplitMix(ulong seed)
    {
        private ulong _state = seed;

        public ulong NextUInt64()
        {
            var z = _state += 0x9E3779B97F4A7C15;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
            return z ^ (z >> 31);
        }

        public int Next(int high) => (int)(NextUInt64() % (ulong)high);

        public int Next(int low, int high) => low + Next(high - low);

        public string Pick(string[] items) => items[Next(items.Length)];
    }
}
