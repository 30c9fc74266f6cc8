using System.Text;
using System.Text.RegularExpressions;

namespace FastAV.Live.Models.Tokenization;

/// <summary>
/// The pre-tokenizer split regex of Qwen2 and LLaMA-3, matched by hand over code points:
/// <c>(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+</c>
/// with N = 1 (Qwen2) or 3 (LLaMA-3). .NET's Regex matches \p{L} per UTF-16 unit and so misses letters outside
/// the BMP; this matcher reads whole code points. Character classes follow ECMAScript (the reference
/// implementation's engine): \s is Zs plus TAB, LF, VT, FF, CR, U+2028, U+2029 and U+FEFF; the contractions are
/// case-insensitive in ASCII only.
/// </summary>
public sealed class SplitPattern
{
    public const string Qwen2Regex =
        @"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";

    public const string Llama3Regex =
        @"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";

    /// <summary>GPT-2's own split (ByteLevel with use_regex): case-sensitive contractions, an optional space before letters, digits or symbols.</summary>
    public const string Gpt2Regex = @"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+";

    private readonly int _maxDigits;

    // GPT-2's pattern runs on .NET's Regex: it has no case folding or newline rules to hand-match. The one difference
    // from the reference (letters outside the BMP count as symbols) cannot occur in a vocabulary learnt from ASCII text.
    private readonly Regex? _gpt2;

    private SplitPattern(int maxDigits, Regex? gpt2 = null)
    {
        _maxDigits = maxDigits;
        _gpt2 = gpt2;
    }

    public static SplitPattern Qwen2 { get; } = new(1);

    public static SplitPattern Llama3 { get; } = new(3);

    public static SplitPattern Gpt2 { get; } = new(0, new Regex(Gpt2Regex, RegexOptions.CultureInvariant | RegexOptions.Compiled, TimeSpan.FromSeconds(5)));

    /// <summary>The matcher for a tokenizer.json Split regex; only the patterns above are supported.</summary>
    public static SplitPattern FromRegex(string regex) => regex switch
    {
        Qwen2Regex => Qwen2,
        Llama3Regex => Llama3,
        Gpt2Regex => Gpt2,
        _ => throw new NotSupportedException(
            $"pre-tokenizer Split regex is not supported (supported: the Qwen2 and LLaMA-3 patterns): {regex}"),
    };

    /// <summary>Appends (start, length) in UTF-16 units of each piece of <paramref name="text"/>, covering all of it.</summary>
    public void Split(ReadOnlySpan<char> text, List<(int Start, int Length)> pieces)
    {
        if (_gpt2 is not null)
        {
            // Every character is a letter, a digit, whitespace or a symbol, so the matches tile the text.
            foreach (var match in _gpt2.EnumerateMatches(text))
            {
                pieces.Add((match.Index, match.Length));
            }

            return;
        }

        var i = 0;
        while (i < text.Length)
        {
            var end = MatchAt(text, i);
            pieces.Add((i, end - i));
            i = end;
        }
    }

