// benchmarks/torch: per-op overhead of tiny tensors and float32 matmul GFLOP/s through FastAV.Live.Torch vs PyTorch
// from Python, on the same BLAS, for each split of the cores between libtorch's intra-op pool and OpenBLAS's own pool;
// and both sides once more on Debian's reference BLAS (child processes with LD_LIBRARY_PATH on it) — what libtorch
// ran on before scripts/setup.sh selected OpenBLAS. One run, rounds alternating the sides.
// Usage: dotnet run -c Release --project benchmarks/torch [-- --configs 1x1,1x2,2x1,2x2 --iterations N --rounds N --out DIR]
//   a config TxB = T intra-op threads, B OpenBLAS threads. --matmul-only prints the shim's matmul JSON (used for the child).
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using FastAV.Live.Benchmarks;
using FastAV.Live.Torch;
using FastAV.Live.Torch.Benchmarks;

const string Usage = """
    benchmarks/torch: per-op overhead of tiny tensors and float32 matmul GFLOP/s through FastAV.Live.Torch vs PyTorch,
    on the same BLAS, for each split TxB of the cores (T intra-op threads, B OpenBLAS threads); both sides once more on
    Debian's reference BLAS. Writes OUT/torch-cpu.json and .md.

    usage: dotnet run -c Release --project benchmarks/torch [-- options]
      --configs LIST     thread splits TxB (default 1x1,1x2,2x1,2x2 on 2+ cores)
      --iterations N     tiny-op iterations (default 100000)
      --rounds N         alternating rounds (default 2)
      --out DIR          result folder (default benchmarks/results)
      --matmul-only      print the shim's matmul JSON only (the reference-BLAS child process)
      -h, --help         this help
    """;
if (args.Any(a => a is "--help" or "-h"))
{
    Console.WriteLine(Usage);
    return 0;
}

const string ReferenceBlasDirectory = "/usr/lib/x86_64-linux-gnu/blas";
var cores = Environment.ProcessorCount;
var configs = (StringOption("--configs") ?? (cores >= 2 ? "1x1,1x2,2x1,2x2" : "1x1"))
    .Split(',').Select(ThreadConfig.Parse).ToList();
var iterations = IntOption("--iterations", 100_000);
var rounds = IntOption("--rounds", 2);
var output = StringOption("--out") ?? Path.Combine(BenchmarkRepository.RootOrCurrentDirectory(), "benchmarks", "results");
var defaults = new ThreadConfig(1, cores); // the server's defaults: Inference:TorchThreads 1, Inference:BlasThreads one per core

if (args.Contains("--matmul-only"))
{
    Console.WriteLine(new JsonObject
    {
        ["blas_library"] = Torch.BlasLibrary,
        ["matmul_gflops"] = ToJson(Matmuls()),
    }.ToJsonString());
    return 0;
}

Console.WriteLine($"shim: libtorch {Torch.Version}; BLAS {Torch.BlasLibrary} ({Torch.BlasConfig}); {rounds} alternating rounds; configs {string.Join(", ", configs)}");
if (!Torch.IsOpenBlas)
{
    Console.Error.WriteLine("libtorch does not run on OpenBLAS here: run scripts/setup.sh first");
    return 1;
}

// Rounds alternate PyTorch and shim so background load hits both sides alike; each side keeps its best.
var matmul = new List<BenchmarkReport.MatmulRow>();
foreach (var config in configs)
{
    Dictionary<string, double> shim = [], python = [];
    for (var round = 0; round < rounds; round++)
    {
        Console.WriteLine($"{config}, round {round + 1}: pytorch, shim");
        Keep(python, MatmulsOf(RunPython(config, 0, referenceBlas: false)), Math.Max);
        config.Apply();
        Keep(shim, Matmuls(), Math.Max);
    }

    matmul.AddRange(shim.Select(s => new BenchmarkReport.MatmulRow(s.Key, config, s.Value, python[s.Key])));
}

// Tiny-op overhead does not depend on the BLAS: measured once, at the server's defaults.
Console.WriteLine($"tiny ops at {defaults}");
var shimTiny = new Dictionary<string, double>();
JsonObject? pythonTiny = null;
for (var round = 0; round < rounds; round++)
{
    var py = RunPython(defaults, iterations, referenceBlas: false)["tiny_ns"]!.AsObject();
    pythonTiny = pythonTiny is null ? py : Best(pythonTiny, py, Math.Min);
    defaults.Apply();
    Keep(shimTiny, ShimBenchmark.TinyOpNanoseconds(iterations), Math.Min);
}

