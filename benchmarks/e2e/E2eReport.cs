using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using FastAV.Live.LoadTests.Capacity;
using Contract = FastAV.Live.Contracts.V1;

namespace FastAV.Live.Benchmarks.E2e;

/// <summary>
/// The result files: OUT/NAME.json (machine, date, rows {model, policy, max_streams, flops_ratio, p95_ms, …}, FastAV ÷
/// unpruned ratios per model, the probe, every level with the load average) and OUT/NAME.md, the same as tables.
/// </summary>
internal static class E2eReport
{
    public const string RandomWeights = "random weights — capacity only";

    public static JsonObject Json(CapacityBench bench, E2eOptions o, string machine, DateTime started, double loadAtStart, string command, IReadOnlyList<string> notes, IReadOnlyDictionary<string, string> modelFolders)
    {
        var c = bench.Result!;
        var rows = new JsonArray();
        var ratios = new JsonArray();
        foreach (var arm in bench.Arms)
        {
            var row = c.Rows[bench.Arms.IndexOf(arm)];
            var probe = bench.Probes.Single(p => p.Arm == arm);
            var baseline = Baseline(bench, arm);
            var obj = new JsonObject
            {
                ["model"] = arm.Model,
                ["policy"] = Policy(arm),
                ["max_streams"] = row.MaxStreams,
                ["flops_ratio"] = N(probe.FlopsPerMediaSecond / baseline.FlopsPerMediaSecond),
                ["p95_ms"] = N(row.P95Ms),
                ["engine_steps"] = arm.Target,
                ["prefill_ms"] = N(probe.ServerP50Ms),
                ["kv_bytes_per_stream"] = N(probe.KvBytesPerStream, 0),
                ["ingest_mflop_per_media_second"] = N(probe.FlopsPerMediaSecond / 1e6),
                ["engine_reported_flops_ratio"] = N(row.FlopsRatio),
                ["server_cpu_s_per_media_second"] = N(probe.CpuPerMediaSecond),
            };
            if (arm.Model == "camera-scale") obj["label"] = RandomWeights;
            rows.Add(obj);
            if (arm.Policy == Contract.PruningPolicy.None) continue;
            var baseRow = c.Rows[bench.Arms.IndexOf(baseline.Arm)];
            ratios.Add(new JsonObject
            {
                ["model"] = arm.Model,
                ["engine_steps"] = arm.Target,
                ["what"] = "FastAV ÷ unpruned, same model, server and run",
                ["streams_sustained"] = baseRow.MaxStreams == 0 ? null : N((double)row.MaxStreams / baseRow.MaxStreams),
                ["decoder_flops"] = N(probe.FlopsPerMediaSecond / baseline.FlopsPerMediaSecond),
                ["prefill_latency"] = N(probe.ServerP50Ms / baseline.ServerP50Ms),
                ["kv_bytes_per_stream"] = N(probe.KvBytesPerStream / baseline.KvBytesPerStream),
                ["server_cpu_per_media_second"] = N(probe.CpuPerMediaSecond / baseline.CpuPerMediaSecond),
                ["probes_complete"] = probe.Complete && baseline.Complete,
                ["label"] = arm.Model == "camera-scale" ? RandomWeights : null,
            });
        }

        var loads = bench.Details.Select(d => d.LoadMean).Where(double.IsFinite).ToList();
        return new JsonObject
        {
            ["benchmark"] = "e2e-capacity",
            ["machine"] = machine,
            ["date"] = started.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["command"] = command,
            ["notes"] = new JsonArray(notes.Select(n => (JsonNode)JsonValue.Create(n)).ToArray()),
            ["load_average_1min"] = new JsonObject
            {
                ["at_start"] = N(loadAtStart, 2),
                ["levels_mean"] = loads.Count == 0 ? null : N(loads.Average(), 2),
                ["levels_min"] = loads.Count == 0 ? null : N(loads.Min(), 2),
                ["levels_max"] = loads.Count == 0 ? null : N(bench.Details.Max(d => d.LoadMax), 2),
                ["what"] = "/proc/loadavg sampled every 2 s during each level; includes this benchmark's own server and clients",
            },
            ["models"] = new JsonArray(modelFolders.Select(m => (JsonNode)new JsonObject
            {
                ["model"] = m.Key,
                ["folder"] = Path.GetRelativePath(FastAV.Live.LoadTests.Streaming.WorldClip.RepositoryRoot() ?? "/", m.Value),
                ["decoder"] = Decoder(m.Value),
                ["label"] = m.Key == "camera-scale" ? RandomWeights : null,
            }).ToArray()),
            ["criterion"] = new JsonObject { ["p95_standing_answer_ms_below"] = o.LimitMs, ["windows_dropped"] = 0, ["streams_failed"] = 0, ["answers"] = "> 0" },
            ["stream"] = $"the world clip (H.264 + 16 kHz PCM s16le, 2 fps, 60 s looped) in real time; {o.StandingQuestions} standing questions every {o.IntervalMs} ms, {o.MaxTokens} answer tokens; a level's cameras start over {o.StaggerMs} ms, then hold {o.LevelDuration.TotalSeconds:0} s; fastav-tiny 32x32 frames, camera-scale {o.CameraVideoSize} (letterboxed to 224²)",
            ["flops_ratio"] = "decoder FLOPs of ingest per media second (stream_flops ÷ the media time it covers), FastAV ÷ an unpruned stream's own, from the probe streams (the same windows on both)",
            ["server_cpu"] = "CPU seconds the server process used (every thread) per second of one stream's media: load-independent where wall-clock latency on a shared machine is mostly the scheduler's share; from the probe (one stream alone, engine often idle) and per level (the streams at that size)",
            ["prefill"] = $"latency probe: one stream alone per arm at {o.ProbeSpeed:0.##}× real time (the engine is idle when a window completes), a 1-token standing answer every window; prefill_ms = the server's latency_us p50 (window complete → answer: the window's encoders and decoder prefill, the question's prefill and its one token)",
            ["duration_s"] = Math.Round(bench.Elapsed.TotalSeconds),
            ["rows"] = rows,
            ["ratios"] = ratios,
            ["probe"] = new JsonArray(bench.Probes.Select(p => (JsonNode)new JsonObject
            {
                ["model"] = p.Arm.Model, ["policy"] = Policy(p.Arm), ["engine_steps"] = p.Arm.Target,
                ["server_p50_ms"] = N(p.ServerP50Ms), ["server_p95_ms"] = N(p.ServerP95Ms), ["client_p50_ms"] = N(p.ClientP50Ms), ["answers"] = p.Answers, ["answers_expected"] = p.AnswersExpected,
                ["windows_prefilled"] = p.WindowsPrefilled, ["complete"] = p.Complete, ["server_cpu_s_per_media_second"] = N(p.CpuPerMediaSecond),
                ["kv_bytes_per_stream"] = N(p.KvBytesPerStream, 0), ["ingest_mflop_per_media_second"] = N(p.FlopsPerMediaSecond / 1e6), ["windows_dropped"] = p.WindowsDropped,
            }).ToArray()),
            ["levels"] = new JsonArray(c.Levels.Select(l =>
            {
                var d = bench.Details[l.Order - 1];
                return (JsonNode)new JsonObject
                {
                    ["order"] = l.Order, ["model"] = l.Model, ["policy"] = Policy(d.Arm), ["engine_steps"] = d.Arm.Target, ["streams"] = l.Streams, ["sustained"] = l.Passed,
                    ["p50_ms"] = N(l.P50Ms), ["p95_ms"] = N(l.P95Ms), ["server_p95_ms"] = N(d.ServerP95Ms), ["answers"] = l.Answers,
                    ["windows_prefilled"] = l.WindowsPrefilled, ["windows_dropped"] = l.WindowsDropped, ["missing_answers"] = l.Missing, ["streams_failed"] = l.StreamsFailed,
                    ["kv_bytes_per_stream"] = N(d.KvBytesPerStream, 0), ["ingest_mflop_per_media_second"] = N(d.FlopsPerMediaSecond / 1e6),
                    ["load_average_1min_mean"] = N(d.LoadMean, 2), ["load_average_1min_max"] = N(d.LoadMax, 2),
                    ["server_cpu_s_per_stream_second"] = N(d.CpuPerStreamSecond), ["server_rss_max_mb"] = d.ServerRssMaxBytes < 0 ? null : N(d.ServerRssMaxBytes / 1048576.0, 0), ["why_not"] = l.Why,
                };
            }).ToArray()),
            ["search_notes"] = new JsonArray(c.Notes.Select(n => (JsonNode)JsonValue.Create(n)).ToArray()),
            ["error"] = c.Error,
        };
    }

