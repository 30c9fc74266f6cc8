using System.Diagnostics;
using FastAV.Live.Contracts.V1;
using Grpc.Core;
using Grpc.Net.Client;
using Google.Protobuf;

namespace FastAV.Live.Benchmarks.E2e;

/// <summary>N cameras at once, each sending its clip (looped) in real time with two standing questions.</summary>
internal static class StreamLoad
{
    public sealed record Level(PruningPolicy Policy, int Streams, int Answers, double P50Ms, double P95Ms, long WindowsPrefilled, long WindowsDropped, double FlopsRatio);

    public static async Task<Level> RunLevelAsync(GrpcChannel channel, IReadOnlyList<BenchClip> clips, int streams, int seconds, PruningPolicy policy, string tag)
    {
        var runs = await Task.WhenAll(Enumerable.Range(0, streams).Select(k => RunStreamAsync(channel, clips[k % clips.Count], $"{tag}-{k}", seconds, policy)));
        var latencies = runs.SelectMany(r => r.LatenciesMs).Order().ToArray();
        double Percentile(double p) => latencies.Length == 0 ? double.NaN : latencies[Math.Min(latencies.Length - 1, (int)Math.Ceiling(p * latencies.Length) - 1)];
        var flops = runs.Sum(r => r.Flops);
        var unpruned = runs.Sum(r => r.FlopsUnpruned);
        return new Level(policy, streams, latencies.Length, Percentile(0.5), Percentile(0.95), runs.Sum(r => r.Prefilled), runs.Sum(r => r.Dropped), unpruned == 0 ? 1 : flops / unpruned);
    }

    private static async Task<(List<double> LatenciesMs, long Prefilled, long Dropped, double Flops, double FlopsUnpruned)> RunStreamAsync(
        GrpcChannel channel, BenchClip clip, string id, int seconds, PruningPolicy policy)
    {
        using var call = new LiveAnalytics.LiveAnalyticsClient(channel).Stream(deadline: DateTime.UtcNow.AddSeconds(seconds + 120));
        var open = new StreamOpen
        {
            StreamId = id,
            Pruning = new PruningConfig { Policy = policy },
            Video = new VideoFormat { Codec = VideoCodec.RawRgb24, Width = (uint)clip.Width, Height = (uint)clip.Height, FrameRate = clip.FramesPerWindow },
            Audio = new AudioFormat { Codec = AudioCodec.PcmF32Le, SampleRateHz = 16000, Channels = 1 },
        };
        open.StandingQuestions.Add(new StandingQuestion { QuestionId = "count", Text = "how many objects are there?", IntervalMs = 2000, MaxTokens = 4 });
        open.StandingQuestions.Add(new StandingQuestion { QuestionId = "pitch", Text = "was the last tone high or low?", IntervalMs = 2000, MaxTokens = 4 });
        var latencies = new List<double>();
        StreamStats? final = null;
        double flops = 0, unpruned = 0;
        var reader = Task.Run(async () =>
        {
            while (await call.ResponseStream.MoveNext(CancellationToken.None))
            {
                var r = call.ResponseStream.Current;
                if (r.Answer is { } a)
                {
                    latencies.Add(a.LatencyUs / 1000.0);
                    flops = a.Pruning.StreamFlops;
                    unpruned = a.Pruning.StreamFlopsUnpruned;
                }

                if (r.Stats is { Final: true } s) final = s;
            }
        });
        await call.RequestStream.WriteAsync(new StreamRequest { Open = open });
        var clock = Stopwatch.StartNew();
        for (var t = 0; t < seconds; t++)
        {
            var w = t % clip.Windows;
            for (var f = 0; f < clip.FramesPerWindow; f++)
            {
                var ptsUs = (t * 1_000_000L) + (f * 1_000_000L / clip.FramesPerWindow);
                var wait = TimeSpan.FromMicroseconds(ptsUs) - clock.Elapsed;
                if (wait > TimeSpan.Zero) await Task.Delay(wait);
                var at = ((w * clip.FramesPerWindow) + f) * clip.FrameBytes;
                await call.RequestStream.WriteAsync(new StreamRequest { Video = new VideoFrame { PtsUs = ptsUs, Data = ByteString.CopyFrom(clip.Frames, at, clip.FrameBytes) } });
            }

            await call.RequestStream.WriteAsync(new StreamRequest { Audio = new AudioChunk { PtsUs = t * 1_000_000L, Data = ByteString.CopyFrom(clip.Audio, w * 64000, 64000) } });
        }

        await call.RequestStream.CompleteAsync();
        await reader;
        return (latencies, (long)(final?.WindowsPrefilled ?? 0), (long)(final?.WindowsDropped ?? 0), flops, unpruned);
    }
}
