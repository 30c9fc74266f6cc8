using FastAV.Live.LoadTests.Capacity;
using FastAV.Live.LoadTests.Stats;
using FastAV.Live.LoadTests.Streaming;

namespace FastAV.Live.LoadTests.Reports;

/// <summary>
/// What a report says, once, for every format: test info; per scenario its load simulations, ok and fail stats
/// per step (NBomber's columns), status codes, streaming metrics, warnings, streams, and plots; thresholds; and
/// the capacity search when there is one.
/// </summary>
public static class ReportContent
{
    public const string GlobalStep = "global information";
    private const int MaxStreamRows = 50;

    public static IReadOnlyList<ReportSection> Build(RunResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var sections = new List<ReportSection> { TestInfo(result) };
        if (result.Capacity is { } capacity) sections.Add(CapacitySection(capacity));
        sections.AddRange(result.ScenarioStats.Select(ScenarioSection));
        if (result.Thresholds.Count > 0) sections.Add(Thresholds(result.Thresholds));
        return sections;
    }

    public static string Verdict(RunResult result) =>
        result.Passed ? "PASSED" : result.AbortReason is { } why ? $"FAILED (aborted: {why})" : result.Capacity?.Error is { } error ? $"FAILED ({error})" : "FAILED (a threshold failed)";

