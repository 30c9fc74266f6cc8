using System.Text.RegularExpressions;
using FastAV.Live.Deployment.Tests.Chart;

namespace FastAV.Live.Deployment.Tests;

/// <summary>`helm lint --strict` and the shape of every rendered object, for both ci/ values files.</summary>
public sealed partial class ChartLintTests
{
    public static TheoryData<string?> CiFiles => new() { null, "default-values.yaml", "all-features-values.yaml" };

    [Fact]
    public async Task Helm_is_a_real_v3_binary()
    {
        var run = await HelmTool.RunAsync(["version", "--short"]);

        Assert.True(run.Succeeded, run.ToString());
        Assert.Matches(@"^v3\.\d+\.\d+", run.StandardOutput.Trim());
    }

    [Theory]
    [MemberData(nameof(CiFiles))]
    public async Task Lint_strict_passes(string? ciFile)
    {
        var args = new List<string> { "lint", "--strict", HelmTool.ChartDirectory };
        if (ciFile is not null)
        {
            args.AddRange(["-f", Path.Combine(HelmTool.ChartDirectory, "ci", ciFile)]);
        }

        var run = await HelmTool.RunAsync(args);

        Assert.True(run.Succeeded, run.ToString());
        Assert.Contains("1 chart(s) linted, 0 chart(s) failed", run.StandardOutput);
        Assert.DoesNotContain("[WARNING]", run.StandardOutput);
        Assert.DoesNotContain("[ERROR]", run.StandardOutput);
    }

    [Theory]
    [InlineData("default-values.yaml")]
    [InlineData("all-features-values.yaml")]
    public async Task Every_object_is_named_labelled_and_namespaced(string ciFile)
    {
        var chart = await RenderedChart.RenderCiAsync(ciFile);

        Assert.NotEmpty(chart.Objects);
        foreach (var obj in chart.Objects)
        {
            var name = (string?)obj["metadata"]?["name"];
            var what = $"{obj["kind"]}/{name}";
            Assert.False(string.IsNullOrEmpty((string?)obj["apiVersion"]), what);
            Assert.Matches(DnsLabel(), name!);
            if ((string?)obj["kind"] != "ServiceAccount")
            {
                Assert.StartsWith(RenderedChart.FullName, name);
            }
            Assert.Equal(RenderedChart.Namespace, (string?)obj["metadata"]!["namespace"]);
            var labels = obj["metadata"]!["labels"]!.AsObject();
            Assert.Equal("fastav-live", (string?)labels["app.kubernetes.io/name"]);
            Assert.Equal(RenderedChart.Release, (string?)labels["app.kubernetes.io/instance"]);
            Assert.Equal("Helm", (string?)labels["app.kubernetes.io/managed-by"]);
            Assert.Matches(@"^fastav-live-\d+\.\d+\.\d+", (string?)labels["helm.sh/chart"]);
        }
    }

    [Fact]
    public async Task One_template_renders_one_object()
    {
        var chart = await RenderedChart.RenderCiAsync("all-features-values.yaml");

        var sources = SourceLine().Matches(chart.Yaml).Select(m => m.Groups[1].Value).ToList();

        Assert.Equal(chart.Objects.Count, sources.Count);
        Assert.Equal(sources.Count, sources.Distinct().Count());
        var templates = Directory.EnumerateFiles(Path.Combine(HelmTool.ChartDirectory, "templates"), "*.yaml", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(HelmTool.ChartDirectory, f).Replace('\\', '/'))
            .ToHashSet();
        Assert.All(sources, s => Assert.Contains(s, templates));
    }

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")]
    private static partial Regex DnsLabel();

    [GeneratedRegex("^# Source: fastav-live/(.+)$", RegexOptions.Multiline)]
    private static partial Regex SourceLine();
}
