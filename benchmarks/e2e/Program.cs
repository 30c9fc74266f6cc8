using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using FastAV.Live.Benchmarks.E2e;
using FastAV.Live.Contracts.V1;

// Usage: dotnet run -c Release --project benchmarks/e2e [-- --seconds 10 --max-streams 250 --limit-ms 1000]
// Starts two `fastav serve` processes (the Release build, embedded models/fastav-tiny): one running each engine step as
// one batched forward over all streams (the default), one with Inference:BatchStreams=false (one forward per stream).
// For each server × pruning policy (unpruned, FastAV) it streams N clips in real time at once, N = 1, 2, 4, 6, 9, ...,
// and records the p95 latency of the standing answers and the windows dropped. A level is sustained when p95 < the
// limit and nothing was dropped. Writes benchmarks/results/e2e-cpu.{json,md}.
var seconds = Arg("--seconds", 10);
var maxStreams = Arg("--max-streams", 250);
var limitMs = Arg("--limit-ms", 1000);
var root = FindRoot();
var clipsFile = Path.Combine(Path.GetTempPath(), $"fastav-e2e-clips-{Environment.ProcessId}.json");
Run("/usr/bin/python3", [Path.Combine(root, "tests", "reference", "tiny_clips.py"), "--seed", "3001", "--count", "4", "--out", clipsFile]);
var clips = BenchClip.Load(clipsFile);

