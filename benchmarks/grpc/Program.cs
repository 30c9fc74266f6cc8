using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using FastAV.Live.Benchmarks;
using FastAV.Live.Benchmarks.Grpc;

const string Usage = """
    benchmarks/grpc: our server (the InteropHost: TestService on the `fastav serve` gRPC pipeline, Grpc.AspNetCore) and
    the grpcio reference server side by side, the same client (Grpc.Net.Client), one run, rounds alternating: unary
    calls/s, bidi messages/s at 1 KiB and 256 KiB. Writes OUT/grpc-cpu.json and .md.

    usage: dotnet run -c Release --project benchmarks/grpc [-- options]
      --quick       fewer and shorter rounds (a smoke run)
      --out DIR     result folder (default benchmarks/results)
      --note TEXT   a line for the result's notes
      -h, --help    this help
    """;
if (args.Any(a => a is "--help" or "-h"))
{
    Console.WriteLine(Usage);
    return 0;
}

// dotnet run -c Release --project benchmarks/grpc [-- --quick] [--out benchmarks/results]
// Measures our server (the InteropHost: TestService on the `fastav serve` gRPC pipeline, Grpc.AspNetCore) and the
// grpcio reference server side by side, with the same client (Grpc.Net.Client), in one run, and writes
// grpc-cpu.json + grpc-cpu.md.
var quick = args.Contains("--quick");
var noteIndex = Array.IndexOf(args, "--note");
var note = noteIndex >= 0 ? args[noteIndex + 1] : "";
var outIndex = Array.IndexOf(args, "--out");
var outDir = outIndex >= 0 ? args[outIndex + 1] : Path.Combine(BenchmarkRepository.Root(), "benchmarks", "results");
var root = BenchmarkRepository.Root();
var interopHost = Path.Combine(root, "tests", "FastAV.Live.InteropHost", "bin", "Release", "net10.0", "FastAV.Live.InteropHost.dll");
if (!File.Exists(interopHost))
{
    Console.Error.WriteLine($"Build first: {interopHost} is missing (dotnet build -c Release).");
    return 2;
}

var unaryCalls = quick ? 500 : 5000;
var servers = new (string Name, string File, Func<int, string> Args)[]
{
    ("fastav (Grpc.AspNetCore 2.85 on Kestrel)", "dotnet", p => $"\"{interopHost}\" --port {p}"),
    ("grpcio 1.51 (Python reference)", "/usr/bin/python3", p => $"\"{Path.Combine(root, "clients", "python", "interop_server.py")}\" --port {p}"),
};

// Both servers run at once; rounds alternate between them so load from anything else on the machine
// hits both alike. Each figure is the median over the rounds.
var rounds = quick ? 1 : 3;
var started = new List<ServerProcess>();
foreach (var (name, file, arguments) in servers)
{
    started.Add(await ServerProcess.StartAsync(name, file, arguments));
}

var latencyRounds = started.ToDictionary(s => s.Name, _ => new List<LatencyResult>());
var throughputRounds = started.ToDictionary(s => s.Name, _ => new List<ThroughputResult>());
try
{
    for (var round = 0; round < rounds; round++)
    {
        foreach (var server in started)
        {
            Console.WriteLine($"round {round + 1}/{rounds}: {server.Name} (port {server.Port})");
            latencyRounds[server.Name].Add(await GrpcBenchmark.UnaryLatencyAsync(server.Name, server.Port, warmup: unaryCalls / 5, calls: unaryCalls));
            throughputRounds[server.Name].Add(await GrpcBenchmark.BidiThroughputAsync(server.Name, server.Port, 1024, quick ? 2000 : 20000, window: 64));
            throughputRounds[server.Name].Add(await GrpcBenchmark.BidiThroughputAsync(server.Name, server.Port, 256 * 1024, quick ? 300 : 1000, window: 8));
        }
    }
}
finally
{
    foreach (var server in started)
    {
        await server.DisposeAsync();
    }
}

var latencies = started.Select(s => MedianLatency(latencyRounds[s.Name])).ToList();
var throughputs = started.SelectMany(s => throughputRounds[s.Name].GroupBy(t => t.MessageBytes).Select(MedianThroughput)).ToList();

var machine = $"{Environment.ProcessorCount}-core {RuntimeInformation.ProcessArchitecture} CPU, {RuntimeInformation.OSDescription}, .NET {Environment.Version}";
var date = DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
Directory.CreateDirectory(outDir);
var json = JsonSerializer.Serialize(new { date, machine, client = "Grpc.Net.Client 2.85 (generated TestService client)", note, latencies, throughputs }, new JsonSerializerOptions { WriteIndented = true });
await File.WriteAllTextAsync(Path.Combine(outDir, "grpc-cpu.json"), json);

var md = new StringBuilder();
md.AppendLine(CultureInfo.InvariantCulture, $"# gRPC server benchmark — {date}, {machine}");
md.AppendLine();
md.AppendLine(CultureInfo.InvariantCulture, $"Same client (Grpc.Net.Client 2.85) against both servers, one run, loopback, {rounds} alternating round(s), medians. Ratio = ours / reference (latency: lower is better; throughput: higher is better).");
if (note.Length > 0)
{
    md.AppendLine();
    md.AppendLine(note);
}
md.AppendLine();
md.AppendLine("| server | unary p50 µs | p90 µs | p99 µs | calls/s |");
md.AppendLine("|---|---|---|---|---|");
foreach (var l in latencies)
{
    md.AppendLine(CultureInfo.InvariantCulture, $"| {l.Server} | {l.P50Us:F0} | {l.P90Us:F0} | {l.P99Us:F0} | {l.CallsPerSecond:F0} |");
}

md.AppendLine();
md.AppendLine("| server | bidi message | messages/s | MB/s (both directions) |");
md.AppendLine("|---|---|---|---|");
foreach (var t in throughputs)
{
    md.AppendLine(CultureInfo.InvariantCulture, $"| {t.Server} | {t.MessageBytes / 1024} KiB | {t.MessagesPerSecond:F0} | {t.MegabytesPerSecond:F1} |");
}

md.AppendLine();
md.AppendLine(CultureInfo.InvariantCulture, $"Ratios (ours / reference): unary calls/s {latencies[0].CallsPerSecond / latencies[1].CallsPerSecond:F2}, p50 latency {latencies[0].P50Us / latencies[1].P50Us:F2}, p99 {latencies[0].P99Us / latencies[1].P99Us:F2}; "
    + $"bidi 1 KiB throughput {throughputs[0].MessagesPerSecond / throughputs[2].MessagesPerSecond:F2}, 256 KiB {throughputs[1].MessagesPerSecond / throughputs[3].MessagesPerSecond:F2}.");
await File.WriteAllTextAsync(Path.Combine(outDir, "grpc-cpu.md"), md.ToString());
Console.WriteLine(md.ToString());
return 0;

static LatencyResult MedianLatency(List<LatencyResult> all)
{
    var sorted = all.OrderBy(l => l.P50Us).ToList();
    return sorted[sorted.Count / 2];
}

static ThroughputResult MedianThroughput(IEnumerable<ThroughputResult> all)
{
    var sorted = all.OrderBy(t => t.MessagesPerSecond).ToList();
    return sorted[sorted.Count / 2];
}
