using System.Globalization;
using System.Text;
using FastAV.Live.LoadTests.Stats;

namespace FastAV.Live.LoadTests.Reports;

/// <summary>
/// report.csv: one row per scenario ("global information") and per step, with NBomber's CSV columns first
/// (ok latency and RPS, data transfer in KB/MB) and then the fail half, the latency buckets and the status codes.
/// Fields with a comma or quote are quoted (RFC 4180).
/// </summary>
public static class CsvReport
{
    public static readonly string[] Columns =
    [
        "test_suite", "test_name", "scenario", "duration", "step_name", "request_count", "ok", "failed",
        "rps", "min", "mean", "max", "50_percent", "75_percent", "95_percent", "99_percent", "std_dev",
        "data_transfer_min_kb", "data_transfer_mean_kb", "data_transfer_max_kb", "data_transfer_all_mb",
        "fail_rps", "fail_min", "fail_mean", "fail_max", "fail_50_percent", "fail_95_percent", "fail_99_percent",
        "latency_le_800", "latency_800_1200", "latency_ge_1200", "status_codes",
    ];

    public static string Render(RunResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var csv = new StringBuilder();
        csv.AppendJoin(',', Columns).Append("\r\n");
        foreach (var s in result.ScenarioStats)
        {
            Row(csv, result.TestInfo, s, ReportContent.GlobalStep, s.Ok, s.Fail);
            foreach (var step in s.StepStats) Row(csv, result.TestInfo, s, step.StepName, step.Ok, step.Fail);
        }

        return csv.ToString();
    }

    private static void Row(StringBuilder csv, TestInfo info, ScenarioStats s, string step, MeasurementStats ok, MeasurementStats fail)
    {
        string N(double v) => double.IsFinite(v) ? v.ToString("0.###", CultureInfo.InvariantCulture) : "";
        var l = ok.Latency;
        var f = fail.Latency;
        var d = ok.DataTransfer;
        var codes = string.Join(' ', ok.StatusCodes.Concat(fail.StatusCodes).Select(c => $"{c.StatusCode}={c.Count}"));
        string[] cells =
        [
            info.TestSuite, info.TestName, s.ScenarioName, s.Duration.ToString("c", CultureInfo.InvariantCulture), step,
            (ok.Request.Count + fail.Request.Count).ToString(CultureInfo.InvariantCulture), ok.Request.Count.ToString(CultureInfo.InvariantCulture), fail.Request.Count.ToString(CultureInfo.InvariantCulture),
            N(ok.Request.RPS), N(l.MinMs), N(l.MeanMs), N(l.MaxMs), N(l.Percent50), N(l.Percent75), N(l.Percent95), N(l.Percent99), N(l.StdDev),
            N(d.MinBytes / 1024.0), N(d.MeanBytes / 1024.0), N(d.MaxBytes / 1024.0), N(d.AllBytes / 1048576.0),
            N(fail.Request.RPS), N(f.MinMs), N(f.MeanMs), N(f.MaxMs), N(f.Percent50), N(f.Percent95), N(f.Percent99),
            l.LatencyCount.LessOrEq800.ToString(CultureInfo.InvariantCulture), l.LatencyCount.More800Less1200.ToString(CultureInfo.InvariantCulture), l.LatencyCount.MoreOrEq1200.ToString(CultureInfo.InvariantCulture),
            codes,
        ];
        csv.AppendJoin(',', cells.Select(Quote)).Append("\r\n");
    }

    private static string Quote(string field) =>
        field.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : field;
}
