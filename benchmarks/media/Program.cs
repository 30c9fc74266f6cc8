using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using FastAV.Live.Benchmarks;
using FastAV.Live.Media;

const string Usage = """
    benchmarks/media: ingest (decode → 2 fps sampling → model-ready 224² letterboxed frames, SampledFrameDecoder) of a
    1080p30 H.264 clip vs `ffmpeg -threads N -f null` decoding every frame of it, rounds alternating; and an hour of
    simulated ingest. Writes benchmarks/results/media-cpu.json and .md.

    usage: dotnet run -c Release --project benchmarks/media [-- options]
      --threads N        ffmpeg's and the decoder's threads (default: the machine's cores)
      --rounds R         alternating rounds (default 3)
      --hour-minutes M   simulated minutes of the long run (default 60)
      -h, --help         this help
    """;
if (args.Any(a => a is "--help" or "-h"))
{
    Console.WriteLine(Usage);
    return 0;
}

// Usage: dotnet run -c Release --project benchmarks/media [-- --threads N --rounds R --hour-minutes M]
// Writes benchmarks/results/media-cpu.json and .md (relative to the repo root found from the working directory).
// Ingest = what a stream's video goes through before the model: decode → 2 fps sampling → model-ready RGB frames
// (SampledFrameDecoder: only sampled pictures converted, straight to 224x224 letterboxed size; non-reference pictures
// no tick can take not decoded). Compared with `ffmpeg -threads N -f null` decoding every frame of the same clip.
var threads = ArgValue("--threads", Environment.ProcessorCount);
var rounds = ArgValue("--rounds", 3);
var simulatedMinutes = ArgValue("--hour-minutes", 60);
var work = Path.Combine(Path.GetTempPath(), "fastav-media-bench-" + Environment.ProcessId);
Directory.CreateDirectory(work);
try
{
    var clip = Path.Combine(work, "1080p.mkv");
    Ffmpeg($"-f lavfi -i testsrc2=size=1920x1080:rate=30 -t 6 -c:v libx264 -preset veryfast -bf 2 -g 60 -pix_fmt yuv420p \"{clip}\"");
    var packets = ReadVideo(clip);
    var fit = new FrameFit(224, 224, ResizeMode.Pad);

    // Rounds alternate the pipelines so background load hits all alike; each keeps its best time.
    double ffmpegNull = double.MaxValue, ffmpegNullRun = double.MaxValue, ffmpegRgb = double.MaxValue, ingest = double.MaxValue, ingestAll = double.MaxValue, plain = double.MaxValue;
    double ffmpegCpu = double.MaxValue, ingestCpu = double.MaxValue;
    var sampled = 0;
    long decoded = 0, skipRequested = 0;
    for (var round = 0; round < rounds; round++)
    {
        Console.WriteLine($"round {round + 1}/{rounds}");
        var (wall, run, cpu) = TimeFfmpeg($"-threads {threads} -i \"{clip}\" -f null -");
        ffmpegNull = Math.Min(ffmpegNull, wall);
        ffmpegNullRun = Math.Min(ffmpegNullRun, run);
        ffmpegCpu = Math.Min(ffmpegCpu, cpu);
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        ffmpegRgb = Math.Min(ffmpegRgb, TimeFfmpeg($"-threads {threads} -i \"{clip}\" -pix_fmt rgb24 -f null -").Wall);
        ingest = Math.Min(ingest, Time(() =>
        {
            using var decoder = new SampledFrameDecoder(VideoCodec.H264, new SampledFrameDecoderOptions
            {
                Fps = 2, Fit = fit, Decoder = new VideoDecoderOptions { MaxWidth = 1920, MaxHeight = 1080, Threads = threads },
            });
            sampled = packets.Sum(p => decoder.Decode(p).Count) + decoder.Flush().Count;
            decoded = decoder.DecoderStats.FrameCount;
            skipRequested = decoder.DecoderStats.SkipRequestedPacketCount;
        }));
        ingestCpu = Math.Min(ingestCpu, (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds);
        ingestAll = Math.Min(ingestAll, Time(() =>
        {
            // The same, decoding every picture (SkipUnsampledFrames off): what skipping saves beyond converting less.
            using var decoder = new SampledFrameDecoder(VideoCodec.H264, new SampledFrameDecoderOptions
            {
                Fps = 2, Fit = fit, SkipUnsampledFrames = false, Decoder = new VideoDecoderOptions { MaxWidth = 1920, MaxHeight = 1080, Threads = threads },
            });
            _ = packets.Sum(p => decoder.Decode(p).Count) + decoder.Flush().Count;
        }));
        plain = Math.Min(plain, Time(() =>
        {
            // Before: every frame decoded and converted to full-size RGB24, then sampled (resizing came later).
            using var decoder = new VideoDecoder(VideoCodec.H264, new VideoDecoderOptions { MaxWidth = 1920, MaxHeight = 1080, Threads = threads });
            var sampler = new FrameSampler(new FrameSamplerOptions { Fps = 2 });
            foreach (var p in packets)
            {
                foreach (var f in decoder.Decode(p)) sampler.Push(f);
            }

            foreach (var f in decoder.Flush()) sampler.Push(f);
        }));
    }

    var frames = packets.Count;
    var rss = SimulateLongStream(work, simulatedMinutes);

    var result = new Dictionary<string, object>
    {
        ["date"] = DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        ["machine"] = $"{Environment.ProcessorCount} cores, CPU only, shared with other engineers' builds (1-min load average at the end: {LoadAverage()})",
        ["clip"] = "testsrc2 1920x1080 30 fps 6 s, libx264 veryfast, 2 B-frames",
        ["threads"] = threads,
        ["rounds"] = rounds,
        ["frames"] = frames,
        ["ingest"] = "SampledFrameDecoder: decode (non-reference pictures no 2 fps tick can take skipped) → 2 fps sampling → sampled pictures converted once, straight to 224x224 letterboxed size (224x126 RGB24)",
        ["ingest_fps"] = Round(frames / ingest),
        ["ingest_pictures_decoded"] = decoded,
        ["ingest_packets_sent_skipping_non_reference"] = skipRequested,
        ["ingest_sampled_frames"] = sampled,
        ["ingest_decoding_every_picture_fps"] = Round(frames / ingestAll),
        ["ffmpeg_null_fps"] = Round(frames / ffmpegNull),
        ["ffmpeg_null_fps_own_clock"] = Round(frames / ffmpegNullRun),
        ["ffmpeg_rgb24_null_fps"] = Round(frames / ffmpegRgb),
        ["ingest_vs_ffmpeg_decode"] = Round(ffmpegNull / ingest),
        ["ingest_vs_ffmpeg_decode_own_clock"] = Round(ffmpegNullRun / ingest),
        ["ingest_vs_ffmpeg_rgb24"] = Round(ffmpegRgb / ingest),
        ["ingest_cpu_seconds"] = Round(ingestCpu),
        ["ffmpeg_null_cpu_seconds"] = Round(ffmpegCpu),
        ["ingest_vs_ffmpeg_decode_cpu"] = Round(ffmpegCpu / ingestCpu),
        ["before_decode_rgb_sample_fps"] = Round(frames / plain),
        ["before_vs_ffmpeg_decode"] = Round(ffmpegNull / plain),
        ["long_stream"] = rss,
    };
    var root = BenchmarkRepository.RootOrCurrentDirectory();
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

return 0;

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

    using var video = new SampledFrameDecoder(VideoCodec.H264, new SampledFrameDecoderOptions { Fps = 2, Fit = new FrameFit(224, 224, ResizeMode.Pad) });
    using var audio = new AudioDecoder(AudioCodec.PCM_S16LE, 16000, 1);
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
                foreach (var s in video.Decode(v with { PtsMicroseconds = v.PtsMicroseconds + offset }))
                {
                    windows += assembler.AddFrame(s).Count;
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
        ["stream"] = "320x180 10 fps H.264 + 16 kHz PCM through SampledFrameDecoder (2 fps, 224x224 letterbox) and the window assembler, 1 s windows",
        ["windows"] = windows,
        ["video_pictures_decoded"] = video.DecoderStats.FrameCount,
        ["wall_seconds"] = Round(clock.Elapsed.TotalSeconds),
        ["rss_after_5_min_mb"] = Round(warmRss / 1048576.0),
        ["rss_end_mb"] = Round(endRss / 1048576.0),
        ["rss_growth_mb"] = Round((endRss - warmRss) / 1048576.0),
    };
}

static string Markdown(Dictionary<string, object> r, Dictionary<string, object> rss) => string.Join("\n",
[
    $"# Media benchmark (CPU, {r["date"]})",
    "",
    $"Machine: {r["machine"]}. Clip: {r["clip"]}; {r["frames"]} frames; {r["threads"]} decoder threads; best of {r["rounds"]} alternating rounds.",
    "",
    $"Ingest: {r["ingest"]}. It decoded {r["ingest_pictures_decoded"]} of {r["frames"]} pictures ({r["ingest_packets_sent_skipping_non_reference"]} packets sent with non-reference skipping on) and gave {r["ingest_sampled_frames"]} sampled frames.",
    "",
    "| pipeline | frames/s of the clip | ingest ÷ this (throughput ratio) |",
    "|---|---|---|",
    $"| ingest: SampledFrameDecoder (decode → 2 fps → model-ready frames) | {r["ingest_fps"]} | — |",
    $"| the same decoding every picture (SkipUnsampledFrames off) | {r["ingest_decoding_every_picture_fps"]} | {Round((double)r["ingest_fps"] / (double)r["ingest_decoding_every_picture_fps"])} |",
    $"| `ffmpeg -threads N -f null` (decode every frame; wall time incl. start-up) | {r["ffmpeg_null_fps"]} | **{r["ingest_vs_ffmpeg_decode"]}** |",
    $"| the same, ffmpeg's own clock (`-benchmark` rtime: no start-up, no probing) | {r["ffmpeg_null_fps_own_clock"]} | {r["ingest_vs_ffmpeg_decode_own_clock"]} |",
    $"| CPU time instead of throughput (user + system; what load from other work does not inflate): ingest {r["ingest_cpu_seconds"]} s, ffmpeg decode {r["ffmpeg_null_cpu_seconds"]} s | | {r["ingest_vs_ffmpeg_decode_cpu"]} |",
    $"| `ffmpeg -threads N -pix_fmt rgb24 -f null` | {r["ffmpeg_rgb24_null_fps"]} | {r["ingest_vs_ffmpeg_rgb24"]} |",
    $"| before: VideoDecoder → full-size RGB24 of every frame → FrameSampler | {r["before_decode_rgb_sample_fps"]} | {Round((double)r["ingest_fps"] / (double)r["before_decode_rgb_sample_fps"])} (before ÷ ffmpeg decode: {r["before_vs_ffmpeg_decode"]}) |",
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

// ffmpeg's wall time (process start to exit), its own clock (-benchmark's rtime: the transcode loop alone) and its CPU
// time (utime + stime).
static (double Wall, double Run, double Cpu) TimeFfmpeg(string arguments)
{
    var clock = Stopwatch.StartNew();
    using var process = Process.Start(new ProcessStartInfo("ffmpeg", "-hide_banner -nostats -loglevel info -nostdin -benchmark -y " + arguments) { RedirectStandardError = true, RedirectStandardOutput = true })!;
    var stdout = process.StandardOutput.ReadToEndAsync();
    var stderr = process.StandardError.ReadToEnd();
    process.WaitForExit();
    var wall = clock.Elapsed.TotalSeconds;
    if (process.ExitCode != 0)
    {
        throw new InvalidOperationException($"ffmpeg {arguments}: {stderr}");
    }

    var text = stdout.Result + stderr;
    double Field(string name)
    {
        var at = text.IndexOf(name + "=", StringComparison.Ordinal);
        return at < 0 ? double.NaN : double.Parse(text[(at + name.Length + 1)..].Split('s')[0], CultureInfo.InvariantCulture);
    }

    return (wall, Field("rtime"), Field("utime") + Field("stime"));
}

static string LoadAverage() =>
    File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "unknown";

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

int ArgValue(string name, int fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
}
