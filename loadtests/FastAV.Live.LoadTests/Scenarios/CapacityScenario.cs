using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using FastAV.Live.LoadTests.Capacity;
using FastAV.Live.LoadTests.Cli;
using FastAV.Live.LoadTests.Reports;
using FastAV.Live.LoadTests.Stats;
using FastAV.Live.LoadTests.Streaming;
using Contract = FastAV.Live.Contracts.V1;

namespace FastAV.Live.LoadTests.Scenarios;

/// <summary>
/// The capacity scenario: <see cref="CapacitySearch"/> over arms of one model × pruning policies (default unpruned
/// and FastAV; the policy is per stream, so one server serves both), each level a camera fleet run through the
/// load runner — copies started over --stagger-ms, then held for --level-duration. Reports carry the search and the
/// full stats of each arm's largest holding level; capacity.json has rows {model, policy, max_streams, flops_ratio,
/// p95_ms} and every level.
/// </summary>
public static class CapacityScenario
{
    public static async Task<RunResult> RunAsync(Fleet fleet, LoadOptions o, string model, string target, Func<long>? rss, string outDir, Action<string> log, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(fleet);
        ArgumentNullException.ThrowIfNull(o);
        ArgumentNullException.ThrowIfNull(log);
        var policies = o.Policies.Count > 0 ? o.Policies.Distinct().ToList() : [Contract.PruningPolicy.None, Contract.PruningPolicy.Fastav];
        var arms = policies.Select(p => new CapacityArm(model, p)).ToList();
        var options = new CapacityOptions { StartStreams = o.StartStreams, MaxStreams = o.MaxStreams, LimitMs = o.LimitMs, LevelDuration = o.LevelDuration };
        var started = DateTime.UtcNow;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var best = new Dictionary<CapacityArm, (int Streams, ScenarioStats Stats)>();

        // JIT, first-touch and model warm-up stay out of the levels: one short stream per arm first.
        foreach (var arm in arms) await RunLevelAsync(fleet, o, arm, 1, TimeSpan.FromSeconds(4), rss, cancellationToken).ConfigureAwait(false);

        var capacity = await CapacitySearch.RunAsync(arms, async (arm, n, ct) =>
        {
            var stats = await RunLevelAsync(fleet, o, arm, n, o.LevelDuration, rss, ct).ConfigureAwait(false);
            var m = Measure(stats);
            if (CapacitySearch.Why(m, o.LimitMs).Length == 0 && (!best.TryGetValue(arm, out var b) || b.Streams < n)) best[arm] = (n, stats);
            return m;
        }, options, level => log(string.Create(CultureInfo.InvariantCulture,
            $"capacity: {level.Model} {level.Policy,-8} {level.Streams,4} streams  p50 {level.P50Ms,7:0.0} ms  p95 {level.P95Ms,7:0.0} ms  answers {level.Answers,6}  dropped {level.WindowsDropped,4}  {(level.Passed ? "holds" : "fails: " + level.Why)}")),
            cancellationToken).ConfigureAwait(false);

        var notes = new List<string>
        {
            $"stream: the generated clip ({fleet.Clip.Video?.Codec} {fleet.Clip.Video?.Width}x{fleet.Clip.Video?.Height} + {fleet.Clip.Audio?.Codec} {fleet.Clip.Audio?.SampleRateHz} Hz) in real time, {o.StandingQuestions} standing questions every {o.IntervalMs} ms ({o.MaxTokens} tokens), copies started over {o.StaggerMs} ms",
        };
        var info = new TestInfo($"{started:yyyy-MM-dd_HH.mm.ss}_capacity", "fastav.live", "capacity", started,
            $"{Environment.MachineName}, {Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription.Trim()}, .NET {Environment.Version}", target, notes);
        var result = new RunResult
        {
            TestInfo = info,
            ScenarioStats = arms.Where(best.ContainsKey).Select(a => best[a].Stats).ToList(),
            Thresholds = [],
            Duration = clock.Elapsed,
            Capacity = capacity,
        };
        var files = await ReportWriter.WriteAsync(result, outDir, [ReportFormat.Html, ReportFormat.Md, ReportFormat.Csv, ReportFormat.Txt]).ConfigureAwait(false);
        var json = o.Json ?? Path.Combine(outDir, "capacity.json");
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(json))!);
        await File.WriteAllTextAsync(json, Json(capacity, info, o).ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n", cancellationToken).ConfigureAwait(false);
        return result with { ReportFiles = [.. files, json] };
    }

    /// <summary>capacity.json: the rows the benchmarks quote, the criterion, and every level.</summary>
    public static JsonObject Json(CapacityResult c, TestInfo info, LoadOptions o)
    {
        ArgumentNullException.ThrowIfNull(c);
        ArgumentNullException.ThrowIfNull(info);
        ArgumentNullException.ThrowIfNull(o);
        static JsonNode? N(double v) => double.IsFinite(v) ? JsonValue.Create(Math.Round(v, 3)) : null;
        return new JsonObject
        {
            ["benchmark"] = "capacity",
            ["date"] = info.Created.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["machine"] = info.Machine,
            ["target"] = info.Target,
            ["criterion"] = new JsonObject { ["p95_standing_answer_ms_below"] = c.LimitMs, ["windows_dropped"] = 0 },
            ["level_seconds"] = c.LevelDuration.TotalSeconds,
            ["stream"] = string.Join("; ", info.Notes),
            ["rows"] = new JsonArray(c.Rows.Select(r => (JsonNode)new JsonObject
            {
                ["model"] = r.Model, ["policy"] = r.Policy, ["max_streams"] = r.MaxStreams, ["flops_ratio"] = N(r.FlopsRatio), ["p95_ms"] = N(r.P95Ms),
            }).ToArray()),
            ["levels"] = new JsonArray(c.Levels.Select(l => (JsonNode)new JsonObject
            {
                ["order"] = l.Order, ["model"] = l.Model, ["policy"] = l.Policy, ["streams"] = l.Streams, ["sustained"] = l.Passed,
                ["p50_ms"] = N(l.P50Ms), ["p95_ms"] = N(l.P95Ms), ["answers"] = l.Answers, ["windows_prefilled"] = l.WindowsPrefilled,
                ["windows_dropped"] = l.WindowsDropped, ["missing_answers"] = l.Missing, ["streams_failed"] = l.StreamsFailed, ["flops_ratio"] = N(l.FlopsRatio), ["why_not"] = l.Why,
            }).ToArray()),
            ["notes"] = new JsonArray(c.Notes.Select(n => (JsonNode)JsonValue.Create(n)).ToArray()),
            ["error"] = c.Error,
        };
    }

    /// <summary>
    /// One level for <see cref="CapacitySearch"/>: <paramref name="streams"/> cameras of <paramref name="fleet"/>
    /// started over <paramref name="stagger"/> and held for <paramref name="hold"/>, through the load runner; the
    /// returned stats carry the streaming metrics a <see cref="LevelMeasurement"/> is made of (<see cref="Measure"/>).
    /// Benchmarks call this with their own servers and settings.
    /// </summary>
    public static async Task<ScenarioStats> RunLevelAsync(Fleet fleet, CameraSettings settings, int streams, TimeSpan hold, TimeSpan stagger, double lateAfterMs, Func<long>? rss, int seed, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(fleet);
        ArgumentNullException.ThrowIfNull(settings);
        var metrics = new StreamingMetrics(lateAfterMs);
        var simulations = stagger > TimeSpan.Zero
            ? new[] { Simulation.RampingConstant(streams, stagger), Simulation.KeepConstant(streams, hold) }
            : [Simulation.KeepConstant(streams, hold)];
        var policy = settings.Policy == Contract.PruningPolicy.None ? "unpruned" : StatusCodes.UpperSnake(settings.Policy.ToString()).ToLowerInvariant();
        var scenario = CameraScenario.Create($"capacity-{policy}-{streams}", fleet, settings, metrics, askable: false)
            .WithoutWarmUp()
            .WithLoadSimulations(simulations)
            .WithMaxFailCount(Math.Max(100, streams * 10));
        var result = await LoadRunner.RegisterScenarios(scenario).WithoutReports().WithServerRss(rss).WithSeed(seed).RunAsync(cancellationToken).ConfigureAwait(false);
        return result.ScenarioStats[0];
    }

    /// <summary>What the capacity criterion reads from a level's stats.</summary>
    public static LevelMeasurement Measure(ScenarioStats stats)
    {
        ArgumentNullException.ThrowIfNull(stats);
        var st = stats.Streaming ?? throw new ArgumentException($"scenario {stats.ScenarioName} ran no streams", nameof(stats));
        return new LevelMeasurement(st.StandingLatency.P50, st.StandingLatency.P95, st.StandingLatency.Count, st.WindowsPrefilled, st.WindowsDropped, st.AnswersMissing, st.StreamsFailed, st.FlopsRatio);
    }

    private static Task<ScenarioStats> RunLevelAsync(Fleet fleet, LoadOptions o, CapacityArm arm, int streams, TimeSpan hold, Func<long>? rss, CancellationToken cancellationToken) =>
        RunLevelAsync(
            fleet,
            new CameraSettings { Policy = arm.Policy, StandingQuestions = o.StandingQuestions, IntervalMs = o.IntervalMs, MaxTokens = o.MaxTokens, RealTime = o.RealTime },
            streams, hold, TimeSpan.FromMilliseconds(o.StaggerMs), o.LimitMs, rss, o.Seed, cancellationToken);
}
