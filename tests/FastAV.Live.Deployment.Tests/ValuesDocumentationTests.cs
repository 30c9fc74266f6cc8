using System.Text.Json.Nodes;
using FastAV.Live.Deployment.Tests.Chart;
using YamlDotNet.RepresentationModel;

namespace FastAV.Live.Deployment.Tests;

/// <summary>
/// Every value is documented where it is set (a `# --` comment in values.yaml), typed in
/// values.schema.json, listed in helm/README.md's values table, and every optional part is on in
/// ci/all-features-values.yaml.
/// </summary>
public sealed class ValuesDocumentationTests
{
    static readonly string ValuesPath = Path.Combine(HelmTool.ChartDirectory, "values.yaml");

    /// <summary>Kubernetes objects the chart passes through whole: open in the schema on purpose.</summary>
    static readonly HashSet<string> OpenObjects = ["podSecurityContext", "securityContext"];

    /// <summary>Every key of values.yaml: its dotted path, its 1-based line, and whether it holds a non-empty mapping.</summary>
    static List<(string Path, int Line, bool IsSection)> Keys()
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(File.ReadAllText(ValuesPath)));
        var keys = new List<(string, int, bool)>();
        Walk((YamlMappingNode)stream.Documents[0].RootNode, "", keys);
        return keys;
    }

    static void Walk(YamlMappingNode map, string prefix, List<(string, int, bool)> keys)
    {
        foreach (var (key, value) in map.Children)
        {
            var path = prefix + ((YamlScalarNode)key).Value;
            var isSection = value is YamlMappingNode { Children.Count: > 0 };
            keys.Add((path, (int)key.Start.Line, isSection));
            if (value is YamlMappingNode child)
            {
                Walk(child, path + ".", keys);
            }
        }
    }

    [Fact]
    public void Every_value_has_a_doc_comment_right_above_it()
    {
        var lines = File.ReadAllLines(ValuesPath);
        var keys = Keys();

        Assert.True(keys.Count > 100, $"{keys.Count} keys");
        foreach (var (path, line, _) in keys)
        {
            var above = lines[line - 2].Trim();
            Assert.True(above.StartsWith("# -- ", StringComparison.Ordinal) && above.Length > 8, $"values.yaml line {line} ({path}) has no '# -- ' comment above it");
        }
    }

    [Fact]
    public void Every_value_is_typed_in_the_schema()
    {
        var schema = JsonNode.Parse(File.ReadAllText(Path.Combine(HelmTool.ChartDirectory, "values.schema.json")))!;

        foreach (var (path, _, _) in Keys())
        {
            var node = schema;
            foreach (var part in path.Split('.'))
            {
                node = node["properties"]?[part] ?? node["additionalProperties"] as JsonObject;
                Assert.True(node is not null, $"{path} is not in values.schema.json");
            }
            Assert.True(node!["type"] is not null || node["oneOf"] is not null, $"{path} has no type in values.schema.json");
            if (!OpenObjects.Contains(path) && node["properties"] is not null)
            {
                Assert.True(node["additionalProperties"] is JsonValue v && !(bool)v, $"{path} should refuse unknown keys");
            }
        }
        Assert.False((bool)schema["additionalProperties"]!);
    }

    [Fact]
    public void Every_value_is_in_the_readme_values_table()
    {
        var readme = File.ReadAllText(Path.Combine(HelmTool.RepoRoot, "helm", "README.md"));

        foreach (var (path, _, isSection) in Keys().Where(k => !k.IsSection))
        {
            Assert.True(readme.Contains($"| `{path}` |", StringComparison.Ordinal), $"helm/README.md has no values-table row for `{path}`");
        }
    }

    [Fact]
    public void All_features_values_turn_every_optional_part_on()
    {
        var values = YamlJson.ParseDocuments(File.ReadAllText(Path.Combine(HelmTool.ChartDirectory, "ci", "all-features-values.yaml")))[0]!;
        var switches = Keys().Where(k => k.Path.EndsWith(".enabled", StringComparison.Ordinal)).Select(k => k.Path).ToList();

        Assert.True(switches.Count >= 8, string.Join(", ", switches));
        foreach (var path in switches)
        {
            var node = path.Split('.').Aggregate<string, JsonNode?>(values, (n, part) => n?[part]);
            Assert.True(node is JsonValue v && (bool)v, $"ci/all-features-values.yaml leaves {path} off");
        }
    }

    [Fact]
    public void Readme_lists_the_metric_contract_exactly()
    {
        var readme = File.ReadAllText(Path.Combine(HelmTool.RepoRoot, "helm", "README.md"));
        var start = readme.IndexOf("## Metrics the chart expects", StringComparison.Ordinal);
        Assert.True(start >= 0, "helm/README.md has no '## Metrics the chart expects' section");
        var end = readme.IndexOf("\n## ", start + 1, StringComparison.Ordinal);
        var section = readme[start..(end < 0 ? readme.Length : end)];

        var listed = System.Text.RegularExpressions.Regex.Matches(section, @"\| `((fastav|rpc)_[a-z_]+)` \|").Select(m => m.Groups[1].Value).ToHashSet();

        Assert.Equal(MetricNames.All.Order(), listed.Order());
    }
}
