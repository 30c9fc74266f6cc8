using System.Globalization;

namespace FastAV.Live.Server.Tests.Observability;

/// <summary>
/// The Prometheus text exposition format (0.0.4) read back: every sample with its labels, and each family's # TYPE.
/// Enough of the format to check what /metrics serves; the real Prometheus reads it in PrometheusScrapeTests.
/// </summary>
internal sealed class PrometheusText
{
    private PrometheusText(List<(string Name, Dictionary<string, string> Labels, double Value)> samples, Dictionary<string, string> types)
    {
        Samples = samples;
        Types = types;
    }

    public IReadOnlyList<(string Name, Dictionary<string, string> Labels, double Value)> Samples { get; }

    /// <summary>Family name → counter, gauge, histogram, …</summary>
    public IReadOnlyDictionary<string, string> Types { get; }

    public static PrometheusText Parse(string text)
    {
        var samples = new List<(string, Dictionary<string, string>, double)>();
        var types = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.Length == 0) continue;
            if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                var parts = line.Split(' ');
                types[parts[2]] = parts[3];
                continue;
            }

            if (line.StartsWith('#')) continue;
            var brace = line.IndexOf('{', StringComparison.Ordinal);
            var space = line.LastIndexOf(' ');
            string name;
            var labels = new Dictionary<string, string>(StringComparer.Ordinal);
            if (brace >= 0 && brace < space)
            {
                name = line[..brace];
                var close = line.LastIndexOf('}');
                ParseLabels(line[(brace + 1)..close], labels);
                space = line.IndexOf(' ', close);
            }
            else
            {
                name = line[..line.IndexOf(' ', StringComparison.Ordinal)];
                space = name.Length;
            }

            var value = line[(space + 1)..].Trim().Split(' ')[0];
            samples.Add((name, labels, value switch
            {
                "+Inf" => double.PositiveInfinity,
                "-Inf" => double.NegativeInfinity,
                "NaN" => double.NaN,
                _ => double.Parse(value, CultureInfo.InvariantCulture),
            }));
        }

        return new PrometheusText(samples, types);
    }

    /// <summary>The one sample of <paramref name="name"/> whose labels include <paramref name="labels"/> ("k=v" pairs).</summary>
    public double Value(string name, params string[] labels)
    {
        var matches = Find(name, labels).ToList();
        Assert.True(matches.Count == 1, $"{matches.Count} samples of {name}{{{string.Join(",", labels)}}}");
        return matches[0].Value;
    }

    public bool Has(string name, params string[] labels) => Find(name, labels).Any();

    public IEnumerable<(string Name, Dictionary<string, string> Labels, double Value)> Find(string name, params string[] labels) =>
        Samples.Where(s => s.Name == name && labels.All(l => s.Labels.TryGetValue(l[..l.IndexOf('=', StringComparison.Ordinal)], out var v) && v == l[(l.IndexOf('=', StringComparison.Ordinal) + 1)..]));

    private static void ParseLabels(string text, Dictionary<string, string> labels)
    {
        var i = 0;
        while (i < text.Length)
        {
            var eq = text.IndexOf('=', i);
            var key = text[i..eq].Trim(',', ' ');
            var j = eq + 2; // past ="
            var value = new System.Text.StringBuilder();
            while (text[j] != '"')
            {
                if (text[j] == '\\')
                {
                    j++;
                    value.Append(text[j] == 'n' ? '\n' : text[j]);
                }
                else
                {
                    value.Append(text[j]);
                }

                j++;
            }

            labels[key] = value.ToString();
            i = j + 1;
        }
    }
}
