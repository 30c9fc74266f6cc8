// benchmarks/models: prefill and decode tokens/s of a ~100M-parameter random Qwen2-style decoder on
// CPU through FastAV.Live.Models vs the plain-PyTorch reference (tests/reference/qwen2_reference.py),
// same machine, same BLAS (OpenBLAS), same threads, alternating rounds in one run. Each split of the cores between
// libtorch's intra-op pool (T) and OpenBLAS's own pool (B) is measured: "TxB".
// Usage: dotnet run -c Release --project benchmarks/models [-- --configs 1x1,1x2,2x1,2x2 --prefill N --decode N --rounds N --out DIR]
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using FastAV.Live.Benchmarks;
using FastAV.Live.Models.Benchmarks;
using FastAV.Live.Models.Decoder;
using FastAV.Live.Torch;

var cores = Environment.ProcessorCount;
var configs = (StringOption("--configs") ?? (cores >= 2 ? "1x2,1x1,2x1,2x2" : "1x1")).Split(',')
    .Select(c => c.Split('x') is [var t, var b] ? (Intra: int.Parse(t, CultureInfo.InvariantCulture), Blas: int.Parse(b, CultureInfo.InvariantCulture)) : throw new FormatException($"config '{c}' is not TxB"))
    .ToList();
var prefill = IntOption("--prefill", 128);
var decode = IntOption("--decode", 32);
var rounds = IntOption("--rounds", 2);
var output = StringOption("--out") ?? Path.Combine(BenchmarkRepository.RootOrCurrentDirectory(), "benchmarks", "results");

// Qwen2-style geometry scaled to ~100M parameters: GQA 3:1, q/k/v bias, tied head.
var config = new DecoderConfig
{
    HiddenSize = 768, IntermediateSize = 2048, LayerCount = 12, AttentionHeadCount = 12, KeyValueHeadCount = 4,
    VocabSize = 32000, AttentionBias = true, TieWordEmbeddings = true, RmsNormEps = 1e-6, RopeTheta = 1e6,
};
var parameters = Parameters(config);
if (!Torch.IsOpenBlas)
{
    Console.Error.WriteLine($"libtorch's BLAS is {Torch.BlasLibrary}, not OpenBLAS: run scripts/setup.sh first");
    return 1;
}

Torch.ThreadCount = 1;
Torch.ManualSeed(1);
using var model = DecoderModel.Load(config, new RandomWeightSource(config));

const string Usage = """
    benchmarks/models: prefill and decode tokens/s of a ~100M-parameter random Qwen2-style decoder through
    FastAV.Live.Models vs the plain-PyTorch reference, same BLAS and threads, rounds alternating; each split TxB of the
    cores between libtorch's intra-op pool (T) and OpenBLAS's pool (B). Writes OUT/models-cpu.json and .md.

    usage: dotnet run -c Release --project benchmarks/models [-- options]
      --configs LIST   thread splits TxB (default 1x2,1x1,2x1,2x2 on 2+ cores)
      --prefill N      prompt tokens (default 128)      --decode N   decoded tokens (default 32)
      --rounds N       alternating rounds (default 2)   --out DIR    result folder (default benchmarks/results)
      -h, --help       this help
    """;
if (args.Any(a => a is "--help" or "-h"))
{
    Console.WriteLine(Usage);
    return 0;
}
Console.WriteLine($"decoder: {parameters / 1e6:F1}M parameters, libtorch {Torch.Version} on {Torch.BlasConfig}; prefill {prefill}, decode {decode}; {rounds} alternating rounds");
DecoderBenchmark.Run(model, 8, 2); // warm-up

