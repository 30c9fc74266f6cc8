using System.Globalization;
using System.Text;
using System.Text.Json;
using FastAV.Live.Benchmarks;
using FastAV.Live.Engine.Benchmarks;
using FastAV.Live.Engine.Cache;

const string Usage = """
    benchmarks/engine: FastAV vs unpruned through ModelRunner on random decoders (window ingest, time to first token,
    per answer token, FLOPs), batched vs one-by-one engine steps, and KV bytes of one stream over a simulated hour.
    Writes benchmarks/results/engine-cpu.{json,md} and engine-kv-hour.svg.

    usage: dotnet run -c Release --project benchmarks/engine [-- options]
      --minutes M          simulated minutes of the KV-over-time run (default 60)
      --budget TOKENS      KV budget in tokens per layer of that run (default 4096)
      --windows W          windows per timing round, small decoder (default 30)
      --camera-windows W   windows per timing round, camera-scale decoder (default 12)
      --rounds R           timing rounds (default 3)
      --batch-rounds B     rounds of the batching comparison (default 6)
      -h, --help           this help
    """;
if (args.Any(a => a is "--help" or "-h"))
{
    Console.WriteLine(Usage);
    return 0;
}

// Usage: dotnet run -c Release --project benchmarks/engine [-- --minutes M --budget TOKENS --windows W --camera-windows W --rounds R --batch-rounds B]
// Writes benchmarks/results/engine-cpu.{json,md} and engine-kv-hour.svg (relative to the repo root).
var loadAtStart = LoadAverage();
var minutes = ArgValue("--minutes", 60);
var budget = ArgValue("--budget", 4096);
var timingWindows = ArgValue("--windows", 30);
var timingRounds = ArgValue("--rounds", 3);
var batchRounds = ArgValue("--batch-rounds", 6);
(BatchTiming.Setup Setup, int[] Streams)[] batchSetups = [(BatchTiming.Small, [1, 2, 4, 8]), (BatchTiming.Tiny, [1, 8, 32, 64])];
const int sampleEvery = 60;

var series = new List<KvHourSimulation.Series>
{
    KvHourSimulation.Run("unpruned, no eviction", pruned: false, null, budget, minutes, sampleEvery),
    KvHourSimulation.Run("FastAV, no eviction", pruned: true, null, budget, minutes, sampleEvery),
    KvHourSimulation.Run("FastAV + StreamingLLM", pruned: true, new StreamingLlmEviction(), budget, minutes, sampleEvery),
    KvHourSimulation.Run("FastAV + A2SF", pruned: true, new A2sfEviction(), budget, minutes, sampleEvery),
    KvHourSimulation.Run("FastAV + PagedEviction", pruned: true, new PagedEviction(), budget, minutes, sampleEvery),
    KvHourSimulation.Run("FastAV + InfiniPot-V", pruned: true, new InfiniPotVEviction(), budget, minutes, sampleEvery),
};

// The server's thread defaults (Inference:TorchThreads 1, Inference:BlasThreads one per core): both pools at 2 on
// 2 cores oversubscribe them (benchmarks/torch, benchmarks/models).
FastAV.Live.Torch.Torch.ThreadCount = 1;
if (FastAV.Live.Torch.Torch.IsOpenBlas) FastAV.Live.Torch.Torch.BlasThreadCount = Environment.ProcessorCount;

var cameraWindows = ArgValue("--camera-windows", 12);
var timingRows = new List<Dictionary<string, object>>();
foreach (var (setup, windowCount) in new[] { (RunnerTiming.Small, timingWindows), (RunnerTiming.CameraScale, cameraWindows) })
{
var timings = RunnerTiming.Run(setup, windowCount, timingRounds);
var unprunedTiming = timings[0];
timingRows.AddRange(timings.Select(t => new Dictionary<string, object>
{
    ["decoder"] = setup.Name,
    ["windows_per_round"] = windowCount,
    ["configuration"] = t.Name,
    ["window_ingest_ms"] = Round(t.IngestMs),
    ["time_to_first_token_ms"] = Round(t.TimeToFirstTokenMs),
    ["per_token_ms"] = Round(t.PerTokenMs),
    ["ingest_ratio_vs_unpruned"] = Round(t.IngestMs / unprunedTiming.IngestMs),
    ["ttft_ratio_vs_unpruned"] = Round(t.TimeToFirstTokenMs / unprunedTiming.TimeToFirstTokenMs),
    ["per_token_ratio_vs_unpruned"] = Round(t.PerTokenMs / unprunedTiming.PerTokenMs),
    ["window_flops_ratio"] = Round(t.FlopsRatio),
    ["cached_tokens_layer0"] = t.CachedTokensLayer0,
    ["cached_tokens_last_layer"] = t.CachedTokensLastLayer,
}));
}

