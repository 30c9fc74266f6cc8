// benchmarks/torch: per-op overhead of tiny tensors and float32 matmul GFLOP/s through
// FastAV.Live.Torch vs PyTorch from Python, same machine, same thread count, one run.
// Usage: dotnet run -c Release --project benchmarks/torch [-- --threads N --iterations N --out DIR]
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using FastAV.Live.Torch;
using FastAV.Live.Torch.Benchmarks;

var threads = IntOption("--threads", Environment.ProcessorCount);
var iterations = IntOption("--iterations", 100_000);
var rounds = IntOption("--rounds", 2);
var output = StringOption("--out") ?? Path.Combine(RepoRoot(), "benchmarks", "results");

Torch.ThreadCount = threads;
Console.WriteLine($"shim: libtorch {Torch.Version}, {Torch.ThreadCount} threads; {rounds} alternating rounds");

// Rounds alternate PyTorch and shim so background load hits both sides alike; each side keeps
// its best (lowest ns/op, highest GFLOP/s).
var shimTiny = new Dictionary<string, double>();
var shimMatmul = new Dictionary<string, double>();
JsonObject? python = null;
for (var round = 0; round < rounds; round++)
{
    Console.WriteLine($"round {round + 1}: pytorch");
    python = Best(python, RunPython(threads, iterations));
    Console.WriteLine($"round {round + 1}: shim");
    Keep(shimTiny, ShimBenchmark.TinyOpNanoseconds(iterations), Math.Min);
    Keep(shimMatmul, new Dictionary<string, double>
    {
        ["1024x1024x1024"] = ShimBenchmark.MatmulGflops(1024, 1024, 1024),
        ["4096x512x4096"] = ShimBenchmark.MatmulGflops(4096, 512, 4096),
    }, Math.Max);
}

var machine = new JsonObject
{
    ["cpu"] = CpuModel(),
    ["cores"] = Environment.ProcessorCount,
    ["threads"] = threads,
    ["libtorch"] = Torch.Version,
    ["date"] = DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
    ["dotnet"] = Environment.Version.ToString(),
};
machine["rounds"] = rounds;
machine["load_average_1m"] = LoadAverage();
BenchmarkReport.Write(output, machine, shimTiny, shimMatmul, python!);
Console.WriteLine(File.ReadAllText(Path.Combine(output, "torch-cpu.md")));
return 0;

static void Keep(Dictionary<string, double> best, Dictionary<string, double> next, Func<double, double, double> pick)
{
    foreach (var (key, value) in next)
    {
        best[key] = best.TryGetValue(key, out var old) ? pick(old, value) : value;
    }
}

static JsonObject Best(JsonObject? best, JsonObject next)
{
    if (best is null)
    {
        return next;
    }

    foreach (var (section, pick) in new (string, Func<double, double, double>)[] { ("tiny_ns", Math.Min), ("matmul_gflops", Math.Max) })
    {
        var b = best[section]!.AsObject();
        foreach (var (key, value) in next[section]!.AsObject())
        {
            b[key] = pick(b[key]!.GetValue<double>(), value!.GetValue<double>());
        }
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

static string RepoRoot()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
    {
        if (File.Exists(Path.Combine(dir.FullName, "FastAV.Live.sln")))
        {
            return dir.FullName;
        }
    }

    return Directory.GetCurrentDirectory();
}

static string CpuModel()
{
    var line = File.Exists("/proc/cpuinfo")
        ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))
        : null;
    return line?.Split(':', 2)[1].Trim() ?? "unknown";
}

static JsonObject RunPython(int threads, int iterations)
{
    var start = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true };
    start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "torch_bench.py"));
    start.ArgumentList.Add(threads.ToString(CultureInfo.InvariantCulture));
    start.ArgumentList.Add(iterations.ToString(CultureInfo.InvariantCulture));
    using var process = Process.Start(start) ?? throw new InvalidOperationException("cannot start /usr/bin/python3");
    var stderr = process.StandardError.ReadToEndAsync();
    var stdout = process.StandardOutput.ReadToEnd();
    process.WaitForExit();
    if (process.ExitCode != 0)
    {
        throw new InvalidOperationException("torch_bench.py failed: " + stderr.Result);
    }

    return JsonNode.Parse(stdout)!.AsObject();
}
