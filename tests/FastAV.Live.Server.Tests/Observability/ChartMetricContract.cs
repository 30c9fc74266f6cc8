using System.Text.RegularExpressions;

namespace FastAV.Live.Server.Tests.Observability;

/// <summary>
/// The metrics the Helm chart's dashboard and autoscalers read, as helm/README.md's table "Metrics the chart expects"
/// lists them (name, type, labels): the server's side of that contract is checked against the file itself.
/// </summary>
internal static partial class ChartMetricContract
{
    public static IReadOnlyList<(string Name, string Type, string[] Labels)> Read()
    {
        var text = File.ReadAllText(Path.Combine(PythonProbe.RepoRoot, "helm", "README.md"));
        var section = text[text.IndexOf("## Metrics the chart expects", StringComparison.Ordinal)..];
        section = section[..section.IndexOf("\n## ", 5, StringComparison.Ordinal)];
        var rows = Row().Matches(section).Select(m => (
            m.Groups["name"].Value,
            m.Groups["type"].Value,
            Label().Matches(m.Groups["labels"].Value).Select(l => l.Groups[1].Value).ToArray())).ToList();
        Assert.True(rows.Count >= 19, $"helm/README.md lists {rows.Count} metrics");
        return rows;
    }

    [GeneratedRegex(@"^\| `(?<name>[a-z_]+)` \| (?<type>counter|gauge|histogram) \|(?<labels>[^|]*)\|", RegexOptions.Multiline)]
    private static partial Regex Row();

    [GeneratedRegex("`([a-z_]+)`")]
    private static partial Regex Label();
}