// Each split of the cores is measured on its own, both sides alternating.
var pytorch = "";
var results = new JsonObject();
var rows = new List<string>();
foreach (var (n, blas) in configs)
{
    Torch.ThreadCount = n;
    Torch.BlasThreadCount = blas;
    double oursPrefill = 0, oursDecode = 0, refPrefill = 0, refDecode = 0;
    for (var round = 1; round <= rounds; round++)
    {
        Console.WriteLine($"{n} intra-op x {blas} BLAS threads, round {round}: pytorch reference");
        var py = RunPython(config, n, blas, prefill, decode);
        pytorch = py["torch"]!.GetValue<string>();
        refPrefill = Math.Max(refPrefill, py["prefill_tokens_per_s"]!.GetValue<double>());
        refDecode = Math.Max(refDecode, py["decode_tokens_per_s"]!.GetValue<double>());
        Console.WriteLine($"{n} intra-op x {blas} BLAS threads, round {round}: FastAV.Live.Models");
        Torch.ThreadCount = n;
        Torch.BlasThreadCount = blas;
        var (p, d) = DecoderBenchmark.Run(model, prefill, decode);
        oursPrefill = Math.Max(oursPrefill, p);
        oursDecode = Math.Max(oursDecode, d);
    }

    results[$"intra{n}_blas{blas}"] = new JsonObject
    {
        ["prefill_tokens_per_s"] = new JsonObject { ["ours"] = Math.Round(oursPrefill, 2), ["pytorch_reference"] = Math.Round(refPrefill, 2), ["ours_over_reference"] = Math.Round(oursPrefill / refPrefill, 3) },
        ["decode_tokens_per_s"] = new JsonObject { ["ours"] = Math.Round(oursDecode, 2), ["pytorch_reference"] = Math.Round(refDecode, 2), ["ours_over_reference"] = Math.Round(oursDecode / refDecode, 3) },
    };
    var mark = n == 1 && blas == cores ? " *" : "";
    rows.Add(string.Create(CultureInfo.InvariantCulture, $"| prefill | {n} × {blas}{mark} | {oursPrefill:F1} | {refPrefill:F1} | {oursPrefill / refPrefill:F3} |"));
    rows.Add(string.Create(CultureInfo.InvariantCulture, $"| decode | {n} × {blas}{mark} | {oursDecode:F2} | {refDecode:F2} | {oursDecode / refDecode:F3} |"));
}

