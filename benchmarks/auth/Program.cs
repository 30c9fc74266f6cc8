using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using FastAV.Live.Benchmarks;
using FastAV.Live.Benchmarks.Auth;
using FastAV.Live.Contracts.V1;
using Google.Protobuf;
using Grpc.Core;

const string Usage = """
    benchmarks/auth: what tenants cost. The real server (ingest only) open, with a tenants file of 1,000 tenants (the
    caller's key hash compared with all 1,000, as every key is), and with that file plus quotas on the caller; the same
    client and bearer key for all three; sequential ListStreams calls and 320-byte audio chunks on one Stream call;
    rounds alternate the configurations; figures are medians. Writes OUT/auth-cpu.json and .md.

    usage: dotnet run -c Release --project benchmarks/auth [-- options]
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

// dotnet run -c Release --project benchmarks/auth [-- --quick] [--out benchmarks/results] [--note TEXT]
// What tenants cost: the real server (ingest only) open, with a tenants file of 1,000 tenants (the caller's key hash is
// compared with all 1,000, as every key is), and with that file plus quotas on the caller (media and Ask buckets
// charged, never refusing). The same client sends the same bearer key to all three (the open server ignores it).
// Workloads: sequential ListStreams calls (latency, calls/s) and 320-byte audio chunks on one Stream call (messages/s).
// Rounds alternate the configurations so load from elsewhere on the machine hits them alike; figures are medians.
// Writes auth-cpu.json + auth-cpu.md.
var quick = args.Contains("--quick");
var note = Arg("--note") ?? "";
var outDir = Arg("--out") ?? Path.Combine(BenchmarkRepository.Root(), "benchmarks", "results");
var rounds = quick ? 1 : 5;
var unaryCalls = quick ? 500 : 4000;
var mediaMessages = quick ? 2000 : 20000;
const int Tenants = 1000;
const string Key = "benchmark-key-of-the-last-tenant";

var directory = Directory.CreateTempSubdirectory("fastav-auth-bench-").FullName;
string TenantsFile(bool quotas)
{
    var tenants = new JsonArray();
    for (var i = 0; i < Tenants; i++)
    {
        var key = i == Tenants - 1 ? Key : $"other-key-{i}";
        var tenant = new JsonObject
        {
            ["name"] = $"tenant-{i}",
            ["keys"] = new JsonArray("sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))),
            ["roles"] = new JsonArray("stream", "ask", "read"),
        };
        if (quotas)
        {
            tenant["quotas"] = new JsonObject { ["maxStreams"] = 100, ["maxStandingQuestions"] = 16, ["maxAsksPerSecond"] = 1e6, ["maxMediaBytesPerSecond"] = 1e12 };
        }

        tenants.Add(tenant);
    }

    var path = Path.Combine(directory, quotas ? "tenants-quotas.json" : "tenants.json");
    File.WriteAllText(path, new JsonObject { ["tenants"] = tenants }.ToJsonString());
    return path;
}

// The key lookup alone: SHA-256 of the presented key, then a constant-time comparison with every stored hash.
var lookupFile = FastAV.Live.Server.Tenants.TenantsFile.Load(TenantsFile(quotas: false));
var lookups = quick ? 20_000 : 200_000;
for (var i = 0; i < lookups / 10; i++)
{
    _ = lookupFile.FindByKey(Key);
}

var lookupWatch = Stopwatch.StartNew();
for (var i = 0; i < lookups; i++)
{
    _ = lookupFile.FindByKey(i % 2 == 0 ? Key : "no-such-key");
}

lookupWatch.Stop();
var lookupUs = lookupWatch.Elapsed.TotalMicroseconds / lookups;

var servers = new List<TrustServer>
{
    await TrustServer.StartAsync("open (no tenants file)"),
    await TrustServer.StartAsync($"API key, {Tenants} tenants", "--Auth:ApiKeysFile", TenantsFile(quotas: false)),
    await TrustServer.StartAsync($"API key, {Tenants} tenants, quotas", "--Auth:ApiKeysFile", TenantsFile(quotas: true), "--Quotas:MaxMediaBytesPerSecond", "1e12", "--Quotas:MaxAsksPerSecond", "1e6"),
};
var headers = new Metadata { { "authorization", "Bearer " + Key } };
var unary = servers.ToDictionary(s => s.Name, _ => new List<(double P50, double P99, double PerSecond)>());
var media = servers.ToDictionary(s => s.Name, _ => new List<double>());
try
{
    foreach (var server in servers)
    {
        using var channel = server.CreateChannel();
        await UnaryAsync(channel, unaryCalls / 4); // JIT and connection set-up stay out of the numbers
        await MediaAsync(channel, "warm-up", mediaMessages / 4);
    }

    for (var round = 0; round < rounds; round++)
    {
        foreach (var server in servers)
        {
            Console.WriteLine($"round {round + 1}/{rounds}: {server.Name}");
            using var channel = server.CreateChannel();
            unary[server.Name].Add(await UnaryAsync(channel, unaryCalls));
            media[server.Name].Add(await MediaAsync(channel, $"bench-{round}", mediaMessages));
        }
    }
}
finally
{
    foreach (var server in servers)
    {
        await server.DisposeAsync();
    }

    Directory.Delete(directory, recursive: true);
}

var rows = servers.Select(s => new
{
    server = s.Name,
    unaryP50Us = Median(unary[s.Name].Select(u => u.P50)),
    unaryP99Us = Median(unary[s.Name].Select(u => u.P99)),
    unaryCallsPerSecond = Median(unary[s.Name].Select(u => u.PerSecond)),
    mediaMessagesPerSecond = Median(media[s.Name]),
}).ToList();
var machine = $"{Environment.ProcessorCount}-core {RuntimeInformation.ProcessArchitecture} CPU, {RuntimeInformation.OSDescription}, .NET {Environment.Version}";
var date = DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
Directory.CreateDirectory(outDir);
await File.WriteAllTextAsync(Path.Combine(outDir, "auth-cpu.json"), JsonSerializer.Serialize(new { date, machine, rounds, unaryCalls, mediaMessages, tenants = Tenants, keyLookupUs = lookupUs, note, rows }, new JsonSerializerOptions { WriteIndented = true }));

var md = new StringBuilder();
md.AppendLine(CultureInfo.InvariantCulture, $"# Authentication and quota cost — {date}, {machine}");
md.AppendLine();
md.AppendLine(CultureInfo.InvariantCulture, $"The real server (ingest only, in this process) in three configurations, the same Grpc.Net.Client client and bearer key, loopback, {rounds} alternating round(s), medians. Unary: {unaryCalls} sequential ListStreams calls. Media: {mediaMessages} audio chunks of 320 bytes on one Stream call, to its final StreamStats. Ratio = configuration / open.");
if (note.Length > 0)
{
    md.AppendLine();
    md.AppendLine(note);
}

md.AppendLine();
md.AppendLine("| server | ListStreams p50 µs | p99 µs | calls/s | media messages/s |");
md.AppendLine("|---|---|---|---|---|");
foreach (var row in rows)
{
    md.AppendLine(CultureInfo.InvariantCulture, $"| {row.server} | {row.unaryP50Us:0} | {row.unaryP99Us:0} | {row.unaryCallsPerSecond:0} | {row.mediaMessagesPerSecond:0} |");
}

md.AppendLine();
md.AppendLine(CultureInfo.InvariantCulture, $"Key lookup alone (SHA-256 of the key, constant-time comparison with all {Tenants} stored hashes, found and not found alternating): {lookupUs:0.0} µs.");
md.AppendLine();
foreach (var row in rows.Skip(1))
{
    md.AppendLine(CultureInfo.InvariantCulture, $"- {row.server}: calls/s {row.unaryCallsPerSecond / rows[0].unaryCallsPerSecond:0.00}, p50 {row.unaryP50Us / rows[0].unaryP50Us:0.00}, media messages/s {row.mediaMessagesPerSecond / rows[0].mediaMessagesPerSecond:0.00} of open.");
}

await File.WriteAllTextAsync(Path.Combine(outDir, "auth-cpu.md"), md.ToString());
Console.Write(md.ToString());
return 0;

async Task<(double P50, double P99, double PerSecond)> UnaryAsync(Grpc.Net.Client.GrpcChannel channel, int calls)
{
    var client = new LiveAnalytics.LiveAnalyticsClient(channel);
    var samples = new double[calls];
    var total = Stopwatch.StartNew();
    for (var i = 0; i < calls; i++)
    {
        var start = Stopwatch.GetTimestamp();
        await client.ListStreamsAsync(new ListStreamsRequest(), headers);
        samples[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
    }

    total.Stop();
    Array.Sort(samples);
    return (samples[calls / 2], samples[(int)(calls * 0.99)], calls / total.Elapsed.TotalSeconds);
}

async Task<double> MediaAsync(Grpc.Net.Client.GrpcChannel channel, string streamId, int messages)
{
    using var call = new LiveAnalytics.LiveAnalyticsClient(channel).Stream(headers);
    var watch = Stopwatch.StartNew();
    await call.RequestStream.WriteAsync(new StreamRequest
    {
        Open = new StreamOpen { StreamId = streamId, Audio = new AudioFormat { Codec = AudioCodec.PcmS16Le, SampleRateHz = 16000, Channels = 1 } },
    });
    var chunk = ByteString.CopyFrom(new byte[320]);
    for (var i = 0; i < messages; i++)
    {
        await call.RequestStream.WriteAsync(new StreamRequest { Audio = new AudioChunk { PtsUs = i * 10_000L, Data = chunk } });
    }

    await call.RequestStream.CompleteAsync();
    StreamStats? final = null;
    while (await call.ResponseStream.MoveNext())
    {
        if (call.ResponseStream.Current.Stats is { Final: true } stats)
        {
            final = stats;
        }
    }

    watch.Stop();
    if (final is null || final.AudioChunksAccepted != (ulong)messages)
    {
        throw new InvalidOperationException($"{streamId}: expected {messages} accepted chunks, got {final}");
    }

    return messages / watch.Elapsed.TotalSeconds;
}

static double Median(IEnumerable<double> values)
{
    var sorted = values.Order().ToArray();
    return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
}

string? Arg(string name)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}
