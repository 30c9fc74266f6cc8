using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using FastAV.Live.Media;

// Usage: dotnet run -c Release --project benchmarks/media [-- --threads N --hour-minutes M]
// Writes benchmarks/results/media-cpu.json and .md (relative to the repo root found from the working directory).
var threads = ArgValue("--threads", Environment.ProcessorCount);
var simulatedMinutes = ArgValue("--hour-minutes", 60);
var work = Path.Combine(Path.GetTempPath(), "fastav-media-bench-" + Environment.ProcessId);
Directory.CreateDirectory(work);
try
{
    var clip = Path.Combine(work, "1080p.mkv");
    Ffmpeg($"-f lavfi -i testsrc2=size=1920x1080:rate=30 -t 6 -c:v libx264 -preset veryfast -bf 2 -g 60 -pix_fmt yuv420p \"{clip}\"");
    var packets = ReadVideo(clip);

    var ffmpegNull = Time(() => Ffmpeg($"-threads {threads} -i \"{clip}\" -f null -"));
    var ffmpegRgb = Time(() => Ffmpeg($"-threads {threads} -i \"{clip}\" -pix_fmt rgb24 -f null -"));
    var sampled = 0;
    var ours = Time(() =>
    {
        using var decoder = new VideoDecoder(VideoCodec.H264, new VideoDecoderOptions { MaxWidth = 1920, MaxHeight = 1080, Threads = threads });
        var sampler = new FrameSampler(new FrameSamplerOptions { Fps = 2 });
        foreach (var p in packets)
        {
            foreach (var f in decoder.Decode(p))
            {
                sampled += sampler.Push(f).Count;
            }
        }

        foreach (var f in decoder.Flush())
        {
            sampled += sampler.Push(f).Count;
        }
    });
    var frames = packets.Count;
    var rss = SimulateLongStream(work, simulatedMinutes);

    var result = new Dictionary<string, object>
    {
        ["date"] = DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        ["machine"] = $"{Environment.ProcessorCount} cores, CPU only",
        ["clip"] = "testsrc2 1920x1080 30 fps 6 s, libx264 veryfast, 2 B-frames",
        ["threads"] = threads,
        ["frames"] = frames,
        ["ours_decode_rgb_sample_fps"] = Round(frames / ours),
        ["ffmpeg_null_fps"] = Round(frames / ffmpegNull),
        ["ffmpeg_rgb24_null_fps"] = Round(frames / ffmpegRgb),
        ["ratio_vs_ffmpeg_null"] = Round(ffmpegNull / ours),
        ["ratio_vs_ffmpeg_rgb24"] = Round(ffmpegRgb / ours),
        ["sampled_frames_at_2fps"] = sampled,
        ["long_stream"] = rss,
    };
    var root = FindRepoRoot();
    var results = Path.Combine(root, "benchmarks", "results");
    Directory.CreateDirectory(results);
    var json = JsonSerializer.Serialize(result, new JsonSerializerOptions { WriteIndented = true });
    File.WriteAllText(Path.Combine(results, "media-cpu.json"), json + "\n");
    File.WriteAllText(Path.Combine(results, "media-cpu.md"), Markdown(result, rss));
    Console.WriteLine(json);
}
finally
{
    Directory.Delete(work, recursive: true);
}

