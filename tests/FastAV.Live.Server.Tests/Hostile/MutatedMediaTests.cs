using System.Diagnostics;
using System.Text.Json.Nodes;
using FastAV.Live.Contracts.V1;
using FastAV.Live.Server.Tests.EndToEnd;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Xunit.Abstractions;

namespace FastAV.Live.Server.Tests.Hostile;

/// <summary>
/// Mutated media through the real server on loopback: streams of every codec the contract takes (H.264 and HEVC with
/// B-frames, MJPEG, raw I420/NV12/RGB24, PCM, AAC, Opus — packets made by the ffmpeg CLI through the fuzz harness's seed
/// maker) whose messages are bit-flipped, cut, extended, emptied, oversized, mislabelled and mis-timed, beside healthy
/// cameras. Nothing may crash; every media message is counted as accepted or rejected exactly as sent (StreamStats agree
/// with the sender's own tally); the healthy cameras answer exactly as when they ran alone. The count is 4,000 messages
/// in the test command; FASTAV_MUTATED_MESSAGES=100000 runs the long one, and FASTAV_MUTATED_RECORD=PREFIX writes its
/// figures to PREFIX.json/.md.
/// </summary>
public sealed class MutatedMediaTests(ITestOutputHelper output)
{
    private const int PayloadLimit = 256 << 10;

    [Fact]
    public async Task Mutated_media_of_every_codec_is_counted_message_for_message_never_crashes_and_leaves_other_streams_unchanged()
    {
        var total = int.TryParse(Environment.GetEnvironmentVariable("FASTAV_MUTATED_MESSAGES"), out var n) && n > 0 ? n : 4000;
        var packets = await SeedPackets.LoadAsync();
        var clips = await TinyClips.GetAsync();
        // The flood shares the engine with the healthy cameras and makes them slow on this machine, never different: their
        // end-of-stream drain may take as long as it needs, so what is compared is their answers, not their speed.
        await using var server = await EndToEndServer.StartAsync(o => (o.MaxVideoPayloadBytes, o.MaxAudioPayloadBytes, o.MaxWarningsPerStatsInterval, o.EndOfStreamDrainTimeout) = (PayloadLimit, PayloadLimit, 4, TimeSpan.FromMinutes(30)));
        using var channel = server.CreateChannel();
        Task<(List<StreamResponse> Responses, Status Status)>[] Healthy(string prefix) =>
            [.. clips.Take(2).Select(c => RunHealthyAsync(channel, c, ClipStream.Open(c, $"{prefix}-{c.Index}", PruningPolicy.Fastav, ClipStream.Standing(c))))];

        var alone = await Task.WhenAll(Healthy("alone"));
        var clock = Stopwatch.StartNew();
        HostileTrack[] tracks =
        [
            new("h264-aac", VideoCodec.H264, packets.H264, 64, 48, AudioCodec.AacAdts, packets.Aac, 16000, 1),
            new("hevc-opus", VideoCodec.Hevc, packets.Hevc, 64, 48, AudioCodec.Opus, packets.Opus, 48000, 1),
            new("mjpeg-s16", VideoCodec.Jpeg, packets.Mjpeg, 64, 48, AudioCodec.PcmS16Le, packets.PcmS16, 16000, 1),
            new("i420-f32", VideoCodec.RawI420, packets.I420, 32, 24, AudioCodec.PcmF32Le, packets.PcmF32, 48000, 2),
            new("nv12", VideoCodec.RawNv12, packets.Nv12, 32, 24, AudioCodec.Unspecified, [], 0, 0),
            new("rgb24", VideoCodec.RawRgb24, packets.Rgb24, 32, 24, AudioCodec.Unspecified, [], 0, 0),
        ];
        var hostile = tracks.Select((t, i) => Task.Run(() => RunHostileAsync(channel, t, (total + tracks.Length - 1) / tracks.Length, seed: 1000 + i))).ToArray();
        var beside = await Task.WhenAll(Healthy("beside"));
        var runs = await Task.WhenAll(hostile);
        var elapsed = clock.Elapsed;

        var sent = runs.Sum(r => r.VideoSent + r.AudioSent);
        var rejected = 0UL;
        var decodeErrors = 0UL;
        foreach (var r in runs)
        {
            Assert.True(r.Status.StatusCode == StatusCode.OK, $"{r.Name}: {r.Status}");
            var s = r.Final;
            Assert.True(s.Final, $"{r.Name}: no final StreamStats");
            Assert.Equal((ulong)r.VideoSent, s.VideoFramesAccepted + s.VideoFramesRejected);
            Assert.Equal((ulong)r.AudioSent, s.AudioChunksAccepted + s.AudioChunksRejected);
            Assert.Equal(s.VideoFramesRejected + s.AudioChunksRejected, s.Rejections.Aggregate(0UL, (a, x) => a + x.Count));
            Assert.Equal((ulong)(r.VideoSent + r.AudioSent + 1), s.RequestsReceived);
            Assert.Equal((ulong)r.PayloadBytes, s.MediaBytesReceived);
            rejected += s.VideoFramesRejected + s.AudioChunksRejected;
            decodeErrors += s.DecodeErrors;
        }

        for (var k = 0; k < 2; k++)
        {
            Assert.Equal(StatusCode.OK, beside[k].Status.StatusCode);
            Assert.Equal(BatchedAnswers.Comparable(alone[k].Responses), BatchedAnswers.Comparable(beside[k].Responses));
            BatchedAnswers.AssertProbabilitiesClose(alone[k].Responses, beside[k].Responses);
            Assert.Empty(beside[k].Responses.Where(r => r.Warning is not null).Select(r => r.Warning.Message));
        }

        var summary = $"{sent:N0} mutated media messages over {tracks.Length} streams in {elapsed.TotalSeconds:0} s: {rejected:N0} rejected (each counted by reason), {decodeErrors:N0} decode errors counted, 0 crashes; 2 healthy cameras beside them answered exactly as alone";
        output.WriteLine(summary);
        Assert.True(sent >= total, $"sent {sent} of {total}");
        Assert.True(rejected > 0 && decodeErrors > 0, "the mutations never reached a rejection or a decode error");
        if (Environment.GetEnvironmentVariable("FASTAV_MUTATED_RECORD") is { Length: > 0 } prefix) await RecordAsync(prefix, runs, elapsed, summary);
    }

