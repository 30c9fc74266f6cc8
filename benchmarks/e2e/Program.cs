using System.Diagnostics;
using System.Globalization;
using FastAV.Live.Benchmarks.E2e;
using FastAV.Live.LoadTests.Scenarios;
using FastAV.Live.LoadTests.Streaming;

// dotnet run -c Release --no-build --project benchmarks/e2e [-- --models fastav-tiny,camera-scale ...]   (--help lists every option)
// Capacity of `fastav serve` with and without FastAV for models/fastav-tiny and the camera-scale model, in one run:
// the load generator's capacity search (loadtests/) over real H.264 + PCM cameras in real time; writes
// benchmarks/results/e2e-capacity.{json,md}.
E2eOptions o;
try
{
    o = E2eOptions.Parse(args);
}
catch (FormatException e)
{
    Console.Error.WriteLine($"e2e: {e.Message}");
    return 2;
}

if (o.Help)
{
    Console.WriteLine(E2eOptions.Usage);
    return 0;
}

var root = WorldClip.RepositoryRoot() ?? throw new InvalidOperationException("run from inside the repository");
var started = DateTime.UtcNow;
var loadAtStart = LoadAverageSampler.Read() ?? double.NaN;
var exe = LocalServer.DefaultExecutable() ?? throw new InvalidOperationException("no Release build of fastav: dotnet build src/FastAV.Live.Server -c Release");
var media = Path.Combine(Path.GetTempPath(), $"fastav-e2e-{Environment.ProcessId}");
var servers = new List<ArmServer>();
using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};

try
{
    var cameraModel = Path.GetFullPath(o.CameraModel, root);
    if (o.Models.Contains("camera-scale") && !File.Exists(Path.Combine(cameraModel, "fastav.json")))
    {
        Console.WriteLine($"camera-scale: generating {cameraModel} (scripts/make-camera-model.py, random weights — capacity only)");
        Run("/usr/bin/python3", [Path.Combine(root, "scripts", "make-camera-model.py"), "--out", cameraModel]);
    }

    foreach (var model in o.Models)
    {
        var size = model == "camera-scale" ? o.CameraVideoSize : "";
        Console.WriteLine($"{model}: world clip (H.264 {(size.Length == 0 ? "32x32" : size)} + PCM, 60 s)");
        var clip = MediaClip.Load(await WorldClip.GenerateAsync(Path.Combine(media, model), 60, o.Seed, size, cancel.Token));
        foreach (var batched in o.Engines)
        {
            List<string> serve = ["--LiveAnalytics:MaxConcurrentStreams", "4096", "--Inference:BatchStreams", batched ? "true" : "false"];
            if (model == "camera-scale") serve.AddRange(["--model", cameraModel]);
            serve.AddRange(o.ServeArguments);
            var server = await LocalServer.StartAsync(exe, serve, 0, TimeSpan.FromMinutes(3), cancel.Token);
            servers.Add(new ArmServer(model, batched, server, new Fleet(new Uri($"http://{server.Target}"), clip, 4), WindowSeconds(model == "camera-scale" ? cameraModel : Path.Combine(root, "models", "fastav-tiny"))));
            Console.WriteLine($"{model}: fastav serve {string.Join(' ', serve)} on {server.Target} (pid {server.Pid})");
        }
    }

    var bench = new CapacityBench(o, servers, Console.WriteLine);
    await bench.RunAsync(cancel.Token);
    var machine = $"{Environment.MachineName}, {Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription.Trim()}, .NET {Environment.Version}";
    var command = "dotnet run -c Release --no-build --project benchmarks/e2e" + (args.Length == 0 ? "" : " -- " + string.Join(' ', args));
    var notes = new List<string>
    {
        "camera-scale: random weights — capacity only (scripts/make-camera-model.py); its answers carry no meaning and never stop early, so every answer runs to max_tokens on both policies",
        "FastAV = the stream default policy: fastav-tiny's calibrated rule (models/fastav-tiny/fastav.json), camera-scale's keep_rule (first 77 of 153 media tokens at layer 14, then P = 20 % per later layer); unpruned = PRUNING_POLICY_NONE",
    };
    notes.AddRange(o.Notes);
    var folders = o.Models.ToDictionary(m => m, m => m == "camera-scale" ? cameraModel : Path.Combine(root, "models", "fastav-tiny"));
    var result = E2eReport.Json(bench, o, machine, started, loadAtStart, command, notes, folders);
    await E2eReport.WriteAsync(result, Path.GetFullPath(o.Out, root), o.Name);
    foreach (var row in result["rows"]!.AsArray()) Console.WriteLine($"{row!["model"]} {row["policy"]} ({row["engine_steps"]}): {row["max_streams"]} streams, p95 {row["p95_ms"]} ms, FLOPs ratio {row["flops_ratio"]}, prefill {row["prefill_ms"]} ms, KV {row["kv_bytes_per_stream"]} B");
    Console.WriteLine($"results: {Path.Combine(Path.GetFullPath(o.Out, root), o.Name)}.{{json,md}}");
    return bench.Result!.Error is null ? 0 : 1;
}
finally
{
    foreach (var s in servers)
    {
        s.Fleet.Dispose();
        await s.Server.DisposeAsync();
    }

    if (Directory.Exists(media)) Directory.Delete(media, recursive: true);
}

// A window prefilled is this many seconds of one stream's media (fastav.json window_seconds; 1 when unset).
static double WindowSeconds(string modelFolder) =>
    System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(modelFolder, "fastav.json")))?["window_seconds"]?.GetValue<double>() ?? 1.0;

static void Run(string file, string[] arguments)
{
    using var p = Process.Start(new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true })!;
    var stderr = p.StandardError.ReadToEndAsync();
    p.StandardOutput.ReadToEnd();
    p.WaitForExit();
    if (p.ExitCode != 0) throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"{file} {string.Join(' ', arguments)} exited with {p.ExitCode}: {stderr.Result}"));
}
