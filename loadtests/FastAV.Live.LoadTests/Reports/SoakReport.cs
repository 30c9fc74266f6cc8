using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using FastAV.Live.LoadTests.Streaming;

namespace FastAV.Live.LoadTests.Reports;

/// <summary>
/// The soak's memory verdict: the server's RSS, managed heap, live tensor count and KV bytes sampled over the run; after
/// the warm-up each figure's least-squares line over simulated time, and its drift — how far that line moves over the
/// measured span, as a percentage of the figure's mean there. A flat server drifts ~0 %; a leak shows as a steady rise.
/// Written as PREFIX.json, PREFIX.md and PREFIX.svg (every figure over simulated minutes, as % of its mean).
/// </summary>
public static class SoakReport
{
    public static readonly IReadOnlyList<string> Metrics = ["rss", "heap", "tensors", "kv"];

    public sealed record Figure(string Name, string Unit, double First, double Last, double Mean, double SlopePerHour, double DriftPercent, bool Checked, bool Held);

    public sealed record Result(IReadOnlyList<Figure> Figures, double SimulatedHours, double MeasuredSimulatedHours, int Samples, int MeasuredSamples, bool Held);

    /// <summary>
    /// Samples of wall time [<paramref name="fromSeconds"/>, <paramref name="toSeconds"/>] are measured (after the warm-up and
    /// the measured phase's own ramp, before its cameras close); x is simulated time (wall × speed).
    /// </summary>
    public static Result Analyse(IReadOnlyList<ServerSample> samples, double speed, double fromSeconds, double toSeconds, IReadOnlyCollection<string> checks, double maxDriftPercent)
    {
        ArgumentNullException.ThrowIfNull(samples);
        ArgumentNullException.ThrowIfNull(checks);
        var measured = samples.Where(s => s.WallSeconds >= fromSeconds && s.WallSeconds <= toSeconds).ToList();
        var hours = measured.Select(s => s.WallSeconds * speed / 3600).ToList();
        var span = hours.Count < 2 ? 0 : hours[^1] - hours[0];
        Figure F(string name, string unit, Func<ServerSample, double> value)
        {
            var y = measured.Select(value).ToList();
            var mean = y.Count == 0 ? double.NaN : y.Average();
            var slope = Slope(hours, y);
            var drift = mean > 0 && double.IsFinite(slope) ? slope * span / mean * 100 : double.NaN;
            var isChecked = checks.Count == 0 || checks.Contains(name);
            return new Figure(name, unit, y.Count == 0 ? double.NaN : y[0], y.Count == 0 ? double.NaN : y[^1], mean, slope, drift, isChecked, !isChecked || (double.IsFinite(drift) && Math.Abs(drift) <= maxDriftPercent));
        }

        Figure[] figures =
        [
            F("rss", "bytes", s => s.RssBytes),
            F("heap", "bytes", s => s.ManagedHeapBytes),
            F("tensors", "tensors", s => s.LiveTensors),
            F("kv", "bytes", s => s.KvBytes),
        ];
        var total = samples.Count == 0 ? 0 : samples[^1].WallSeconds * speed / 3600;
        return new Result(figures, total, span, samples.Count, measured.Count, measured.Count >= 3 && figures.All(f => f.Held));
    }