    private static ReportSection TestInfo(RunResult r)
    {
        var rows = new List<IReadOnlyList<string>>
        {
            new[] { "result", Verdict(r) },
            new[] { "test suite", r.TestInfo.TestSuite },
            new[] { "test name", r.TestInfo.TestName },
            new[] { "session id", r.TestInfo.SessionId },
            new[] { "started (UTC)", r.TestInfo.Created.ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture) },
            new[] { "duration", Cells.Seconds(r.Duration) },
            new[] { "target", r.TestInfo.Target },
            new[] { "machine", r.TestInfo.Machine },
            new[] { "requests", $"{Cells.Count(r.AllRequestCount)} ({Cells.Count(r.AllOkCount)} ok, {Cells.Count(r.AllFailCount)} fail)" },
        };
        return new ReportSection("Test info", r.TestInfo.Notes, [new ReportTable("", ["", "value"], rows)], []);
    }

    private static ReportSection ScenarioSection(ScenarioStats s)
    {
        var tables = new List<ReportTable>
        {
            new("load simulations", ["#", "simulation", "start", "end"], s.LoadSimulations.Select((seg, i) => (IReadOnlyList<string>)[Cells.Count(i + 1), seg.Simulation.ToString(), Cells.Seconds(seg.Start), Cells.Seconds(seg.End)]).ToList()),
            Measurements("ok", s, ok: true),
            Measurements("fail", s, ok: false),
            StatusCodes(s),
        };
        var paragraphs = new List<string> { $"duration {Cells.Seconds(s.Duration)}; requests {Cells.Count(s.AllRequestCount)} iterations ({Cells.Count(s.AllOkCount)} ok, {Cells.Count(s.AllFailCount)} fail) and {Cells.Count(s.StepStats.Sum(t => t.AllRequestCount))} step requests." };
        if (s.LoadSimulations.Any(l => l.Simulation.IsOpen))
        {
            paragraphs.Add($"open model: latency is timed from each copy's scheduled arrival (no coordinated omission); scheduler lag p99 {Cells.Ms(s.SchedulerLagP99Ms)} ms, max {Cells.Ms(s.SchedulerLagMaxMs)} ms.");
        }

        if (s.Streaming is { } st)
        {
            tables.Add(Streaming(st));
            if (st.Warnings.Count > 0) tables.Add(new ReportTable("warnings by code", ["code", "count"], st.Warnings.Select(w => (IReadOnlyList<string>)[w.Key, Cells.Count(w.Value)]).ToList()));
            tables.Add(Streams(st));
        }

        return new ReportSection($"Scenario: {s.ScenarioName}", paragraphs, tables, Plots(s));
    }

    private static ReportTable Measurements(string title, ScenarioStats s, bool ok)
    {
        var rows = new List<IReadOnlyList<string>>();
        void Add(string step, MeasurementStats m)
        {
            var l = m.Latency;
            var d = m.DataTransfer;
            rows.Add([
                step, Cells.Count(m.Request.Count), Cells.Number(m.Request.RPS, "0.###"), Cells.Number(m.Request.Percent),
                Cells.Ms(l.MinMs), Cells.Ms(l.MeanMs), Cells.Ms(l.MaxMs), Cells.Ms(l.Percent50), Cells.Ms(l.Percent75), Cells.Ms(l.Percent95), Cells.Ms(l.Percent99), Cells.Ms(l.StdDev),
                Cells.Count(l.LatencyCount.LessOrEq800), Cells.Count(l.LatencyCount.More800Less1200), Cells.Count(l.LatencyCount.MoreOrEq1200),
                Cells.Count(d.MeanBytes), Cells.Count(d.AllBytes),
            ]);
        }

        Add(GlobalStep, ok ? s.Ok : s.Fail);
        foreach (var step in s.StepStats) Add(step.StepName, ok ? step.Ok : step.Fail);
        return new ReportTable(
            $"{title} stats",
            ["step", "count", "RPS", "%", "min ms", "mean ms", "max ms", "p50 ms", "p75 ms", "p95 ms", "p99 ms", "stddev ms", "≤ 800 ms", "800–1200 ms", "≥ 1200 ms", "mean bytes", "all bytes"],
            rows);
    }

    private static ReportTable StatusCodes(ScenarioStats s)
    {
        var rows = new List<IReadOnlyList<string>>();
        void Add(string step, MeasurementStats m)
        {
            foreach (var c in m.StatusCodes) rows.Add([step, c.StatusCode, c.IsError ? "yes" : "no", Cells.Count(c.Count), Cells.Number(c.Percent), c.Message]);
        }

        Add(GlobalStep, s.Ok);
        Add(GlobalStep, s.Fail);
        foreach (var step in s.StepStats)
        {
            Add(step.StepName, step.Ok);
            Add(step.StepName, step.Fail);
        }

        return new ReportTable("status codes", ["step", "status code", "error", "count", "%", "message"], rows);
    }

    private static ReportTable Streaming(StreamingStats st)
    {
        IReadOnlyList<string> Row(string metric, string value, string note = "") => [metric, value, note];
        string Lat(LatencySummary l) => l.Count == 0 ? "-" : $"p50 {Cells.Ms(l.P50)}, p95 {Cells.Ms(l.P95)}, p99 {Cells.Ms(l.P99)}, max {Cells.Ms(l.MaxMs)} ms ({Cells.Count(l.Count)})";
        var rows = new List<IReadOnlyList<string>>
        {
            Row("standing-answer latency", Lat(st.StandingLatency), "window close (its last media written) → answer received"),
            Row("standing-answer latency, server-reported", Lat(st.ServerStandingLatency), "Answer.latency_us: window ready → answer sent"),
            Row("Ask time to first token", Lat(st.AskTimeToFirstToken), "scheduled arrival → first token"),
            Row("Ask inter-token latency", Lat(st.AskInterTokenLatency), "gap between tokens after the first"),
            Row("standing answers expected", Cells.Count(st.AnswersExpected), "askings due by the media each cleanly closed stream sent"),
            Row("answers late", Cells.Count(st.AnswersLate), $"later than {Cells.Number(st.LateAfterMs)} ms after their window closed"),
            Row("answers missing", Cells.Count(st.AnswersMissing), "due but never answered"),
            Row("windows prefilled", Cells.Count(st.WindowsPrefilled), ""),
            Row("windows dropped", Cells.Count(st.WindowsDropped), "the stream fell behind real time"),
            Row("frames dropped", Cells.Count(st.FramesDropped), ""),
            Row("decode errors", Cells.Count(st.DecodeErrors), ""),
            Row("answers dropped by the server", Cells.Count(st.AnswersDropped), "response queue full"),
            Row("media rejected", Cells.Count(st.MediaRejected), ""),
            Row("warnings", Cells.Count(st.WarningCount), ""),
            Row("streams opened / failed", $"{Cells.Count(st.StreamsOpened)} / {Cells.Count(st.StreamsFailed)}", "failed: refused, or ended with an error status"),
            Row("reopen retries", Cells.Count(st.ReopenRetries), "ALREADY_EXISTS after a drop"),
            Row("KV bytes per stream (mean / max)", $"{Cells.Bytes(st.KvBytesPerStreamMean)} / {Cells.Bytes(st.KvBytesPerStreamMax)}", "last StreamStats or answer of each stream"),
            Row("KV bytes per stream, slope", double.IsNaN(st.KvPerStreamSlopeBytesPerMinute) ? "-" : $"{Cells.Number(st.KvPerStreamSlopeBytesPerMinute, "0.#")} B/min", "least squares over the second half of the run"),
            Row("ingest FLOPs ratio", Cells.Number(st.FlopsRatio, "0.000"), "stream_flops / stream_flops_unpruned (1 = unpruned; the baseline of a pruned stream attends to its own pruned cache)"),
            Row("ingest FLOPs per media second", double.IsFinite(st.FlopsPerMediaSecond) ? $"{Cells.Number(st.FlopsPerMediaSecond / 1e9, "0.000")} GFLOP" : "-", "stream_flops / media time covered: divide two policies' for the FLOPs one saves"),
            Row("server RSS (first / last / max)", st.ServerRssMaxBytes < 0 ? "-" : $"{Cells.Bytes(st.ServerRssFirstBytes)} / {Cells.Bytes(st.ServerRssLastBytes)} / {Cells.Bytes(st.ServerRssMaxBytes)}", "local server only"),
            Row("server RSS slope", double.IsNaN(st.ServerRssSlopeBytesPerMinute) ? "-" : $"{Cells.Number(st.ServerRssSlopeBytesPerMinute / 1048576, "0.###")} MiB/min", "least squares over the second half of the run"),
        };
        return new ReportTable("streaming metrics", ["metric", "value", "what"], rows);
    }

    private static ReportTable Streams(StreamingStats st)
    {
        var rows = st.Streams.Take(MaxStreamRows).Select(r => (IReadOnlyList<string>)[
            r.StreamId, r.Policy, Cells.Number(r.OpenedAtS, "0.0"), Cells.Number(r.ClosedAtS, "0.0"), Cells.Count(r.WindowsPrefilled), Cells.Count(r.WindowsDropped),
            Cells.Count(r.Answers), Cells.Count(r.Expected), Cells.Count(r.Late), Cells.Count(r.Missing), Cells.Ms(r.P95Ms), Cells.Bytes(r.KvBytes), Cells.Count(r.Warnings), r.Outcome,
        ]).ToList();
        var title = st.Streams.Count > MaxStreamRows ? $"streams (first {MaxStreamRows} of {st.Streams.Count}; all in report.json)" : "streams";
        return new ReportTable(title, ["stream", "policy", "opened s", "closed s", "windows", "dropped", "answers", "expected", "late", "missing", "p95 ms", "KV", "warnings", "outcome"], rows);
    }

    private static List<string> Plots(ScenarioStats s)
    {
        var plots = new List<string>();
        foreach (var group in s.Intervals.GroupBy(p => p.Step))
        {
            var name = group.Key.Length == 0 ? GlobalStep : group.Key;
            var points = group.ToList();
            if (points.All(p => double.IsNaN(p.P95))) continue;
            plots.Add(SvgLineChart.Render($"{s.ScenarioName} / {name}: latency percentiles over time", "seconds", "ms", [
                ("p50", points.Select(p => (p.At.TotalSeconds, p.P50)).ToList()),
                ("p95", points.Select(p => (p.At.TotalSeconds, p.P95)).ToList()),
                ("p99", points.Select(p => (p.At.TotalSeconds, p.P99)).ToList()),
            ]));
        }

        var rps = s.Intervals.GroupBy(p => p.Step).Select(g =>
        {
            var list = g.ToList();
            var series = new List<(double, double)>();
            for (var i = 0; i < list.Count; i++)
            {
                var dt = (list[i].At - (i == 0 ? TimeSpan.Zero : list[i - 1].At)).TotalSeconds;
                series.Add((list[i].At.TotalSeconds, dt > 0 ? list[i].Ok / dt : double.NaN));
            }

            return (g.Key.Length == 0 ? GlobalStep : g.Key, (IReadOnlyList<(double, double)>)series);
        }).ToList();
        if (rps.Count > 0) plots.Add(SvgLineChart.Render($"{s.ScenarioName}: ok requests per second", "seconds", "RPS", rps));
        if (s.Fleet.Count > 0)
        {
            plots.Add(SvgLineChart.Render($"{s.ScenarioName}: copies and live streams", "seconds", "count", [
                ("copies", s.Fleet.Select(p => (p.At.TotalSeconds, (double)p.Copies)).ToList()),
                ("live streams", s.Fleet.Select(p => (p.At.TotalSeconds, (double)p.LiveStreams)).ToList()),
            ]));
            if (s.Streaming is not null)
            {
                plots.Add(SvgLineChart.Render($"{s.ScenarioName}: KV cache bytes", "seconds", "bytes", [
                    ("all streams", s.Fleet.Select(p => (p.At.TotalSeconds, (double)p.KvBytes)).ToList()),
                    ("per stream", s.Fleet.Select(p => (p.At.TotalSeconds, p.KvBytesPerStream)).ToList()),
                ]));
            }

            if (s.Fleet.Any(p => p.ServerRssBytes > 0))
            {
                plots.Add(SvgLineChart.Render($"{s.ScenarioName}: server RSS", "seconds", "bytes", [
                    ("RSS", s.Fleet.Select(p => (p.At.TotalSeconds, p.ServerRssBytes > 0 ? p.ServerRssBytes : double.NaN)).ToList()),
                ]));
            }
        }

        return plots;
    }

    private static ReportSection Thresholds(IReadOnlyList<ThresholdResult> thresholds) =>
        new("Thresholds", ["Checked every reporting interval during the run (after their start-after delay; failed checks are counted, and abort the run at the threshold's abort count) and once on the final stats, which decide the result."], [
            new ReportTable("", ["scenario", "step", "check", "checks", "failed checks", "result", "error"], thresholds.Select(t => (IReadOnlyList<string>)[
                t.ScenarioName, t.StepName, t.CheckExpression, Cells.Count(t.CheckCount), Cells.Count(t.ErrorCount), t.IsFailed ? "FAILED" : "passed", t.ExceptionMsg,
            ]).ToList()),
        ], []);

    private static ReportSection CapacitySection(CapacityResult c)
    {
        var paragraphs = new List<string>
        {
            $"Largest fleet of real-time camera streams sustained with p95 standing-answer latency under {Cells.Number(c.LimitMs)} ms and no window dropped; levels of {Cells.Seconds(c.LevelDuration)} each, bisected, the arms alternating level by level in one run.",
        };
        paragraphs.AddRange(c.Notes);
        var rows = c.Rows.Select(r => (IReadOnlyList<string>)[r.Model, r.Policy, Cells.Count(r.MaxStreams), Cells.Number(r.FlopsRatio, "0.000"), Cells.Ms(r.P95Ms)]).ToList();
        var levels = c.Levels.Select(l => (IReadOnlyList<string>)[
            Cells.Count(l.Order), l.Model, l.Policy, Cells.Count(l.Streams), l.Passed ? "yes" : "no", Cells.Ms(l.P50Ms), Cells.Ms(l.P95Ms), Cells.Count(l.Answers), Cells.Count(l.WindowsPrefilled), Cells.Count(l.WindowsDropped), Cells.Count(l.Missing), Cells.Count(l.StreamsFailed), Cells.Number(l.FlopsRatio, "0.000"), l.Why,
        ]).ToList();
        var plot = SvgLineChart.Render("p95 standing-answer latency by fleet size", "streams", "ms", c.Levels
            .GroupBy(l => $"{l.Model} {l.Policy}")
            .Select(g => (g.Key, (IReadOnlyList<(double, double)>)g.OrderBy(l => l.Streams).Select(l => ((double)l.Streams, l.P95Ms)).ToList()))
            .ToList());
        return new ReportSection("Capacity", paragraphs, [
            new ReportTable("max sustained streams", ["model", "policy", "max streams", "FLOPs ratio", "p95 ms"], rows),
            new ReportTable("levels (in the order run)", ["#", "model", "policy", "streams", "sustained", "p50 ms", "p95 ms", "answers", "windows", "dropped", "missing", "failed streams", "FLOPs ratio", "why not"], levels),
        ], [plot]);
    }
}
