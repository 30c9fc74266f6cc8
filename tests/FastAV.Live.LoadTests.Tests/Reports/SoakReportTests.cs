using System.Text.Json.Nodes;
using System.Xml.Linq;
using FastAV.Live.LoadTests.Reports;
using FastAV.Live.LoadTests.Streaming;

namespace FastAV.Live.LoadTests.Tests.Reports;

public sealed class SoakReportTests
{
    // A server whose RSS grows 2 MB per simulated hour from 100 MB, with a flat heap, tensors and KV; 4x real time.
    private static List<ServerSample> Samples(double rssGrowthPerHour) =>
        Enumerable.Range(0, 61).Select(i => new ServerSample(i * 15.0, (long)(100e6 + (rssGrowthPerHour * i * 15 * 4 / 3600)), 20_000_000 + (i % 2 * 1000), 135, 356_352, 4, 0)).ToList();

    [Fact]
    public void Drift_is_the_fitted_rise_over_the_measured_span_as_a_share_of_the_mean()
    {
        var samples = Samples(rssGrowthPerHour: 2e6);
        var result = SoakReport.Analyse(samples, speed: 4, fromSeconds: 300, toSeconds: 900, checks: [], maxDriftPercent: 5);

        var measured = samples.Where(s => s.WallSeconds is >= 300 and <= 900).ToList();
        Assert.Equal(measured.Count, result.MeasuredSamples);
        Assert.Equal((900 - 300) * 4 / 3600.0, result.MeasuredSimulatedHours, 9);
        var rss = result.Figures.Single(f => f.Name == "rss");
        Assert.InRange(rss.SlopePerHour, 2e6 - 1, 2e6 + 1); // least squares recovers the line (samples rounded to whole bytes)
        var mean = measured.Average(s => (double)s.RssBytes);
        Assert.Equal(rss.SlopePerHour * result.MeasuredSimulatedHours / mean * 100, rss.DriftPercent, 9);
        Assert.Equal(0, result.Figures.Single(f => f.Name == "tensors").DriftPercent, 9);
        Assert.True(result.Held);

        var leaking = SoakReport.Analyse(Samples(rssGrowthPerHour: 40e6), 4, 300, 900, [], 5);
        Assert.False(leaking.Figures.Single(f => f.Name == "rss").Held); // 40 MB/h over 0.67 h of ~110 MB: ~24 %
        Assert.False(leaking.Held);
        Assert.True(SoakReport.Analyse(Samples(rssGrowthPerHour: 40e6), 4, 300, 900, ["tensors", "kv"], 5).Held); // rss not checked
        Assert.False(SoakReport.Analyse(samples.Take(2).ToList(), 4, 0, 900, [], 5).Held); // too few samples to judge
    }

    [Fact]
    public void Slope_matches_the_closed_form_and_needs_three_points()
    {
        double[] x = [0, 1, 2, 4];
        double[] y = [1, 3, 2, 9];
        var mx = x.Average();
        var my = y.Average();
        var expected = x.Zip(y).Sum(p => (p.First - mx) * (p.Second - my)) / x.Sum(v => (v - mx) * (v - mx));
        Assert.Equal(expected, SoakReport.Slope(x, y), 12);
        Assert.True(double.IsNaN(SoakReport.Slope([0, 1], [1, 2])));
        Assert.True(double.IsNaN(SoakReport.Slope([1, 1, 1], [1, 2, 3])));
    }

    [Fact]
    public async Task The_report_files_hold_the_figures_and_a_well_formed_plot()
    {
        var samples = Samples(rssGrowthPerHour: 2e6);
        var result = SoakReport.Analyse(samples, 4, 300, 900, ["tensors", "kv"], 5);
        var prefix = Path.Combine(Path.GetTempPath(), $"soak-test-{Environment.ProcessId}", "soak-x");
        await SoakReport.WriteAsync(prefix, result, samples, 4, 300, 5, ["a note"]);

        var json = JsonNode.Parse(await File.ReadAllTextAsync(prefix + ".json"))!;
        Assert.Equal(samples.Count, json["samples"]!.AsArray().Count);
        Assert.True((bool)json["held"]!);
        var rss = json["figures"]!.AsArray().Single(f => (string)f!["name"]! == "rss")!;
        Assert.Equal(Math.Round(result.Figures[0].DriftPercent, 4), (double)rss["drift_percent"]!);
        Assert.False((bool)rss["checked"]!);
        var md = await File.ReadAllTextAsync(prefix + ".md");
        Assert.Contains("| tensors (tensors) | 135 | 135 | 135 |", md, StringComparison.Ordinal);
        Assert.Contains("- a note", md, StringComparison.Ordinal);
        var svg = XDocument.Parse(await File.ReadAllTextAsync(prefix + ".svg"));
        Assert.Equal(4, svg.Descendants().Count(e => e.Name.LocalName == "polyline"));
    }
}
