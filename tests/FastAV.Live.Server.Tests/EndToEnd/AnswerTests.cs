using System.Diagnostics;
using FastAV.Live.Contracts.V1;
using Grpc.Core;
using Grpc.Net.Client;

namespace FastAV.Live.Server.Tests.EndToEnd;

/// <summary>
/// Issue 19, items 2–4: answers say what the model saw (the span still in the cache, latency from the window's
/// completion), come once per window, and say how sure the model was and what it knows. Real server, official .NET
/// client, ffmpeg-made H.264 + PCM and the FastAV-Tiny world's clips.
/// </summary>
public sealed class AnswerTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);

    private static StandingQuestion Every(string id, int ms = 1000, float minConfidence = 0) =>
        new() { QuestionId = id, Text = "how many objects are there?", IntervalMs = (uint)ms, MaxTokens = 4, MinConfidence = minConfidence };

    [Fact]
    public async Task Six_seconds_of_25fps_camera_video_make_six_windows_and_one_answer_per_window()
    {
        var (info, packets) = CameraClips.Read(CameraClips.Make(320, 240, 25, 6));
        await using var server = await EndToEndServer.StartAsync();
        using var channel = GrpcChannel.ForAddress(server.Address);
        using var camera = new CameraCall(new LiveAnalytics.LiveAnalyticsClient(channel), Patience);
        await camera.SendAsync(new StreamRequest { Open = CameraCall.Open("six", info, Every("count")) });
        await camera.SendPacketsAsync(packets, realTime: false);
        var (responses, status) = await camera.FinishAsync();

        Assert.Equal(StatusCode.OK, status.StatusCode);
        var answers = responses.Where(r => r.Answer is not null).Select(r => r.Answer).ToList();
        // The last frame is at 5.96 s: no seventh window after it, so no second answer over the same media.
        Assert.Equal(6UL, responses[^1].Stats.WindowsPrefilled);
        Assert.Equal(Enumerable.Range(1, 6).Select(s => s * 1_000_000L), answers.Select(a => a.Span.EndPtsUs));
    }

    [Fact]
    public async Task Answers_span_the_media_still_in_the_cache_and_stream_span_the_whole_timeline()
    {
        var (info, packets) = CameraClips.Read(CameraClips.Make(160, 120, 10, 20));
        await using var server = await EndToEndServer.StartAsync();
        using var channel = GrpcChannel.ForAddress(server.Address);
        using var camera = new CameraCall(new LiveAnalytics.LiveAnalyticsClient(channel), Patience);
        await camera.SendAsync(new StreamRequest { Open = CameraCall.Open("long", info, Every("count")) });
        var accepted = (await camera.WaitForAsync(r => r.Accepted is not null)).Response.Accepted;
        await camera.SendPacketsAsync(packets, realTime: false);
        var (responses, _) = await camera.FinishAsync();

        var answers = responses.Where(r => r.Answer is not null).Select(r => r.Answer).ToList();
        Assert.Equal(20, answers.Count);
        var last = answers[^1];
        Assert.Equal(20_000_000, last.Span.EndPtsUs);
        Assert.Equal(new MediaSpan { StartPtsUs = 0, EndPtsUs = 20_000_000 }, last.StreamSpan);

        // The default KV budget holds the model's trained context (6 windows of 14 tokens here): the answer covers the last
        // few seconds, not the 20 s of the stream (the cache's attention sinks hold a token of the first window for ever).
        // StreamAccepted reports the budget the engine applies: the prompt and trained_windows = 6 windows of 14 tokens.
        var perLayer = (int)accepted.KvCache.MaxTokensPerLayer;
        Assert.InRange(perLayer, 6 * 14, (6 * 14) + 8);
        Assert.Equal(perLayer, (int)(accepted.KvCache.SinkTokens + accepted.KvCache.RecentTokens));
        Assert.InRange(last.Span.StartPtsUs, 20_000_000 - (((perLayer / 14) + 1) * 1_000_000L), 19_000_000);
        Assert.All(answers, a => Assert.True(a.Span.StartPtsUs >= a.StreamSpan.StartPtsUs && a.Span.StartPtsUs < a.Span.EndPtsUs, $"span {a.Span} of {a.StreamSpan}"));
    }

    [Fact]
    public async Task A_window_closes_as_soon_as_every_track_passed_it_and_its_answers_latency_runs_from_then()
    {
        var clip = (await TinyClips.GetAsync())[0];
        await using var server = await EndToEndServer.StartAsync();
        using var channel = GrpcChannel.ForAddress(server.Address);
        using var camera = new CameraCall(new LiveAnalytics.LiveAnalyticsClient(channel), Patience);
        await camera.SendAsync(new StreamRequest { Open = ClipStream.Open(clip, "prompt", PruningPolicy.Fastav, [Every("count")]) });
        for (var w = 0; w < 3; w++)
        {
            foreach (var request in ClipStream.Window(clip, w)) await camera.SendAsync(request);
        }

        // Video reaches 3 s with the next window's first frame; audio already did with window 2's chunk. Nothing more is sent
        // until the answer about window 2 is in: it must not wait for media half a second further on.
        var answered = camera.WaitForAsync(r => r.Answer?.Span.EndPtsUs == 3_000_000);
        var sent = Stopwatch.GetTimestamp();
        await camera.SendAsync(ClipStream.Window(clip, 3).First());
        var (response, arrived) = await answered.WaitAsync(TimeSpan.FromSeconds(60));
        var clientMicroseconds = Stopwatch.GetElapsedTime(sent, arrived).TotalMicroseconds;
        await camera.FinishAsync();

        Assert.True(response.Answer.LatencyUs > 0);
        Assert.True(response.Answer.LatencyUs <= clientMicroseconds, $"server latency {response.Answer.LatencyUs} µs, client saw {clientMicroseconds:F0} µs");
        Assert.True(response.Answer.FirstTokenLatencyUs <= response.Answer.LatencyUs);
    }

    [Fact]
    public async Task Answers_carry_their_confidence_and_standing_questions_mark_uncertain_ones()
    {
        var clip = (await TinyClips.GetAsync())[1];
        await using var server = await EndToEndServer.StartAsync();
        using var channel = GrpcChannel.ForAddress(server.Address);
        var client = new LiveAnalytics.LiveAnalyticsClient(channel);
        using var camera = new CameraCall(client, Patience);
        await camera.SendAsync(new StreamRequest { Open = ClipStream.Open(clip, "sure", PruningPolicy.None, [Every("strict", minConfidence: 1f), Every("lenient")]) });
        var accepted = (await camera.WaitForAsync(r => r.Accepted is not null)).Response.Accepted;
        var listed = (await client.ListStreamsAsync(new ListStreamsRequest())).Streams.Single();
        for (var w = 0; w < clip.Windows; w++)
        {
            foreach (var request in ClipStream.Window(clip, w)) await camera.SendAsync(request);
        }

        // The last window closes at the end of the stream; the one before it once video has passed its end.
        await camera.WaitForAsync(r => r.Answer?.QuestionId == "lenient" && r.Answer.Span.EndPtsUs == (clip.Windows - 1) * 1_000_000L);
        var chunks = new List<AnswerChunk>();
        using (var ask = client.Ask(new AskRequest { StreamId = "sure", Question = new Question { QuestionId = "ask", Text = "what colour is the square?", MaxTokens = 8 } }))
        {
            while (await ask.ResponseStream.MoveNext(CancellationToken.None)) chunks.Add(ask.ResponseStream.Current);
        }

        var (responses, _) = await camera.FinishAsync();
        var answers = responses.Where(r => r.Answer is not null).Select(r => r.Answer).ToList();
        Assert.Equal(2 * clip.Windows, answers.Count);
        foreach (var a in answers)
        {
            Assert.InRange(a.Confidence, float.Epsilon, 1f);
            Assert.InRange(a.MinTokenProbability, float.Epsilon, a.Confidence);
            Assert.Equal(a.QuestionId == "strict" && a.Confidence < 1f, a.Uncertain);
        }

        // The same question over the same cache: the same text, confidence and token probabilities whatever the threshold.
        Assert.Equal(answers.Where(a => a.QuestionId == "strict").Select(a => (a.Text, a.Confidence)), answers.Where(a => a.QuestionId == "lenient").Select(a => (a.Text, a.Confidence)));
        Assert.Contains(answers, a => a.Uncertain);

        // Ask's chunks carry the confidence so far; the last one the answer's.
        Assert.All(chunks, c => Assert.InRange(c.Confidence, float.Epsilon, 1f));
        Assert.Equal(chunks[^1].Answer.Confidence, chunks[^1].Confidence);

        // What the model knows travels with the stream.
        foreach (var domain in new[] { accepted.ModelDomain, listed.ModelDomain })
        {
            Assert.Contains("Not for real scenes", domain.Description, StringComparison.Ordinal);
            Assert.Equal((32u, 32u, 16000u), (domain.FrameWidth, domain.FrameHeight, domain.AudioSampleRateHz));
        }
    }
}