    public static async Task WriteAsync(string prefix, Result result, IReadOnlyList<ServerSample> samples, double speed, double warmUpSeconds, double maxDriftPercent, IEnumerable<string> notes)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(samples);
        var directory = Path.GetDirectoryName(Path.GetFullPath(prefix));
        if (directory is not null) Directory.CreateDirectory(directory);
        var noteList = notes.ToList();
        var json = new JsonObject
        {
            ["date"] = DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["machine"] = $"{Environment.ProcessorCount} cores, {Environment.OSVersion}",
            ["speed"] = speed,
            ["warm_up_wall_seconds"] = warmUpSeconds,
            ["simulated_hours"] = Round(result.SimulatedHours),
            ["measured_simulated_hours"] = Round(result.MeasuredSimulatedHours),
            ["max_drift_percent"] = maxDriftPercent,
            ["held"] = result.Held,
            ["notes"] = new JsonArray([.. noteList.Select(n => (JsonNode)n)]),
            ["figures"] = new JsonArray([.. result.Figures.Select(f => (JsonNode)new JsonObject
            {
                ["name"] = f.Name, ["unit"] = f.Unit, ["first"] = Round(f.First), ["last"] = Round(f.Last), ["mean"] = Round(f.Mean),
                ["slope_per_simulated_hour"] = Round(f.SlopePerHour), ["drift_percent"] = Round(f.DriftPercent), ["checked"] = f.Checked, ["held"] = f.Held,
            })]),
            ["samples"] = new JsonArray([.. samples.Select(s => (JsonNode)new JsonObject
            {
                ["wall_s"] = Math.Round(s.WallSeconds, 2), ["simulated_s"] = Math.Round(s.WallSeconds * speed, 1), ["rss_bytes"] = s.RssBytes,
                ["managed_heap_bytes"] = s.ManagedHeapBytes, ["live_tensors"] = s.LiveTensors, ["kv_bytes"] = s.KvBytes, ["streams"] = s.Streams,
            })]),
        };
        await File.WriteAllTextAsync(prefix + ".json", json.ToJsonString(new JsonSerializerOptions { WriteIndented = true })).ConfigureAwait(false);

        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"# Soak: {Round(result.SimulatedHours)} simulated hours at {speed}× real time — {(result.Held ? "flat" : "NOT flat")}");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"{DateTime.UtcNow:yyyy-MM-dd}, {Environment.ProcessorCount} cores. {result.Samples} samples of the server's ListStreams figures; the {result.MeasuredSamples} measured (from {warmUpSeconds:0} s of wall time: warm-up and the cameras' reopening left out) span {Round(result.MeasuredSimulatedHours)} simulated hours. Drift = the least-squares line's rise over that span, % of the mean; allowed ±{maxDriftPercent} %.");
        md.AppendLine();
        foreach (var n in noteList) md.AppendLine(CultureInfo.InvariantCulture, $"- {n}");
        md.AppendLine();
        md.AppendLine("| figure | first | last | mean | slope per simulated hour | drift | checked | held |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---|---|");
        foreach (var f in result.Figures)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| {f.Name} ({f.Unit}) | {Cell(f.First)} | {Cell(f.Last)} | {Cell(f.Mean)} | {Cell(f.SlopePerHour)} | {Cell(f.DriftPercent)} % | {(f.Checked ? "yes" : "no")} | {(f.Held ? "yes" : "**no**")} |");
        }

        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"Plot: `{Path.GetFileName(prefix)}.svg` (each figure as % of its mean after the warm-up, over simulated minutes).");
        await File.WriteAllTextAsync(prefix + ".md", md.ToString()).ConfigureAwait(false);

        var means = result.Figures.ToDictionary(f => f.Name, f => f.Mean);
        (string, IReadOnlyList<(double X, double Y)>) Series(string name, Func<ServerSample, double> value) =>
            ($"{name} (% of mean)", samples.Select(s => (s.WallSeconds * speed / 60, means[name] > 0 ? value(s) / means[name] * 100 : double.NaN)).ToList());
        var svg = SvgLineChart.Render($"soak at {speed}× real time: server figures, % of their mean after warm-up", "simulated minutes", "% of mean", [
            Series("rss", s => s.RssBytes), Series("heap", s => s.ManagedHeapBytes), Series("tensors", s => s.LiveTensors), Series("kv", s => s.KvBytes),
        ]);
        await File.WriteAllTextAsync(prefix + ".svg", svg).ConfigureAwait(false);
    }

    /// <summary>Least-squares slope of y over x; NaN with fewer than 3 points.</summary>
    public static double Slope(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        if (x.Count < 3 || x.Count != y.Count) return double.NaN;
        var mx = x.Average();
        var my = y.Average();
        var sxx = x.Sum(v => (v - mx) * (v - mx));
        return sxx == 0 ? double.NaN : x.Zip(y).Sum(p => (p.First - mx) * (p.Second - my)) / sxx;
    }

    private static double Round(double v) => double.IsFinite(v) ? Math.Round(v, 4) : double.NaN;

    private static string Cell(double v) => double.IsFinite(v) ? v.ToString(Math.Abs(v) >= 1000 ? "N0" : "0.###", CultureInfo.InvariantCulture) : "-";
}