    private int MatchAt(ReadOnlySpan<char> text, int i)
    {
        var (c, w) = At(text, i);

        // (?i:'s|'t|'re|'ve|'m|'ll|'d)
        if (c == '\'' && i + 1 < text.Length)
        {
            var a = char.ToLowerInvariant(text[i + 1]);
            if (a is 's' or 't' or 'm' or 'd' && text[i + 1] < 128)
            {
                return i + 2;
            }

            if (i + 2 < text.Length && text[i + 1] < 128 && text[i + 2] < 128)
            {
                var b = char.ToLowerInvariant(text[i + 2]);
                if ((a, b) is ('r', 'e') or ('v', 'e') or ('l', 'l'))
                {
                    return i + 3;
                }
            }
        }

        // [^\r\n\p{L}\p{N}]?\p{L}+
        if (IsLetter(c))
        {
            return SkipLetters(text, i + w);
        }

        if (c is not '\r' and not '\n' && !IsNumber(c) && i + w < text.Length && IsLetter(At(text, i + w).Value))
        {
            return SkipLetters(text, i + w);
        }

        // \p{N}{1,maxDigits}
        if (IsNumber(c))
        {
            var end = i + w;
            for (var n = 1; n < _maxDigits && end < text.Length; n++)
            {
                var (d, dw) = At(text, end);
                if (!IsNumber(d))
                {
                    break;
                }

                end += dw;
            }

            return end;
        }

        //  ?[^\s\p{L}\p{N}]+[\r\n]*
        var start = c == ' ' && i + 1 < text.Length && IsOther(At(text, i + 1).Value) ? i + 1 : i;
        if (IsOther(At(text, start).Value))
        {
            var end = start;
            while (end < text.Length)
            {
                var (o, ow) = At(text, end);
                if (!IsOther(o))
                {
                    break;
                }

                end += ow;
            }

            while (end < text.Length && text[end] is '\r' or '\n')
            {
                end++;
            }

            return end;
        }

        // c is whitespace here (every code point is a letter, a number, whitespace or "other"); all \s are BMP.
        var runEnd = i;
        var lastBreak = -1;
        while (runEnd < text.Length && IsSpace(text[runEnd]))
        {
            if (text[runEnd] is '\r' or '\n')
            {
                lastBreak = runEnd;
            }

            runEnd++;
        }

        // \s*[\r\n]+ : greedy whitespace, backing off to the last line break of the run.
        if (lastBreak >= 0)
        {
            return lastBreak + 1;
        }

        // \s+(?!\S) : all of the run at the end of text, else the run less its last character.
        if (runEnd == text.Length || runEnd - 1 > i)
        {
            return runEnd == text.Length ? runEnd : runEnd - 1;
        }

        // \s+
        return runEnd;
    }

    private static int SkipLetters(ReadOnlySpan<char> text, int i)
    {
        while (i < text.Length)
        {
            var (c, w) = At(text, i);
            if (!IsLetter(c))
            {
                break;
            }

            i += w;
        }

        return i;
    }

    // A code point and its UTF-16 width; a lone surrogate reads as itself (a non-letter, non-number, non-space).
    private static (int Value, int Width) At(ReadOnlySpan<char> text, int i)
    {
        var c = text[i];
        if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
        {
            return (char.ConvertToUtf32(c, text[i + 1]), 2);
        }

        return (c, 1);
    }

    private static bool IsOther(int cp) => !IsSpace(cp) && !IsLetter(cp) && !IsNumber(cp);

    internal static bool IsLetter(int cp) => !IsSurrogate(cp) && Rune.GetUnicodeCategory(new Rune(cp)) is
        System.Globalization.UnicodeCategory.UppercaseLetter or System.Globalization.UnicodeCategory.LowercaseLetter
        or System.Globalization.UnicodeCategory.TitlecaseLetter or System.Globalization.UnicodeCategory.ModifierLetter
        or System.Globalization.UnicodeCategory.OtherLetter;

    internal static bool IsNumber(int cp) => !IsSurrogate(cp) && Rune.GetUnicodeCategory(new Rune(cp)) is
        System.Globalization.UnicodeCategory.DecimalDigitNumber or System.Globalization.UnicodeCategory.LetterNumber
        or System.Globalization.UnicodeCategory.OtherNumber;

    // ECMAScript \s.
    internal static bool IsSpace(int cp) => cp switch
    {
        >= 0x09 and <= 0x0D => true,
        0x20 or 0xA0 or 0x1680 or 0x2028 or 0x2029 or 0x202F or 0x205F or 0x3000 or 0xFEFF => true,
        >= 0x2000 and <= 0x200A => true,
        _ => false,
    };

    private static bool IsSurrogate(int cp) => cp is >= 0xD800 and <= 0xDFFF;
}