    private static async Task<(List<StreamResponse> Responses, Status Status)> RunHealthyAsync(GrpcChannel channel, Clip clip, StreamOpen open)
    {
        using var call = new LiveAnalytics.LiveAnalyticsClient(channel).Stream(new CallOptions(deadline: DateTime.UtcNow.AddMinutes(30)));
        await call.RequestStream.WriteAsync(new StreamRequest { Open = open });
        for (var w = 0; w < clip.Windows; w++)
        {
            foreach (var request in ClipStream.Window(clip, w)) await call.RequestStream.WriteAsync(request);
        }

        await call.RequestStream.CompleteAsync();
        var responses = await StreamCalls.DrainAsync(call.ResponseStream);
        return (responses, call.GetStatus());
    }

    private static async Task<HostileRun> RunHostileAsync(GrpcChannel channel, HostileTrack t, int messages, int seed)
    {
        var random = new Random(seed);
        var open = new StreamOpen
        {
            StreamId = $"mutated-{t.Name}",
            Video = new VideoFormat { Codec = t.Video, Width = (uint)t.Width, Height = (uint)t.Height, FrameRate = 10 },
            Audio = t.Audio == AudioCodec.Unspecified ? null : new AudioFormat { Codec = t.Audio, SampleRateHz = (uint)t.Rate, Channels = (uint)t.Channels },
        };
        using var call = new LiveAnalytics.LiveAnalyticsClient(channel).Stream(new CallOptions(deadline: DateTime.UtcNow.AddMinutes(30)));
        var reading = Task.Run(async () =>
        {
            StreamStats? last = null;
            while (await call.ResponseStream.MoveNext(CancellationToken.None))
            {
                if (call.ResponseStream.Current.Stats is { } s) last = s;
            }

            return last;
        });
        await call.RequestStream.WriteAsync(new StreamRequest { Open = open });
        var run = new HostileRun(t.Name);
        long pts = 0;
        for (var i = 0; i < messages; i++)
        {
            var audio = t.AudioPackets.Count > 0 && i % 3 == 2;
            pts += 100_000;
            var request = audio
                ? new StreamRequest { Audio = new AudioChunk { PtsUs = pts, Data = ByteString.CopyFrom(Mutate(random, t.AudioPackets[i % t.AudioPackets.Count])) } }
                : new StreamRequest { Video = new VideoFrame { PtsUs = pts, Keyframe = i % 10 == 0, Data = ByteString.CopyFrom(Mutate(random, t.VideoPackets[i % t.VideoPackets.Count])) } };
            Mislabel(random, request, t);
            if (audio) run.AudioSent++;
            else run.VideoSent++;
            run.PayloadBytes += audio ? request.Audio.Data.Length : request.Video.Data.Length;
            await call.RequestStream.WriteAsync(request);
        }

        await call.RequestStream.CompleteAsync();
        run.Final = await reading ?? new StreamStats();
        run.Status = call.GetStatus();
        return run;
    }

    // Bytes a broken camera or a hostile client might send: most messages damaged, some intact.
    private static byte[] Mutate(Random random, byte[] packet)
    {
        var data = (byte[])packet.Clone();
        switch (random.Next(12))
        {
            case 0:
            case 1:
            case 2:
                return data;
            case 3:
                for (var k = random.Next(1, 9); k > 0 && data.Length > 0; k--) data[random.Next(data.Length)] ^= (byte)(1 << random.Next(8));
                return data;
            case 4:
                return data[..random.Next(data.Length + 1)];
            case 5:
                var extended = new byte[data.Length + random.Next(1, 512)];
                data.CopyTo(extended, 0);
                random.NextBytes(extended.AsSpan(data.Length));
                return extended;
            case 6:
                if (data.Length > 0) random.NextBytes(data.AsSpan(random.Next(data.Length)));
                return data;
            case 7:
                return [];
            case 8:
                return random.Next(20) == 0 ? new byte[PayloadLimit + 1] : data;
            case 9:
                var noise = new byte[random.Next(1, 4096)];
                random.NextBytes(noise);
                return noise;
            case 10:
                if (data.Length > 8) Array.Copy(data, random.Next(data.Length / 2), data, random.Next(data.Length / 2), data.Length / 4);
                return data;
            default:
                return [.. data, .. data];
        }
    }