var inv = CultureInfo.InvariantCulture;
var json = new JsonObject
{
    ["benchmark"] = "benchmarks/models",
    ["machine"] = new JsonObject
    {
        ["cpu"] = CpuModel(),
        ["cores"] = Environment.ProcessorCount,
        ["libtorch"] = Torch.Version,
        ["blas"] = Torch.BlasConfig,
        ["blas_library"] = Torch.BlasLibrary,
        ["pytorch"] = pytorch,
        ["date"] = DateTime.UtcNow.ToString("yyyy-MM-dd", inv),
        ["dotnet"] = Environment.Version.ToString(),
        ["rounds"] = rounds,
        ["load_average_1m"] = LoadAverage(),
    },
    ["decoder"] = new JsonObject
    {
        ["parameters"] = parameters,
        ["hidden_size"] = config.HiddenSize,
        ["intermediate_size"] = config.IntermediateSize,
        ["layers"] = config.LayerCount,
        ["heads"] = config.AttentionHeadCount,
        ["kv_heads"] = config.KeyValueHeadCount,
        ["vocab"] = config.VocabSize,
        ["dtype"] = "float32",
    },
    ["prefill_tokens"] = prefill,
    ["decode_tokens"] = decode,
    ["results"] = results,
};
Directory.CreateDirectory(output);
File.WriteAllText(Path.Combine(output, "models-cpu.json"), json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
var md = new StringBuilder();
md.AppendLine("# Decoder on CPU: FastAV.Live.Models vs the PyTorch reference (one run)").AppendLine();
md.AppendLine(inv, $"Machine: {json["machine"]!["cpu"]}, {Environment.ProcessorCount} cores; libtorch {Torch.Version} via fastav_torch, PyTorch {pytorch} from /usr/bin/python3, both on {Torch.BlasConfig} ({Torch.BlasLibrary}); {json["machine"]!["date"]}; best of {rounds} alternating rounds (1-min load average at the end: {json["machine"]!["load_average_1m"]}; other engineers' builds share the machine).").AppendLine();
md.AppendLine("Threads T × B: T libtorch intra-op (OpenMP) threads, B OpenBLAS threads; * = the server's defaults (Inference:TorchThreads 1, Inference:BlasThreads one per core). Before OpenBLAS (Debian's reference BLAS, 2026-11-21 run): prefill 24.2 tokens/s, decode 7.63 tokens/s on 1 thread.").AppendLine();
md.AppendLine(inv, $"Decoder: random Qwen2-style, {parameters / 1e6:F1}M parameters (hidden {config.HiddenSize}, FFN {config.IntermediateSize}, {config.LayerCount} layers, {config.AttentionHeadCount} query / {config.KeyValueHeadCount} KV heads, vocab {config.VocabSize}, tied head, q/k/v bias), float32. Prefill: {prefill} tokens, logits of the last one. Decode: {decode} greedy steps on the cache.").AppendLine();
md.AppendLine("The reference is tests/reference/qwen2_reference.py as written for parity (eager attention, keys rotated at every step from its pre-RoPE past, caches grown by torch.cat), not Hugging Face transformers.").AppendLine();
md.AppendLine("| phase | threads T × B | ours tokens/s | PyTorch reference tokens/s | ours / reference |");
md.AppendLine("|---|---:|---:|---:|---:|");
foreach (var row in rows)
{
    md.AppendLine(row);
}
File.WriteAllText(Path.Combine(output, "models-cpu.md"), md.ToString());
Console.WriteLine(md.ToString());
return 0;

static long Parameters(DecoderConfig c)
{
    long d = c.HiddenSize, m = c.IntermediateSize, q = (long)c.AttentionHeadCount * c.ResolvedHeadDim, kv = (long)c.KeyValueHeadCount * c.ResolvedHeadDim;
    var layer = (d * q) + (2 * d * kv) + (q * d) + (3 * d * m) + (2 * d) + (c.AttentionBias ? q + (2 * kv) : 0);
    return (c.LayerCount * layer) + (c.VocabSize * d * (c.TieWordEmbeddings ? 1 : 2)) + d;
}

static JsonObject RunPython(DecoderConfig c, int threads, int blasThreads, int prefill, int decode)
{
    var config = new JsonObject
    {
        ["hidden_size"] = c.HiddenSize, ["intermediate_size"] = c.IntermediateSize, ["num_hidden_layers"] = c.LayerCount,
        ["num_attention_heads"] = c.AttentionHeadCount, ["num_key_value_heads"] = c.KeyValueHeadCount, ["head_dim"] = c.ResolvedHeadDim,
        ["rms_norm_eps"] = c.RmsNormEps, ["rope_theta"] = c.RopeTheta, ["vocab_size"] = c.VocabSize,
        ["tie_word_embeddings"] = c.TieWordEmbeddings, ["attention_bias"] = c.AttentionBias,
    };
    var start = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true };
    foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "decoder_bench.py"), Path.Combine(AppContext.BaseDirectory, "reference"), config.ToJsonString() })
    {
        start.ArgumentList.Add(arg);
    }

    foreach (var n in new[] { threads, prefill, decode, 1, blasThreads })
    {
        start.ArgumentList.Add(n.ToString(CultureInfo.InvariantCulture));
    }

    using var process = Process.Start(start) ?? throw new InvalidOperationException("cannot start /usr/bin/python3");
    var stderr = process.StandardError.ReadToEndAsync();
    var stdout = process.StandardOutput.ReadToEnd();
    process.WaitForExit();
    if (process.ExitCode != 0)
    {
        throw new InvalidOperationException("decoder_bench.py failed: " + stderr.Result);
    }

    return JsonNode.Parse(stdout)!.AsObject();
}

int IntOption(string name, int fallback) =>
    StringOption(name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;

string? StringOption(string name)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}

static string LoadAverage() =>
    File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "unknown";

static string CpuModel()
{
    var line = File.Exists("/proc/cpuinfo")
        ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))
        : null;
    return line?.Split(':', 2)[1].Trim() ?? "unknown";
}
