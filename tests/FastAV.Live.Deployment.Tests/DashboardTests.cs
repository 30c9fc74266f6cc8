using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using FastAV.Live.Deployment.Tests.Chart;

namespace FastAV.Live.Deployment.Tests;

/// <summary>
/// The Grafana dashboard the chart ships: valid JSON in the rendered ConfigMap, every query on the
/// contract's metric names only, every metric charted, and each used the way its type allows.
/// </summary>
public sealed partial class DashboardTests
{
    static readonly Lazy<Task<JsonObject>> Dashboard = new(async () =>
    {
        var chart = await RenderedChart.RenderAsync("grafanaDashboard: {enabled: true}");
        var map = chart.Single("ConfigMap");
        Assert.Equal("1", (string?)map["metadata"]!["labels"]!["grafana_dashboard"]);
        return JsonNode.Parse((string)map["data"]!["fastav-live.json"]!)!.AsObject();
    });

    static async Task<List<string>> ExpressionsAsync()
    {
        var dashboard = await Dashboard.Value;
        return dashboard["panels"]!.AsArray()
            .SelectMany(p => p!["targets"]?.AsArray() ?? [])
            .Select(t => (string)t!["expr"]!)
            .ToList();
    }

    [Fact]
    public async Task Rendered_dashboard_is_the_shipped_json_file()
    {
        var dashboard = await Dashboard.Value;
        var file = JsonNode.Parse(File.ReadAllText(Path.Combine(HelmTool.ChartDirectory, "dashboards", "fastav-live.json")))!;

        Assert.True(JsonNode.DeepEquals(file, dashboard));
        Assert.Equal("fastav-live", (string?)dashboard["uid"]);
        Assert.Equal("prometheus", (string?)dashboard["templating"]!["list"]![0]!["query"]);
    }

    [Fact]
    public async Task Queries_name_only_the_contracts_metrics()
    {
        var expressions = await ExpressionsAsync();

        Assert.True(expressions.Count >= 20, $"{expressions.Count} queries");
        var used = expressions.SelectMany(e => SeriesName().Matches(e).Select(m => m.Value)).ToHashSet();
        foreach (var series in used)
        {
            Assert.Contains(BaseMetric(series), MetricNames.All);
        }
    }

    [Fact]
    public async Task Every_metric_of_the_contract_is_charted()
    {
        var expressions = await ExpressionsAsync();

        var used = expressions.SelectMany(e => SeriesName().Matches(e).Select(m => BaseMetric(m.Value))).ToHashSet();

        Assert.Equal(MetricNames.All.Order(), used.Order());
    }

    [Fact]
    public async Task Counters_are_rated_histograms_are_read_by_bucket_and_gauges_are_read_directly()
    {
        var expressions = await ExpressionsAsync();

        foreach (var expr in expressions)
        {
            foreach (var series in SeriesName().Matches(expr).Select(m => m.Value))
            {
                var metric = BaseMetric(series);
                if (MetricNames.Counters.Contains(metric))
                {
                    Assert.Contains($"rate({series}{{", expr);
                }
                else if (MetricNames.Histograms.Contains(metric))
                {
                    Assert.True(series.EndsWith("_bucket", StringComparison.Ordinal) ? expr.Contains("histogram_quantile(", StringComparison.Ordinal) : series.EndsWith("_count", StringComparison.Ordinal), expr);
                }
                else
                {
                    Assert.Equal(metric, series);
                    Assert.DoesNotContain($"rate({series}", expr);
                }
            }
        }
    }

    [Fact]
    public async Task Labels_grouped_by_are_the_ones_each_metric_carries()
    {
        var expressions = await ExpressionsAsync();
        var scrapeLabels = new HashSet<string> { "le", "pod", "job", "namespace", "instance" };

        foreach (var expr in expressions)
        {
            var metric = BaseMetric(SeriesName().Match(expr).Value);
            var allowed = scrapeLabels.Concat(MetricNames.Labels.GetValueOrDefault(metric, [])).ToHashSet();
            foreach (Match by in GroupBy().Matches(expr))
            {
                foreach (var label in by.Groups[1].Value.Split(',', StringSplitOptions.TrimEntries))
                {
                    Assert.Contains(label, allowed);
                }
            }
        }
    }

    [Fact]
    public async Task Panels_do_not_overlap_and_have_unique_ids()
    {
        var dashboard = await Dashboard.Value;
        var panels = dashboard["panels"]!.AsArray().Select(p => p!.AsObject()).ToList();

        Assert.Equal(panels.Count, panels.Select(p => (int)p["id"]!).Distinct().Count());
        var cells = new HashSet<(int, int)>();
        foreach (var panel in panels)
        {
            var grid = panel["gridPos"]!;
            for (var x = (int)grid["x"]!; x < (int)grid["x"]! + (int)grid["w"]!; x++)
            {
                for (var y = (int)grid["y"]!; y < (int)grid["y"]! + (int)grid["h"]!; y++)
                {
                    Assert.True(cells.Add((x, y)), $"panel {panel["title"]} overlaps at {x},{y}");
                }
            }
            Assert.True((int)grid["x"]! + (int)grid["w"]! <= 24);
        }
    }

    static string BaseMetric(string series)
    {
        foreach (var suffix in new[] { "_bucket", "_count", "_sum" })
        {
            if (series.EndsWith(suffix, StringComparison.Ordinal) && MetricNames.Histograms.Contains(series[..^suffix.Length]))
            {
                return series[..^suffix.Length];
            }
        }
        return series;
    }

    /// <summary>A series name: the identifier right before its label matchers (labels such as rpc_method are not series).</summary>
    [GeneratedRegex(@"\b(fastav|rpc)_[a-z_]+(?=\{)")]
    private static partial Regex SeriesName();

    [GeneratedRegex(@"by \(([^)]*)\)")]
    private static partial Regex GroupBy();
}