var batchRows = batchSetups.SelectMany(b => BatchTiming.Run(b.Setup, b.Streams, batchRounds).Select(level => (b.Setup, level))).Select(r => new Dictionary<string, object>
{
    ["decoder"] = $"{r.Setup.Name}: {r.Setup.Config.LayerCount} layers, d {r.Setup.Config.HiddenSize}, {r.Setup.WindowTokens}-token windows, budget {r.Setup.Budget}",
    ["streams"] = r.level.Streams,
    ["ingest_step_one_by_one_ms"] = Round(r.level.IngestOneByOneMs),
    ["ingest_step_batched_ms"] = Round(r.level.IngestBatchedMs),
    ["ingest_batched_ratio"] = Round(r.level.IngestRatio),
    ["decode_step_one_by_one_ms"] = Round(r.level.DecodeOneByOneMs),
    ["decode_step_batched_ms"] = Round(r.level.DecodeBatchedMs),
    ["decode_batched_ratio"] = Round(r.level.DecodeRatio),
}).ToList();

var unpruned = series[0].Samples[^1].Bytes;
var kvRows = series.Select(s => new Dictionary<string, object>
{
    ["configuration"] = s.Name,
    ["kv_bytes_at_5_min"] = s.Samples[Math.Min(4, s.Samples.Count - 1)].Bytes,
    ["kv_bytes_at_end"] = s.Samples[^1].Bytes,
    ["kv_ratio_vs_unpruned"] = Round((double)s.Samples[^1].Bytes / unpruned),
    ["window_flops_ratio"] = Round(s.WindowFlopsRatio),
    ["simulation_seconds"] = Round(s.Seconds),
}).ToList();

var result = new Dictionary<string, object>
{
    ["date"] = DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
    ["machine"] = $"{Environment.ProcessorCount} cores, CPU only; libtorch on {FastAV.Live.Torch.Torch.BlasConfig} ({FastAV.Live.Torch.Torch.BlasLibrary}), 1 intra-op × {Environment.ProcessorCount} BLAS threads; 1-min load average {loadAtStart} at the start, {LoadAverage()} at the end (this benchmark included)",
    ["geometry"] = "Qwen2-7B KV (28 layers, 4 KV heads × 128, bf16: 2 KiB per token per layer)",
    ["window"] = $"1 s: {KvHourSimulation.VideoTokens} video + {KvHourSimulation.AudioTokens} audio + separator = {KvHourSimulation.WindowTokens} tokens; prompt {KvHourSimulation.PromptTokens}",
    ["pruning"] = "keep-first 50 media at K = 14, fine P = 20% per later layer",
    ["budget_tokens_per_layer"] = budget,
    ["simulated_minutes"] = minutes,
    ["runner_model"] = $"random decoders (fp32): {RunnerTiming.Small.Name}, budget {RunnerTiming.Small.Budget} tokens/layer; {RunnerTiming.CameraScale.Name}, budget {RunnerTiming.CameraScale.Budget} tokens/layer (8 windows)",
    ["runner_windows_per_round"] = timingWindows,
    ["runner_rounds"] = timingRounds,
    ["runner"] = timingRows,
    ["batching_rounds"] = batchRounds,
    ["batching"] = batchRows,
    ["kv_hour"] = kvRows,
    ["kv_series_mib"] = series.ToDictionary(s => s.Name, s => s.Samples.Select(p => Round(p.Bytes / 1048576.0)).ToArray()),
};

var root = BenchmarkRepository.Root();
var results = Path.Combine(root, "benchmarks", "results");
Directory.CreateDirectory(results);
var json = JsonSerializer.Serialize(result, new JsonSerializerOptions { WriteIndented = true });
File.WriteAllText(Path.Combine(results, "engine-cpu.json"), json + "\n");
File.WriteAllText(
    Path.Combine(results, "engine-kv-hour.svg"),
    SvgChart.Lines(
        $"KV cache of one stream over {minutes} min (Qwen2-7B geometry, bf16)",
        "minutes of media",
        "KV GiB",
        series.Select(s => (s.Name, (IReadOnlyList<(double, double)>)s.Samples.Select(p => (p.Minutes, p.Bytes / 1073741824.0)).ToList())).ToList()));