    public static string Markdown(JsonObject r)
    {
        var md = new StringBuilder();
        void Line(string s = "") => md.AppendLine(s);
        Line($"# End to end: streams sustained, FastAV vs unpruned ({r["date"]}, {r["machine"]})");
        Line();
        Line($"`{r["command"]}`");
        Line();
        var load = r["load_average_1min"]!;
        Line($"Criterion: p95 standing-answer latency (window closed on the client → answer received) < {r["criterion"]!["p95_standing_answer_ms_below"]} ms, no dropped window, no failed stream. Stream: {r["stream"]}. Levels alternate arms in one run; 1-min load average {load["at_start"]} at the start, {load["levels_min"]}–{load["levels_max"]} during the levels (mean {load["levels_mean"]}; {load["what"]}).");
        foreach (var m in r["models"]!.AsArray()) Line($"- {m!["model"]}{(m["label"] is null ? "" : $" ({m["label"]})")}: `{m["folder"]}`, decoder {m["decoder"]}");
        foreach (var n in r["notes"]!.AsArray()) Line($"- {n}");
        Line();
        Line("| model | policy | engine | max streams | p95 at max (ms) | FLOPs ratio | prefill (ms) | KV per stream | MFLOP per media s |");
        Line("|---|---|---|---:|---:|---:|---:|---:|---:|");
        foreach (var row in r["rows"]!.AsArray())
        {
            var label = row!["label"] is null ? "" : $" ({row["label"]})";
            Line($"| {row["model"]}{label} | {row["policy"]} | {row["engine_steps"]} | {row["max_streams"]} | {row["p95_ms"]?.ToString() ?? "-"} | {row["flops_ratio"]} | {row["prefill_ms"]} | {Mb(row["kv_bytes_per_stream"])} | {row["ingest_mflop_per_media_second"]} |");
        }

        Line();
        Line("**FastAV ÷ unpruned** (same model, server and run):");
        Line();
        Line("| model | engine | streams sustained | decoder FLOPs | prefill latency | KV bytes per stream | server CPU per media s | probes complete |");
        Line("|---|---|---:|---:|---:|---:|---:|---|");
        foreach (var x in r["ratios"]!.AsArray()) Line($"| {x!["model"]}{(x["label"] is null ? "" : $" ({x["label"]})")} | {x["engine_steps"]} | {x["streams_sustained"]?.ToString() ?? "- (unpruned sustained 0)"} | {x["decoder_flops"]} | {x["prefill_latency"]} | {x["kv_bytes_per_stream"]} | {x["server_cpu_per_media_second"]} | {((bool)x["probes_complete"]! ? "yes" : "no")} |");
        Line();
        Line($"FLOPs ratio: {r["flops_ratio"]}. Prefill: {r["prefill"]}. Server CPU: {r["server_cpu"]}.");
        Line();
        Line("**Probe** (one stream alone per arm):");
        Line();
        Line("| model | policy | engine | server p50 ms | server p95 ms | client p50 ms | answers / expected | windows | KV per stream | MFLOP per media s | CPU s per media s | dropped | complete |");
        Line("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|");
        foreach (var p in r["probe"]!.AsArray()) Line($"| {p!["model"]} | {p["policy"]} | {p["engine_steps"]} | {p["server_p50_ms"]} | {p["server_p95_ms"]} | {p["client_p50_ms"]} | {p["answers"]} / {p["answers_expected"]} | {p["windows_prefilled"]} | {Mb(p["kv_bytes_per_stream"])} | {p["ingest_mflop_per_media_second"]} | {p["server_cpu_s_per_media_second"]} | {p["windows_dropped"]} | {((bool)p["complete"]! ? "yes" : "no: the engine did not keep up, figures not comparable")} |");
        Line();
        Line("**Levels** in the order they ran:");
        Line();
        Line("| # | model | policy | engine | streams | held | p50 ms | p95 ms | server p95 ms | answers | windows | dropped | missing | failed | CPU s per stream-s | load avg (mean / max) | why not |");
        Line("|---:|---|---|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|");
        foreach (var l in r["levels"]!.AsArray())
        {
            Line($"| {l!["order"]} | {l["model"]} | {l["policy"]} | {l["engine_steps"]} | {l["streams"]} | {((bool)l["sustained"]! ? "yes" : "no")} | {l["p50_ms"]} | {l["p95_ms"]} | {l["server_p95_ms"]} | {l["answers"]} | {l["windows_prefilled"]} | {l["windows_dropped"]} | {l["missing_answers"]} | {l["streams_failed"]} | {l["server_cpu_s_per_stream_second"]} | {l["load_average_1min_mean"]} / {l["load_average_1min_max"]} | {l["why_not"]} |");
        }

        foreach (var n in r["search_notes"]!.AsArray()) Line($"\n{n}");
        if (r["error"] is { } e) Line($"\nThe search did not finish: {e}.");
        return md.ToString();
    }

