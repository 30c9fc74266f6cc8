using System.Globalization;
using System.Text;
using System.Text.Json;
using FastAV.Live.Engine.Benchmarks;
using FastAV.Live.Engine.Cache;

// Usage: dotnet run -c Release --project benchmarks/engine [-- --minutes M --budget TOKENS]
// Writes benchmarks/results/engine-cpu.{json,md} and engine-kv-hour.svg (relative to the repo root).
var minutes = ArgValue("--minutes", 60);
var budget = ArgValue("--budget", 4096);
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
    ["machine"] = $"{Environment.ProcessorCount} cores, CPU only",
    ["geometry"] = "Qwen2-7B KV (28 layers, 4 KV heads × 128, bf16: 2 KiB per token per layer)",
    ["window"] = $"1 s: {KvHourSimulation.VideoTokens} video + {KvHourSimulation.AudioTokens} audio + separator = {KvHourSimulation.WindowTokens} tokens; prompt {KvHourSimulation.PromptTokens}",
    ["pruning"] = "keep-first 50 media at K = 14, fine P = 20% per later layer",
    ["budget_tokens_per_layer"] = budget,
    ["simulated_minutes"] = minutes,
    ["kv_hour"] = kvRows,
    ["kv_series_mib"] = series.ToDictionary(s => s.Name, s => s.Samples.Select(p => Round(p.Bytes / 1048576.0)).ToArray()),
};

var root = FindRepoRoot();
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
File.WriteAllText(Path.Combine(results, "engine-cpu.md"), Markdown(result, kvRows));
Console.WriteLine(json);

static string Markdown(Dictionary<string, object> result, List<Dictionary<string, object>> rows)
{
    var md = new StringBuilder();
    md.Append(CultureInfo.InvariantCulture, $"# Engine benchmark ({result["machine"]}, {result["date"]})\n\n");
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

static string FindRepoRoot()
{
    var dir = new DirectoryInfo(Directory.GetCurrentDirectory());
    while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "FastAV.Live.sln"))) dir = dir.Parent;
    return dir?.FullName ?? throw new InvalidOperationException("run from inside the repository");
}