// The reference BLAS (single-threaded), as libtorch ran before setup.sh selected OpenBLAS: one round each side.
BenchmarkReport.ReferenceBlas? reference = null;
if (File.Exists(Path.Combine(ReferenceBlasDirectory, "libblas.so.3")))
{
    Console.WriteLine("reference BLAS: pytorch, shim");
    var py = RunPython(new ThreadConfig(1, 1), 0, referenceBlas: true);
    var child = RunShimOnReferenceBlas();
    reference = new BenchmarkReport.ReferenceBlas(child["blas_library"]!.GetValue<string>(), MatmulsOf(child), MatmulsOf(py));
}

var machine = new JsonObject
{
    ["cpu"] = CpuModel(),
    ["cores"] = cores,
    ["libtorch"] = Torch.Version,
    ["blas_library"] = Torch.BlasLibrary,
    ["blas_config"] = Torch.BlasConfig,
    ["date"] = DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
    ["dotnet"] = Environment.Version.ToString(),
    ["rounds"] = rounds,
    ["load_average_1m"] = LoadAverage(),
    ["shared"] = "other engineers' builds and tests shared the machine",
};
BenchmarkReport.Write(output, machine, defaults, shimTiny, pythonTiny!, matmul, reference, RunPython(defaults, 0, false)["torch"]!.GetValue<string>());
Console.WriteLine(File.ReadAllText(Path.Combine(output, "torch-cpu.md")));
return 0;

static Dictionary<string, double> Matmuls() => new()
{
    ["1024x1024x1024"] = ShimBenchmark.MatmulGflops(1024, 1024, 1024),
    ["4096x512x4096"] = ShimBenchmark.MatmulGflops(4096, 512, 4096),
};

static Dictionary<string, double> MatmulsOf(JsonObject result) =>
    result["matmul_gflops"]!.AsObject().ToDictionary(p => p.Key, p => p.Value!.GetValue<double>());

static JsonObject ToJson(Dictionary<string, double> values)
{
    var o = new JsonObject();
    foreach (var (k, v) in values) o[k] = v;
    return o;
}

static void Keep(Dictionary<string, double> best, Dictionary<string, double> next, Func<double, double, double> pick)
{
    foreach (var (key, value) in next)
    {
        best[key] = best.TryGetValue(key, out var old) ? pick(old, value) : value;
    }
}

static JsonObject Best(JsonObject best, JsonObject next, Func<double, double, double> pick)
{
    foreach (var (key, value) in next)
    {
        best[key] = pick(best[key]!.GetValue<double>(), value!.GetValue<double>());
    }

    return best;
}

static string LoadAverage() =>
    File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "unknown";

int IntOption(string name, int fallback) =>
    StringOption(name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;

string? StringOption(string name)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}

static string CpuModel()
{
    var line = File.Exists("/proc/cpuinfo")
        ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))
        : null;
    return line?.Split(':', 2)[1].Trim() ?? "unknown";
}

static JsonObject RunPython(ThreadConfig config, int iterations, bool referenceBlas)
{
    var start = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true };
    start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "torch_bench.py"));
    foreach (var n in new[] { config.IntraOp, config.Blas, iterations })
    {
        start.ArgumentList.Add(n.ToString(CultureInfo.InvariantCulture));
    }

    if (referenceBlas) start.Environment["LD_LIBRARY_PATH"] = ReferenceBlasDirectory;
    return JsonNode.Parse(RunToEnd(start, "torch_bench.py"))!.AsObject();
}

// This benchmark again, in a child whose libblas.so.3 is the reference BLAS (LD_LIBRARY_PATH is searched before the
// alternatives' link), printing the shim's matmul JSON.
static JsonObject RunShimOnReferenceBlas()
{
    var host = Environment.ProcessPath!;
    var start = new ProcessStartInfo(host) { RedirectStandardOutput = true, RedirectStandardError = true };
    if (Path.GetFileNameWithoutExtension(host) == "dotnet") start.ArgumentList.Add(typeof(ShimBenchmark).Assembly.Location);
    start.ArgumentList.Add("--matmul-only");
    start.Environment["LD_LIBRARY_PATH"] = ReferenceBlasDirectory;
    return JsonNode.Parse(RunToEnd(start, "the reference-BLAS child"))!.AsObject();
}

static string RunToEnd(ProcessStartInfo start, string what)
{
    using var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {start.FileName}");
    var stderr = process.StandardError.ReadToEndAsync();
    var stdout = process.StandardOutput.ReadToEnd();
    process.WaitForExit();
    if (process.ExitCode != 0)
    {
        throw new InvalidOperationException($"{what} failed: " + stderr.Result);
    }

    return stdout;
}