    public static async Task WriteAsync(JsonObject result, string folder, string name)
    {
        Directory.CreateDirectory(folder);
        var options = new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        await File.WriteAllTextAsync(Path.Combine(folder, name + ".json"), result.ToJsonString(options) + "\n").ConfigureAwait(false);
        await File.WriteAllTextAsync(Path.Combine(folder, name + ".md"), Markdown(result)).ConfigureAwait(false);
    }

    // The decoder's geometry from the model's config.json, e.g. "28 layers, hidden 384, FFN 1024, 6/2 heads".
    private static string Decoder(string folder)
    {
        try
        {
            var c = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "config.json")))!;
            return $"{c["num_hidden_layers"]} layers, hidden {c["hidden_size"]}, FFN {c["intermediate_size"]}, {c["num_attention_heads"]}/{c["num_key_value_heads"]} heads";
        }
        catch (Exception e) when (e is IOException or JsonException or NullReferenceException)
        {
            return $"(config.json unreadable: {e.Message})";
        }
    }

    private static ProbeResult Baseline(CapacityBench bench, CapacityArm arm) =>
        bench.Probes.Single(p => p.Arm.Model == arm.Model && p.Arm.Target == arm.Target && p.Arm.Policy == Contract.PruningPolicy.None);

    private static string Policy(CapacityArm arm) => arm.Policy == Contract.PruningPolicy.None ? "none" : "fastav";

    private static string Mb(JsonNode? bytes) => bytes is null ? "-" : $"{(double)bytes / 1e6:0.000} MB";

    private static JsonNode? N(double v, int digits = 3) => double.IsFinite(v) ? JsonValue.Create(Math.Round(v, digits)) : null;
}