var servers = new Dictionary<bool, (Process Process, int Port)>();
try
{
    foreach (var batched in new[] { true, false })
    {
        var port = FreePort();
        servers[batched] = (StartServer(root, port, batched), port);
        await WaitForPortAsync(port);
    }

    var channels = servers.ToDictionary(s => s.Key, s => Grpc.Net.Client.GrpcChannel.ForAddress(new Uri($"http://127.0.0.1:{s.Value.Port}")));
    foreach (var channel in channels.Values)
    {
        await StreamLoad.RunLevelAsync(channel, clips, 1, 3, PruningPolicy.None, "warmup"); // JIT and first-touch costs stay out of the numbers
    }

    // Levels alternate the four configurations at each stream count, so machine drift hits all alike.
    (bool Batched, PruningPolicy Policy)[] configs = [(false, PruningPolicy.None), (false, PruningPolicy.Fastav), (true, PruningPolicy.None), (true, PruningPolicy.Fastav)];
    var rows = new List<(bool Batched, StreamLoad.Level Level)>();
    var best = configs.ToDictionary(c => c, _ => 0);
    var alive = configs.ToHashSet();
    for (var n = 1; n <= maxStreams && alive.Count > 0; n = n < 4 ? n * 2 : n + (n / 2))
    {
        foreach (var config in configs.Where(alive.Contains))
        {
            var level = await StreamLoad.RunLevelAsync(channels[config.Batched], clips, n, seconds, config.Policy, $"{Name(config.Batched, config.Policy).Replace(' ', '-')}-{n}");
            rows.Add((config.Batched, level));
            Console.WriteLine($"{Name(config.Batched, config.Policy),-20} {n,3} streams: p50 {level.P50Ms,7:F1} ms  p95 {level.P95Ms,7:F1} ms  answers {level.Answers,5}  windows {level.WindowsPrefilled,5} prefilled {level.WindowsDropped,4} dropped");
            if (level.P95Ms < limitMs && level.WindowsDropped == 0 && level.Answers > 0) best[config] = n;
            else alive.Remove(config);
        }
    }

    var result = new JsonObject
    {
        ["benchmark"] = "e2e",
        ["machine"] = $"{Environment.ProcessorCount} cores, {RuntimeInfo()}",
        ["date"] = DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        ["model"] = "models/fastav-tiny",
        ["stream"] = $"{seconds} s per level, real time: 2 RGB frames (32x32) + 1 s f32 PCM per second; standing questions every 2 s (2 per stream)",
        ["latency_limit_ms"] = limitMs,
        ["max_sustained_streams"] = new JsonObject(configs.Select(c => KeyValuePair.Create(Name(c.Batched, c.Policy), (JsonNode?)best[c]))),
        ["sustained_ratio_fastav_vs_unpruned_batched"] = Ratio(best[(true, PruningPolicy.Fastav)], best[(true, PruningPolicy.None)]),
        ["sustained_ratio_batched_vs_one_by_one_fastav"] = Ratio(best[(true, PruningPolicy.Fastav)], best[(false, PruningPolicy.Fastav)]),
        ["levels"] = new JsonArray(rows.Select(r => (JsonNode)new JsonObject
        {
            ["engine_steps"] = r.Batched ? "batched" : "one by one",
            ["policy"] = r.Level.Policy == PruningPolicy.None ? "none" : "fastav",
            ["streams"] = r.Level.Streams,
            ["answers"] = r.Level.Answers,
            ["p50_ms"] = Math.Round(r.Level.P50Ms, 1),
            ["p95_ms"] = Math.Round(r.Level.P95Ms, 1),
            ["windows_prefilled"] = r.Level.WindowsPrefilled,
            ["windows_dropped"] = r.Level.WindowsDropped,
            ["ingest_flops_ratio"] = Math.Round(r.Level.FlopsRatio, 3),
        }).ToArray()),
    };
    var results = Path.Combine(root, "benchmarks", "results");
    Directory.CreateDirectory(results);
    await File.WriteAllTextAsync(Path.Combine(results, "e2e-cpu.json"), result.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
    await File.WriteAllTextAsync(Path.Combine(results, "e2e-cpu.md"), Markdown(result, rows, configs.Select(c => (Name(c.Batched, c.Policy), best[c])).ToList(), limitMs));
    Console.WriteLine("max sustained streams: " + string.Join(", ", configs.Select(c => $"{Name(c.Batched, c.Policy)} {best[c]}")));
    foreach (var channel in channels.Values) channel.Dispose();
}
finally
{
    foreach (var (process, _) in servers.Values)
    {
        process.Kill(entireProcessTree: true);
        process.Dispose();
    }

    File.Delete(clipsFile);
}

return 0;

static string Name(bool batched, PruningPolicy policy) => $"{(batched ? "batched" : "one-by-one")} {(policy == PruningPolicy.None ? "unpruned" : "FastAV")}";

static double? Ratio(int a, int b) => b == 0 ? null : Math.Round((double)a / b, 3);

static Process StartServer(string root, int port, bool batched)
{
    var server = Process.Start(new ProcessStartInfo("dotnet", [Path.Combine(root, "src", "FastAV.Live.Server", "bin", "Release", "net10.0", "fastav.dll"), "serve", "--urls", $"http://127.0.0.1:{port}", "--Server:HttpUrls=", "--LiveAnalytics:MaxConcurrentStreams", "512", "--Inference:BatchStreams", batched ? "true" : "false"])
    {
        RedirectStandardOutput = true,
        RedirectStandardError = true,
    })!;
    server.OutputDataReceived += (_, _) => { };
    server.ErrorDataReceived += (_, _) => { };
    server.BeginOutputReadLine();
    server.BeginErrorReadLine();
    return server;
}

static string Markdown(JsonObject result, List<(bool Batched, StreamLoad.Level Level)> rows, List<(string Name, int Streams)> best, int limitMs)
{
    var md = new StringBuilder();
    md.AppendLine(CultureInfo.InvariantCulture, $"# End to end: concurrent real-time streams ({result["date"]}, {result["machine"]})");
    md.AppendLine();
    md.AppendLine(CultureInfo.InvariantCulture, $"`fastav serve` with models/fastav-tiny on CPU; {result["stream"]}. Two servers side by side: engine steps as one batched forward over every stream (default) and one forward per stream (`Inference:BatchStreams=false`). A level is sustained when the p95 standing-answer latency is under {limitMs} ms and no window was dropped.");
    md.AppendLine();
    md.AppendLine("**Max sustained streams:** " + string.Join(", ", best.Select(b => $"{b.Name} {b.Streams}")) + " (measured in one run, levels alternating).");
    md.AppendLine();
    md.AppendLine("| engine steps | policy | streams | answers | p50 ms | p95 ms | windows prefilled | dropped | ingest FLOPs ratio |");
    md.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|");
    foreach (var (batched, r) in rows)
    {
        md.AppendLine(CultureInfo.InvariantCulture, $"| {(batched ? "batched" : "one by one")} | {(r.Policy == PruningPolicy.None ? "none" : "fastav")} | {r.Streams} | {r.Answers} | {r.P50Ms:F1} | {r.P95Ms:F1} | {r.WindowsPrefilled} | {r.WindowsDropped} | {r.FlopsRatio:F3} |");
    }

    return md.ToString();
}

static void Run(string file, string[] args)
{
    using var p = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardOutput = true })!;
    p.StandardOutput.ReadToEnd();
    p.WaitForExit();
    if (p.ExitCode != 0) throw new InvalidOperationException($"{file} exited with {p.ExitCode}");
}

static async Task WaitForPortAsync(int port)
{
    for (var i = 0; i < 300; i++)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync("127.0.0.1", port);
            return;
        }
        catch (SocketException)
        {
            await Task.Delay(100);
        }
    }

    throw new TimeoutException("fastav serve did not start listening");
}

static int FreePort()
{
    var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
    listener.Start();
    var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    listener.Stop();
    return port;
}

static string RuntimeInfo() => System.Runtime.InteropServices.RuntimeInformation.OSDescription.Trim();

static string FindRoot()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
    {
        if (File.Exists(Path.Combine(dir.FullName, "FastAV.Live.sln"))) return dir.FullName;
    }

    throw new InvalidOperationException("run from inside the repository");
}

int Arg(string name, int fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
}
