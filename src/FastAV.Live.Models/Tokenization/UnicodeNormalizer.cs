using System.Text;

namespace FastAV.Live.Models.Tokenization;

/// <summary>
/// Unicode canonical normalization (NFC, NFD) from our own tables (<see cref="UnicodeNormalizationTables"/>):
/// the service runs with InvariantGlobalization, where <see cref="string.Normalize()"/> returns non-ASCII text
/// unchanged. Lone surrogates become U+FFFD (the tokenizer's UTF-8 step would make them U+FFFD anyway).
/// </summary>
public static class UnicodeNormalizer
{
    private const int HangulBase = 0xAC00, LeadBase = 0x1100, VowelBase = 0x1161, TrailBase = 0x11A7;
    private const int LeadCount = 19, VowelCount = 21, TrailCount = 28, SyllableCount = 11172;
    private const int VowelTrailCount = VowelCount * TrailCount;

    private static readonly Lazy<Tables> s_tables = new(Tables.Build);

    /// <summary>The Unicode version of the tables.</summary>
    public static string UnicodeVersion => UnicodeNormalizationTables.UnicodeVersion;

    public static string Nfc(string text) => Normalize(text, compose: true);

    public static string Nfd(string text) => Normalize(text, compose: false);

    private static string Normalize(string text, bool compose)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (IsTriviallyNormal(text))
        {
            return text;
        }

        var tables = s_tables.Value;
        var points = new List<int>(text.Length + 8);
        for (var i = 0; i < text.Length;)
        {
            var status = Rune.DecodeFromUtf16(text.AsSpan(i), out var rune, out var used);
            i += used;
            var cp = status == System.Buffers.OperationStatus.Done ? rune.Value : 0xFFFD;
            Decompose(tables, cp, points);
        }

        OrderCanonically(tables, points);
        if (compose)
        {
            Compose(tables, points);
        }

        var sb = new StringBuilder(points.Count + 4);
        foreach (var cp in points)
        {
            sb.Append(new Rune(cp).ToString());
        }

        return sb.ToString();
    }

    // Below U+00C0 ('À', the first character with a canonical decomposition) nothing decomposes or combines.
    private static bool IsTriviallyNormal(string text)
    {
        foreach (var c in text)
        {
            if (c >= 0xC0)
            {
                return false;
            }
        }

        return true;
    }

    private static void Decompose(Tables tables, int cp, List<int> output)
    {
        if (cp >= HangulBase && cp < HangulBase + SyllableCount)
        {
            var s = cp - HangulBase;
            output.Add(LeadBase + (s / VowelTrailCount));
            output.Add(VowelBase + (s % VowelTrailCount / TrailCount));
            if (s % TrailCount != 0)
            {
                output.Add(TrailBase + (s % TrailCount));
            }

            return;
        }

        if (tables.Decompositions.TryGetValue(cp, out var d))
        {
            Decompose(tables, d.First, output);
            if (d.Second != 0)
            {
                Decompose(tables, d.Second, output);
            }

            return;
        }

        output.Add(cp);
    }

    // Stable sort of each run of non-starters by combining class (insertion sort: runs are short).
    private static void OrderCanonically(Tables tables, List<int> points)
    {
        for (var i = 1; i < points.Count; i++)
        {
            var cc = tables.ClassOf(points[i]);
            if (cc == 0)
            {
                continue;
            }

            var j = i;
            while (j > 0)
            {
                var prev = tables.ClassOf(points[j - 1]);
                if (prev <= cc)
                {
                    break;
                }

                (points[j - 1], points[j]) = (points[j], points[j - 1]);
                j--;
            }
        }
    }

    private static void Compose(Tables tables, List<int> points)
    {
        var starter = -1;
        var lastClass = 0;
        var write = 0;
        for (var read = 0; read < points.Count; read++)
        {
            var c = points[read];
            var cc = tables.ClassOf(c);
            if (starter >= 0)
            {
                var adjacent = write - 1 == starter;
                var blocked = !adjacent && (lastClass == 0 || lastClass >= cc);
                if (!blocked && TryCompose(tables, points[starter], c, out var composite))
                {
                    points[starter] = composite;
                    continue;
                }
            }

            if (cc == 0)
            {
                starter = write;
            }

            lastClass = cc;
            points[write++] = c;
        }

        points.RemoveRange(write, points.Count - write);
    }

    private static bool TryCompose(Tables tables, int first, int second, out int composite)
    {
        if (first >= LeadBase && first < LeadBase + LeadCount && second >= VowelBase && second < VowelBase + VowelCount)
        {
            composite = HangulBase + (((first - LeadBase) * VowelCount) + (second - VowelBase)) * TrailCount;
            return true;
        }

        if (first >= HangulBase && first < HangulBase + SyllableCount && (first - HangulBase) % TrailCount == 0
            && second > TrailBase && second < TrailBase + TrailCount)
        {
            composite = first + (second - TrailBase);
            return true;
        }

        return tables.Compositions.TryGetValue(((long)first << 21) | (uint)second, out composite);
    }

    private sealed class Tables
    {
        public Dictionary<int, byte> Classes { get; } = [];

        public Dictionary<int, (int First, int Second)> Decompositions { get; } = [];

        public Dictionary<long, int> Compositions { get; } = [];

        public int ClassOf(int cp) => cp < 0x300 ? 0 : Classes.GetValueOrDefault(cp);

        public static Tables Build()
        {
            var t = new Tables();
            var ccc = UnicodeNormalizationTables.CombiningClasses;
            for (var i = 0; i < ccc.Length; i += 2)
            {
                t.Classes[ccc[i]] = (byte)ccc[i + 1];
            }

            var d = UnicodeNormalizationTables.Decompositions;
            for (var i = 0; i < d.Length; i += 4)
            {
                t.Decompositions[d[i]] = (d[i + 1], d[i + 2]);
                if (d[i + 3] == 1)
                {
                    t.Compositions[((long)d[i + 1] << 21) | (uint)d[i + 2]] = d[i];
                }
            }

            return t;
        }
    }
}
