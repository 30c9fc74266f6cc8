using FastAV.Live.Contracts.V1;
using Grpc.Core;
using Grpc.Net.Client;
using FastAV.Live.Server.Services;
using System.Net.Http;
using FastAV.Live.Server.Inference;
using Google.Protobuf;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace FastAV.Live.Server.Tests.EndToEnd;

/// <summary>
/// Cameras in, answers out: clips of the FastAV-Tiny world streamed into the real server over gRPC, answered by the
/// C# engine on the embedded model, compared with what the PyTorch model in training/ answers over the same media.
/// The model's own accuracy is whatever the committed weights reach; these tests hold the service to it exactly.
/// </summary>
public sealed class EndToEndTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Standing_answers_over_four_concurrent_clips_equal_the_pytorch_models()
    {
        var clips = await TinyClips.GetAsync();
        await using var server = await EndToEndServer.StartAsync();
        using var channel = server.CreateChannel();
        var runs = await Task.WhenAll(clips.Select(c => EndToEndServer.RunClipAsync(channel, c, ClipStream.Open(c, $"clip-{c.Index}", PruningPolicy.None, ClipStream.Standing(c)))));

        var right = 0;
        var total = 0;
        for (var i = 0; i < clips.Count; i++)
        {
            var (responses, status) = runs[i];
            Assert.Equal(StatusCode.OK, status.StatusCode);
            Assert.True(responses[0].Accepted.ModelLoaded);
            Assert.Equal("fastav-tiny", responses[0].Accepted.Model);
            var answers = EndToEndServer.FirstAnswers(responses);
            foreach (var q in clips[i].Questions)
            {
                Assert.True(answers.TryGetValue(q.Id, out var a), $"clip {i}: no answer to {q.Id}");
                Assert.True(a.Standing);
                Assert.Equal(q.ModelAnswer, a.Text);
                Assert.Equal((q.Window + 1) * 1_000_000L, a.Span.EndPtsUs); // exactly the media up to its window
                Assert.Equal(0, a.Span.StartPtsUs);
                Assert.Equal(PruningPolicy.None, a.Pruning.Policy);
                Assert.Equal(1.0, a.Pruning.FlopsRatio, 6);
                Assert.Equal(a.Pruning.StreamFlopsUnpruned, a.Pruning.StreamFlops);
                Assert.True(a.Pruning.StreamFlops > 0);
                right += a.Text == q.Answer ? 1 : 0;
                total++;
            }

            var final = responses[^1].Stats;
            Assert.True(final.Final);
            Assert.Equal(0UL, final.DecodeErrors); // every frame and chunk reached the model
            Assert.Empty(responses.Where(r => r.Warning is not null).Select(r => r.Warning.Message));
            Assert.Equal((ulong)clips[i].Windows, final.WindowsPrefilled);
            Assert.Equal(0UL, final.WindowsDropped);
            Assert.True(final.KvBytes > 0);
        }

        output.WriteLine($"accuracy of the served model on seed {TinyClips.Seed}: {right}/{total} = {(double)right / total:P1} (the PyTorch model's, question for question)");
        Assert.True(right >= 0.9 * total, $"the served model answers {right}/{total} right; issue 8 asks at least 90 % on these clips");
    }

    [Fact]
    public async Task A_question_on_the_stream_covers_exactly_the_media_sent_before_it()
    {
        var clip = (await TinyClips.GetAsync())[1];
        await using var server = await EndToEndServer.StartAsync();
        using var channel = server.CreateChannel();
        var (responses, status) = await EndToEndServer.RunClipAsync(
            channel, clip, ClipStream.Open(clip, "adhoc", PruningPolicy.None, []),
            w => clip.Questions.Where(q => q.Window == w).Select(q => new StreamRequest { Question = new Question { QuestionId = q.Id, Text = q.Text, MaxTokens = 8 } }));

        Assert.Equal(StatusCode.OK, status.StatusCode);
        var answers = EndToEndServer.FirstAnswers(responses);
        Assert.Equal(clip.Questions.Count, answers.Count);
        foreach (var q in clip.Questions)
        {
            var a = answers[q.Id];
            Assert.False(a.Standing);
            Assert.Equal(q.ModelAnswer, a.Text);
            Assert.Equal((q.Window + 1) * 1_000_000L, a.Span.EndPtsUs);
            Assert.True(a.LatencyUs > 0 && a.FirstTokenLatencyUs > 0 && a.FirstTokenLatencyUs <= a.LatencyUs);
            Assert.Equal(FinishReason.Stop, a.FinishReason);
        }
    }

    [Fact]
    public async Task Every_live_pruning_and_eviction_policy_streams_and_answers_without_failures()
    {
        var clip = (await TinyClips.GetAsync())[2];
        await using var server = await EndToEndServer.StartAsync();
        using var channel = server.CreateChannel();
        PruningPolicy[] policies = [PruningPolicy.None, PruningPolicy.Fastav, PruningPolicy.Random, PruningPolicy.LowAttentive, PruningPolicy.Fastv,
            PruningPolicy.Dart, PruningPolicy.Divprune, PruningPolicy.Metok];
        KvEvictionPolicy[] evictions = [KvEvictionPolicy.StreamingLlm, KvEvictionPolicy.A2Sf, KvEvictionPolicy.Paged, KvEvictionPolicy.InfinipotV];
        var runs = await Task.WhenAll(policies.Select((p, i) =>
        {
            var open = ClipStream.Open(clip, $"policy-{i}", p, ClipStream.Standing(clip));
            open.KvCache = new KvCacheConfig { Eviction = evictions[i % evictions.Length], MaxTokensPerLayer = 40 }; // small: every policy evicts
            return EndToEndServer.RunClipAsync(channel, clip, open);
        }));
        for (var i = 0; i < policies.Length; i++)
        {
            var (responses, status) = runs[i];
            Assert.Equal(StatusCode.OK, status.StatusCode);
            Assert.Empty(responses.Where(r => r.Warning is not null).Select(r => $"{policies[i]}: {r.Warning.Message}"));
            Assert.Equal((ulong)clip.Windows, responses[^1].Stats.WindowsPrefilled);
            Assert.True(responses[^1].Stats.KvTokens <= 40UL * 4, $"{policies[i]} kept {responses[^1].Stats.KvTokens} KV tokens over 4 layers with a 40-token budget");
            var answers = EndToEndServer.FirstAnswers(responses);
            Assert.Equal(clip.Questions.Count, answers.Count);
            Assert.All(answers.Values, a => Assert.Equal(policies[i], a.Pruning.Policy));
        }
    }

    [Fact]
    public async Task Only_on_change_suppresses_repeats_and_a_cancelled_standing_question_stops()
    {
        var clip = (await TinyClips.GetAsync())[1];
        await using var server = await EndToEndServer.StartAsync();
        using var channel = server.CreateChannel();
        StandingQuestion[] standing =
        [
            new() { QuestionId = "changes", Text = "how many objects are there?", IntervalMs = 500, MaxTokens = 4, OnlyOnChange = true },
            new() { QuestionId = "every", Text = "how many objects are there?", IntervalMs = 500, MaxTokens = 4 },
            new() { QuestionId = "stopped", Text = "was the last tone high or low?", IntervalMs = 1000, MaxTokens = 4 },
        ];
        var (responses, status) = await EndToEndServer.RunClipAsync(channel, clip, ClipStream.Open(clip, "doorbell", PruningPolicy.None, standing),
            w => w == 2 ? [new StreamRequest { CancelStandingQuestion = new CancelStandingQuestion { QuestionId = "stopped" } }] : []);

        Assert.Equal(StatusCode.OK, status.StatusCode);
        var answers = responses.Where(r => r.Answer is not null).Select(r => r.Answer).ToList();
        var every = answers.Where(a => a.QuestionId == "every").Select(a => a.Text).ToList();
        var changes = answers.Where(a => a.QuestionId == "changes").Select(a => a.Text).ToList();
        Assert.Equal(clip.Windows, every.Count); // due at every window end (0.5 s period, 1 s windows)
        Assert.Equal(every.Where((t, i) => i == 0 || t != every[i - 1]), changes); // the same answers, repeats left out
        Assert.All(answers.Where(a => a.QuestionId == "stopped"), a => Assert.True(a.Span.EndPtsUs <= 3_000_000)); // none after its cancel
    }

    [Fact]
    public async Task Eight_concurrent_pruned_streams_are_all_answered_and_each_answers_as_if_alone()
    {
        var clips = await TinyClips.GetAsync();
        await using var server = await EndToEndServer.StartAsync();
        using var channel = server.CreateChannel();
        var together = await Task.WhenAll(Enumerable.Range(0, 8).Select(k =>
        {
            var c = clips[k % clips.Count];
            return EndToEndServer.RunClipAsync(channel, c, ClipStream.Open(c, $"cam-{k}", PruningPolicy.Fastav, ClipStream.Standing(c)));
        }));
        var alone = await EndToEndServer.RunClipAsync(channel, clips[0], ClipStream.Open(clips[0], "alone", PruningPolicy.Fastav, ClipStream.Standing(clips[0])));

        for (var k = 0; k < 8; k++)
        {
            Assert.Equal(StatusCode.OK, together[k].Status.StatusCode);
            var answers = EndToEndServer.FirstAnswers(together[k].Responses);
            Assert.Empty(together[k].Responses.Where(r => r.Warning is not null).Select(r => r.Warning.Message));
            Assert.Equal(clips[k % clips.Count].Questions.Select(q => q.Id).Order(), answers.Keys.Order());
            // The model's calibrated rule keeps 12 of 13 media tokens at K (benchmarks/results/calibrate-*): pruning is on, the saving small.
            Assert.All(answers.Values, a => Assert.True(a.Pruning.StreamFlops < a.Pruning.StreamFlopsUnpruned, $"FastAV pruning saved nothing before {a.QuestionId}"));
            var twin = EndToEndServer.FirstAnswers(together[(k + 4) % 8].Responses);
            Assert.Equal(twin.ToDictionary(a => a.Key, a => a.Value.Text), answers.ToDictionary(a => a.Key, a => a.Value.Text));
        }

        Assert.Equal(
            EndToEndServer.FirstAnswers(alone.Responses).ToDictionary(a => a.Key, a => (a.Value.Text, a.Value.Pruning.Flops, a.Value.Pruning.KvBytes)),
            EndToEndServer.FirstAnswers(together[0].Responses).ToDictionary(a => a.Key, a => (a.Value.Text, a.Value.Pruning.Flops, a.Value.Pruning.KvBytes)));
    }

    [Fact]
    public async Task A_stream_sent_faster_than_the_engine_keeps_up_drops_its_oldest_windows_and_says_so()
    {
        var clip = (await TinyClips.GetAsync())[3];
        await using var server = await EndToEndServer.StartAsync(inference: o => (o.MaxBacklogSeconds, o.MaxQueuedWindows) = (1, 1));
        using var channel = server.CreateChannel();

        // The device is saturated: the engine thread is held busy while the camera sends its six windows.
        using var busy = new SemaphoreSlim(0);
        server.Services.GetRequiredService<ModelHost>().Loop!.Post(() => busy.Wait());
        using var call = new LiveAnalytics.LiveAnalyticsClient(channel).Stream(new CallOptions(deadline: DateTime.UtcNow + EndToEndServer.Patience));
        await call.RequestStream.WriteAsync(new StreamRequest { Open = ClipStream.Open(clip, "burst", PruningPolicy.Fastav, []) });
        for (var w = 0; w < clip.Windows; w++)
        {
            foreach (var r in ClipStream.Window(clip, w)) await call.RequestStream.WriteAsync(r);
        }

        await call.RequestStream.CompleteAsync();
        await WaitForAsync(channel, "burst", s => s.WindowsDropped == 5);
        busy.Release();
        var responses = new List<StreamResponse>();
        while (await call.ResponseStream.MoveNext(CancellationToken.None)) responses.Add(call.ResponseStream.Current);

        Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
        var final = responses[^1].Stats;
        Assert.Equal(5UL, final.WindowsDropped); // a one-window queue keeps only the newest
        Assert.Equal(1UL, final.WindowsPrefilled);
        Assert.Equal(final.WindowsDropped * 2, final.FramesDropped);
        Assert.Contains(responses, r => r.Warning?.Code == WarningCode.FramesDropped);
    }

    [Fact]
    public async Task Ask_from_another_client_streams_the_answer_and_honours_deadlines()
    {
        var clip = (await TinyClips.GetAsync())[2];
        await using var server = await EndToEndServer.StartAsync();
        using var camera = server.CreateChannel();
        using var console = server.CreateChannel();
        using var call = new LiveAnalytics.LiveAnalyticsClient(camera).Stream(new CallOptions(deadline: DateTime.UtcNow + EndToEndServer.Patience));
        await call.RequestStream.WriteAsync(new StreamRequest { Open = ClipStream.Open(clip, "lobby", PruningPolicy.None, []) });
        for (var w = 0; w < clip.Windows; w++)
        {
            foreach (var r in ClipStream.Window(clip, w)) await call.RequestStream.WriteAsync(r);
        }

        // Window 5 is held until media passes its end by the lateness tolerance; 0..4 are in once the stats say so.
        await WaitForAsync(console, "lobby", s => s.WindowsPrefilled >= 5);
        var q = clip.Questions.First(x => x.Window == 4);
        using var ask = new LiveAnalytics.LiveAnalyticsClient(console).Ask(new AskRequest { StreamId = "lobby", Question = new Question { Text = q.Text, MaxTokens = 8 } }, new CallOptions(deadline: DateTime.UtcNow + EndToEndServer.Patience));
        var chunks = new List<AnswerChunk>();
        while (await ask.ResponseStream.MoveNext(CancellationToken.None)) chunks.Add(ask.ResponseStream.Current);
        Assert.Equal(StatusCode.OK, ask.GetStatus().StatusCode);
        var last = chunks[^1];
        Assert.True(last.Done);
        Assert.All(chunks[..^1], c => Assert.False(c.Done));
        Assert.StartsWith("ask-", last.QuestionId, StringComparison.Ordinal);
        Assert.All(chunks, c => Assert.Equal(last.QuestionId, c.QuestionId));
        Assert.Equal(last.Answer.Text, string.Concat(chunks.Select(c => c.Text)));
        Assert.Equal(last.Answer.TokenCount, last.TokenCount);
        Assert.Equal(5_000_000L, last.Answer.Span.EndPtsUs);

        // A deadline that passes while the engine is busy elsewhere: DEADLINE_EXCEEDED, and the question is withdrawn.
        using (var busy = new SemaphoreSlim(0))
        {
            server.Services.GetRequiredService<ModelHost>().Loop!.Post(() => busy.Wait());
            using var late = new LiveAnalytics.LiveAnalyticsClient(console).Ask(new AskRequest { StreamId = "lobby", Question = new Question { Text = q.Text } }, new CallOptions(deadline: DateTime.UtcNow.AddMilliseconds(300)));
            var expired = await Assert.ThrowsAsync<RpcException>(async () => { while (await late.ResponseStream.MoveNext(CancellationToken.None)) { } });
            Assert.Equal(StatusCode.DeadlineExceeded, expired.StatusCode);
            busy.Release();
        }

        using var missing = new LiveAnalytics.LiveAnalyticsClient(console).Ask(new AskRequest { StreamId = "attic", Question = new Question { Text = q.Text } });
        var notFound = await Assert.ThrowsAsync<RpcException>(async () => await missing.ResponseStream.MoveNext(CancellationToken.None));
        Assert.True(notFound.StatusCode == StatusCode.NotFound, notFound.Status.ToString());

        // The stream is still answering after all that.
        await call.RequestStream.WriteAsync(new StreamRequest { Question = new Question { QuestionId = "after", Text = q.Text, MaxTokens = 8 } });
        await call.RequestStream.CompleteAsync();
        var rest = new List<StreamResponse>();
        while (await call.ResponseStream.MoveNext(CancellationToken.None)) rest.Add(call.ResponseStream.Current);
        Assert.Contains(rest, r => r.Answer?.QuestionId == "after");
    }

    [Fact]
    public async Task A_stream_cut_off_mid_way_is_detached_and_a_reconnect_without_its_token_starts_over_and_is_answered()
    {
        var clip = (await TinyClips.GetAsync())[0];
        await using var server = await EndToEndServer.StartAsync();
        using var channel = server.CreateChannel();
        using (var cts = new CancellationTokenSource())
        {
            using var call = new LiveAnalytics.LiveAnalyticsClient(channel).Stream(new CallOptions(cancellationToken: cts.Token));
            await call.RequestStream.WriteAsync(new StreamRequest { Open = ClipStream.Open(clip, "gate", PruningPolicy.Fastav, ClipStream.Standing(clip)) });
            foreach (var r in ClipStream.Window(clip, 0).Concat(ClipStream.Window(clip, 1))) await call.RequestStream.WriteAsync(r);
            Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
            await cts.CancelAsync(); // the camera drops off the network
        }

        for (var i = 0; i < 200 && server.Registry.Find("gate")?.State != StreamState.Detached; i++) await Task.Delay(25);
        Assert.Equal(StreamState.Detached, server.Registry.Find("gate")?.State);

        // Hostile messages mid-stream on the reconnect: a frame of the wrong size and an empty request are counted, not fatal.
        var (responses, status) = await EndToEndServer.RunClipAsync(channel, clip, ClipStream.Open(clip, "gate", PruningPolicy.None, ClipStream.Standing(clip)),
            w => w == 2 ? [new StreamRequest { Video = new VideoFrame { PtsUs = 2_900_000, Data = ByteString.CopyFrom(new byte[7]) } }, new StreamRequest()] : []);
        Assert.Equal(StatusCode.OK, status.StatusCode);
        Assert.Contains(responses, r => r.Warning?.Code == WarningCode.PayloadSizeMismatch);
        Assert.Contains(responses, r => r.Warning?.Code == WarningCode.UnknownMessage);
        var answers = EndToEndServer.FirstAnswers(responses);
        Assert.All(clip.Questions, q => Assert.Equal(q.ModelAnswer, answers[q.Id].Text));
        Assert.False(responses[0].Accepted.Resumed);
        Assert.Equal(1L, server.Services.GetRequiredService<FastAV.Live.Server.Streams.DetachedStreams>().DiscardedTotal);
    }

    [Fact]
    public async Task A_client_that_never_reads_has_its_answers_dropped_and_counted_not_buffered()
    {
        var clip = (await TinyClips.GetAsync())[0];
        await using var server = await EndToEndServer.StartAsync(o => (o.StatsEveryMessages, o.ResponseQueueCapacity) = (1, 16));
        // A 64 KiB HTTP/2 stream window that this client never reopens by reading: the server's writer stalls
        // once it is full, and everything after waits in the call's bounded response queue or is dropped.
        using var stalled = GrpcChannel.ForAddress(server.Address, new GrpcChannelOptions { HttpHandler = new SocketsHttpHandler { InitialHttp2StreamWindowSize = 65535 } });
        using var console = server.CreateChannel();
        using var cts = new CancellationTokenSource(2 * EndToEndServer.Patience);
        using var call = new LiveAnalytics.LiveAnalyticsClient(stalled).Stream(new CallOptions(cancellationToken: cts.Token));
        await call.RequestStream.WriteAsync(new StreamRequest
        {
            Open = ClipStream.Open(clip, "deaf", PruningPolicy.Fastav, [new StandingQuestion { QuestionId = "count", Text = clip.Questions[0].Text, IntervalMs = 500, MaxTokens = 4 }]),
        });
        // Empty requests each draw a warning and a stats response, so the responses outgrow the window whatever the
        // timing; windows keep coming with a standing question every half second, until answers start being dropped.
        var sent = 1L;
        for (var t = 0; t < 300; t++)
        {
            for (var i = 0; i < 40; i++, sent++) await call.RequestStream.WriteAsync(new StreamRequest());
            foreach (var r in ClipStream.Window(clip, t % clip.Windows))
            {
                if (r.Video is { } v) v.PtsUs += (t - (t % clip.Windows)) * 1_000_000L;
                if (r.Audio is { } a) a.PtsUs += (t - (t % clip.Windows)) * 1_000_000L;
                await call.RequestStream.WriteAsync(r);
                sent++;
            }

            if (t % 5 == 4 && (await StatsOrNullAsync(console, "deaf"))?.AnswersDropped > 0)
            {
                break;
            }
        }

        // The server kept reading every request and answering; the answers it could not queue are counted.
        await WaitForAsync(console, "deaf", s => s.AnswersDropped > 0 && s.RequestsReceived == (ulong)sent && s.WindowsPrefilled > 0);
        await cts.CancelAsync();
    }

    /// <summary>The stream's stats, or null while the server has not read its StreamOpen yet (the client's writes are buffered ahead of the server's reads).</summary>
    private static async Task<StreamStats?> StatsOrNullAsync(GrpcChannel channel, string streamId)
    {
        try
        {
            return (await new LiveAnalytics.LiveAnalyticsClient(channel).GetStreamAsync(new GetStreamRequest { StreamId = streamId })).Stream.Stats;
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.NotFound)
        {
            return null;
        }
    }

    private static async Task WaitForAsync(GrpcChannel channel, string streamId, Func<StreamStats, bool> condition)
    {
        var deadline = DateTime.UtcNow + EndToEndServer.Patience;
        StreamStats? last = null;
        while (DateTime.UtcNow < deadline)
        {
            last = await StatsOrNullAsync(channel, streamId) ?? last;
            if (last is not null && condition(last)) return;

            await Task.Delay(20);
        }

        throw new TimeoutException($"stream {streamId} never reached the expected state; last stats: {last}");
    }
}