// One simulated hour: a 320x180 10 fps H.264 + 16 kHz PCM stream (a 10 s clip replayed with shifted pts)
// through decoder → sampler → window assembler; RSS after 5 simulated minutes vs at the end.
static Dictionary<string, object> SimulateLongStream(string work, int minutes)
{
    var clip = Path.Combine(work, "small.mkv");
    Ffmpeg($"-f lavfi -i testsrc2=size=320x180:rate=10 -f lavfi -i sine=frequency=440:sample_rate=16000 -t 10 -c:v libx264 -preset ultrafast -g 20 -c:a pcm_s16le \"{clip}\"");
    var all = new List<MediaPacket>();
    using (var source = MediaSource.Open(clip))
    {
        while (source.ReadPacket() is { } p)
        {
            all.Add(p);
        }
    }

    using var video = new VideoDecoder(VideoCodec.H264);
    using var audio = new AudioDecoder(AudioCodec.PCM_S16LE, 16000, 1);
    var sampler = new FrameSampler(new FrameSamplerOptions { Fps = 2 });
    var assembler = new WindowAssembler(new WindowAssemblerOptions { WindowSeconds = 1 });
    var windows = 0L;
    long warmRss = 0;
    var clock = Stopwatch.StartNew();
    var loops = minutes * 6;
    for (var loop = 0; loop < loops; loop++)
    {
        var offset = loop * 10_000_000L;
        foreach (var p in all)
        {
            if (p is VideoPacket v)
            {
                foreach (var f in video.Decode(v with { PtsMicroseconds = v.PtsMicroseconds + offset }))
                {
                    foreach (var s in sampler.Push(f))
                    {
                        windows += assembler.AddFrame(s).Count;
                    }
                }
            }
            else if (p is AudioPacket a && audio.Decode(a with { PtsMicroseconds = a.PtsMicroseconds + offset }) is { } block)
            {
                windows += assembler.AddAudio(block).Count;
            }
        }

        if (loop == 30)
        {
            GC.Collect();
            warmRss = Rss();
        }
    }

    GC.Collect();
    var endRss = Rss();
    return new Dictionary<string, object>
    {
        ["media_minutes"] = minutes,
        ["stream"] = "320x180 10 fps H.264 + 16 kHz PCM, sampled at 2 fps, 1 s windows",
        ["windows"] = windows,
        ["video_frames"] = video.Stats.FrameCount,
        ["wall_seconds"] = Round(clock.Elapsed.TotalSeconds),
        ["rss_after_5_min_mb"] = Round(warmRss / 1048576.0),
        ["rss_end_mb"] = Round(endRss / 1048576.0),
        ["rss_growth_mb"] = Round((endRss - warmRss) / 1048576.0),
    };
}

static string Markdown(Dictionary<string, object> r, Dictionary<string, object> rss) => string.Join("\n",
[
    $"# Media benchmark (CPU, {r["machine"]}, {r["date"]})",
    "",
    $"Clip: {r["clip"]}; {r["frames"]} frames; {r["threads"]} decoder threads.",
    "",
    "| pipeline | frames/s | ours ÷ ffmpeg (throughput) |",
    "|---|---|---|",
    $"| FastAV VideoDecoder → RGB24 → FrameSampler (2 fps) | {r["ours_decode_rgb_sample_fps"]} | — |",
    $"| `ffmpeg -threads N -f null` (decode only) | {r["ffmpeg_null_fps"]} | {r["ratio_vs_ffmpeg_null"]} |",
    $"| `ffmpeg -threads N -pix_fmt rgb24 -f null` | {r["ffmpeg_rgb24_null_fps"]} | {r["ratio_vs_ffmpeg_rgb24"]} |",
    "",
    $"Long stream: {rss["media_minutes"]} min of media ({rss["stream"]}), {rss["windows"]} windows, {rss["wall_seconds"]} s wall.",
    $"RSS after 5 min {rss["rss_after_5_min_mb"]} MB, at end {rss["rss_end_mb"]} MB: growth {rss["rss_growth_mb"]} MB (target < 5 MB).",
    "",
]);

static List<VideoPacket> ReadVideo(string path)
{
    using var source = MediaSource.Open(path);
    var packets = new List<VideoPacket>();
    while (source.ReadPacket() is { } p)
    {
        if (p is VideoPacket v)
        {
            packets.Add(v);
        }
    }

    return packets;
}

static double Time(Action action)
{
    var clock = Stopwatch.StartNew();
    action();
    return clock.Elapsed.TotalSeconds;
}

static void Ffmpeg(string arguments)
{
    using var process = Process.Start(new ProcessStartInfo("ffmpeg", "-hide_banner -loglevel error -nostdin -y " + arguments) { RedirectStandardError = true })!;
    var stderr = process.StandardError.ReadToEnd();
    process.WaitForExit();
    if (process.ExitCode != 0)
    {
        throw new InvalidOperationException($"ffmpeg {arguments}: {stderr}");
    }
}

static long Rss()
{
    var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
    return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
}

static double Round(double v) => Math.Round(v, 2);

static string FindRepoRoot()
{
    var dir = new DirectoryInfo(Environment.CurrentDirectory);
    while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "FastAV.Live.sln")))
    {
        dir = dir.Parent;
    }

    return dir?.FullName ?? Environment.CurrentDirectory;
}

int ArgValue(string name, int fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
}