    // Fields that lie: the wrong codec, size, sample rate or channel count, and clocks that jump, repeat or go back.
    private static void Mislabel(Random random, StreamRequest request, HostileTrack t)
    {
        if (random.Next(8) != 0) return;
        if (request.Video is { } v)
        {
            switch (random.Next(4))
            {
                case 0: v.Codec = (VideoCodec)random.Next(0, 9); break;
                case 1: (v.Width, v.Height) = ((uint)random.Next(0, 5000), (uint)random.Next(0, 5000)); break;
                case 2: v.PtsUs = random.Next(3) switch { 0 => -random.NextInt64(1, long.MaxValue), 1 => random.NextInt64(), _ => v.PtsUs - 5_000_000 }; break;
                default: v.PtsUs -= 100_000; break;
            }
        }
        else if (request.Audio is { } a)
        {
            switch (random.Next(4))
            {
                case 0: a.Codec = (AudioCodec)random.Next(0, 7); break;
                case 1: a.SampleRateHz = (uint)random.Next(0, 400_000); break;
                case 2: a.Channels = (uint)random.Next(0, 300); break;
                default: a.PtsUs = random.Next(2) == 0 ? -1 : a.PtsUs - 10_000_000; break;
            }
        }
    }

    private static async Task RecordAsync(string prefix, HostileRun[] runs, TimeSpan elapsed, string summary)
    {
        var json = new JsonObject
        {
            ["date"] = DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            ["machine"] = $"{Environment.ProcessorCount} cores; load average {File.ReadAllText("/proc/loadavg").Trim()}",
            ["seconds"] = Math.Round(elapsed.TotalSeconds, 1),
            ["summary"] = summary,
            ["streams"] = new JsonArray([.. runs.Select(r => (JsonNode)new JsonObject
            {
                ["stream"] = r.Name, ["video_sent"] = r.VideoSent, ["audio_sent"] = r.AudioSent, ["payload_bytes"] = r.PayloadBytes,
                ["video_accepted"] = r.Final.VideoFramesAccepted, ["video_rejected"] = r.Final.VideoFramesRejected,
                ["audio_accepted"] = r.Final.AudioChunksAccepted, ["audio_rejected"] = r.Final.AudioChunksRejected,
                ["decode_errors"] = r.Final.DecodeErrors, ["windows_prefilled"] = r.Final.WindowsPrefilled, ["status"] = r.Status.StatusCode.ToString(),
                ["rejections"] = new JsonObject(r.Final.Rejections.Select(x => KeyValuePair.Create(x.Code.ToString(), (JsonNode?)x.Count))),
            })]),
        };
        await File.WriteAllTextAsync(prefix + ".json", json.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
        var md = new List<string>
        {
            $"# Mutated media through the real server: {runs.Sum(r => r.VideoSent + r.AudioSent):N0} messages, 0 crashes", "",
            $"{json["date"]}, {json["machine"]}. `FASTAV_MUTATED_MESSAGES={runs.Sum(r => r.VideoSent + r.AudioSent)} dotnet test tests/FastAV.Live.Server.Tests --filter MutatedMediaTests` (Hostile/MutatedMediaTests.cs).", "",
            summary + ".", "",
            "| stream | video sent | accepted | rejected | audio sent | accepted | rejected | decode errors | windows | status |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
        };
        md.AddRange(runs.Select(r => $"| {r.Name} | {r.VideoSent:N0} | {r.Final.VideoFramesAccepted:N0} | {r.Final.VideoFramesRejected:N0} | {r.AudioSent:N0} | {r.Final.AudioChunksAccepted:N0} | {r.Final.AudioChunksRejected:N0} | {r.Final.DecodeErrors:N0} | {r.Final.WindowsPrefilled:N0} | {r.Status.StatusCode} |"));
        md.Add("");
        md.Add("Rejections by reason (all streams): " + string.Join(", ", runs.SelectMany(r => r.Final.Rejections).GroupBy(x => x.Code).OrderBy(g => g.Key).Select(g => $"{g.Key} {g.Aggregate(0UL, (a, x) => a + x.Count):N0}")) + ".");
        await File.WriteAllLinesAsync(prefix + ".md", md);
    }

    private sealed record HostileTrack(string Name, VideoCodec Video, IReadOnlyList<byte[]> VideoPackets, int Width, int Height, AudioCodec Audio, IReadOnlyList<byte[]> AudioPackets, int Rate, int Channels);

    private sealed class HostileRun(string name)
    {
        public string Name { get; } = name;

        public int VideoSent { get; set; }

        public int AudioSent { get; set; }

        public long PayloadBytes { get; set; }

        public StreamStats Final { get; set; } = new();

        public Status Status { get; set; }
    }
}