File.WriteAllText(Path.Combine(results, "engine-cpu.md"), Markdown(result, kvRows, timingRows, batchRows));
Console.WriteLine(json);

return 0;

// The 1-minute load average (/proc/loadavg), or "unknown" where there is none.
static string LoadAverage() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "unknown";

static string Markdown(Dictionary<string, object> result, List<Dictionary<string, object>> rows, List<Dictionary<string, object>> timings, List<Dictionary<string, object>> batching)
{
    var md = new StringBuilder();
    md.Append(CultureInfo.InvariantCulture, $"# Engine benchmark ({result["machine"]}, {result["date"]})\n\n");
    md.Append(CultureInfo.InvariantCulture, $"Machine: {result["machine"]}.\n\n");
    md.Append(CultureInfo.InvariantCulture, $"ModelRunner on {result["runner_model"]}; {result["runner_rounds"]} rounds alternating the two configurations, windows per round as in the table (the first of each round not timed); medians. Answers: 16-token question, greedy.\n\n");
    md.Append("| decoder | configuration | windows per round | window ingest (ms) | time to first token (ms) | per token (ms) | ingest ÷ unpruned | TTFT ÷ unpruned | per token ÷ unpruned | window FLOPs ratio | cached tokens layer 0 / last |\n|---|---|---|---|---|---|---|---|---|---|---|\n");
    foreach (var t in timings)
    {
        md.Append(CultureInfo.InvariantCulture, $"| {t["decoder"]} | {t["configuration"]} | {t["windows_per_round"]} | {t["window_ingest_ms"]} | {t["time_to_first_token_ms"]} | {t["per_token_ms"]} | {t["ingest_ratio_vs_unpruned"]} | {t["ttft_ratio_vs_unpruned"]} | {t["per_token_ratio_vs_unpruned"]} | {t["window_flops_ratio"]} | {t["cached_tokens_layer0"]} / {t["cached_tokens_last_layer"]} |\n");
    }

    md.Append('\n');
    md.Append(CultureInfo.InvariantCulture, $"Token-level batching across streams (one model, FastAV runner, caches full at their budget, random weights): one engine step of N streams' windows, or of N answers' decode steps, as one batched forward vs one forward per stream (LiveEngineOptions.BatchStreams on/off); {result["batching_rounds"]} rounds alternating the modes; medians per step.\n\n");
    md.Append("| decoder | streams | ingest step, one by one (ms) | ingest step, batched (ms) | batched ÷ one by one | decode step, one by one (ms) | decode step, batched (ms) | batched ÷ one by one |\n|---|---|---|---|---|---|---|---|\n");
    foreach (var b in batching)
    {
        md.Append(CultureInfo.InvariantCulture, $"| {b["decoder"]} | {b["streams"]} | {b["ingest_step_one_by_one_ms"]} | {b["ingest_step_batched_ms"]} | {b["ingest_batched_ratio"]} | {b["decode_step_one_by_one_ms"]} | {b["decode_step_batched_ms"]} | {b["decode_batched_ratio"]} |\n");
    }

    md.Append('\n');
    md.Append(CultureInfo.InvariantCulture, $"KV over {result["simulated_minutes"]} simulated minutes of one stream, cache bookkeeping only. {result["geometry"]}; windows {result["window"]}; {result["pruning"]}; budget {result["budget_tokens_per_layer"]} tokens per layer. Plot: engine-kv-hour.svg.\n\n");
    md.Append("| configuration | KV at 5 min (MiB) | KV at end (MiB) | ÷ unpruned | window FLOPs ratio |\n|---|---|---|---|---|\n");
    foreach (var r in rows)
    {
        md.Append(CultureInfo.InvariantCulture, $"| {r["configuration"]} | {(long)r["kv_bytes_at_5_min"] / 1048576.0:0.0} | {(long)r["kv_bytes_at_end"] / 1048576.0:0.0} | {r["kv_ratio_vs_unpruned"]} | {r["window_flops_ratio"]} |\n");
    }

    return md.ToString();
}

static double Round(double v) => Math.Round(v, 4);

static int ArgValue(string name, int fallback)
{
    var args = Environment.GetCommandLineArgs();
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out var v) ? v : fallback;
}
