using FastAV.Live.Contracts.V1;
using FastAV.Live.Server.Inference;
using FastAV.Live.Server.Streams;
using FastAV.Live.Server.Tests.EndToEnd;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;

namespace FastAV.Live.Server.Tests.Streams;

/// <summary>
/// Resume of detached streams on the real server over loopback: a call that ends without the client's half-close
/// detaches its stream (KV cache, standing questions, counters, answers kept), StreamOpen with the id and token
/// reattaches it. Answers are checked against the PyTorch model's over the same media, so a cache that was not kept
/// whole would show.
/// </summary>
public sealed class DetachedStreamsTests
{
    private static readonly TimeSpan Patience = EndToEndServer.Patience;

    [Fact]
    public async Task A_dropped_stream_is_detached_asked_while_detached_and_resumed_with_its_cache_standing_questions_and_counters()
    {
        var clip = (await TinyClips.GetAsync())[0];
        await using var server = await EndToEndServer.StartAsync();
        using var channel = server.CreateChannel();
        var client = new LiveAnalytics.LiveAnalyticsClient(channel);
        var open = ClipStream.Open(clip, "porch", PruningPolicy.None, ClipStream.Standing(clip));
        var half = clip.Windows / 2;

        var before = new List<StreamResponse>();
        string token;
        using (var cts = new CancellationTokenSource())
        {
            using var call = client.Stream(new CallOptions(cancellationToken: cts.Token));
            await call.RequestStream.WriteAsync(new StreamRequest { Open = open });
            Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
            var accepted = call.ResponseStream.Current.Accepted;
            token = accepted.ResumeToken;
            var reader = CollectAsync(call.ResponseStream, before);
            Assert.False(accepted.Resumed);
            Assert.Equal(30_000u, accepted.ResumeGracePeriodMs);
            Assert.True(token.Length >= 32, $"token '{token}'");
            for (var w = 0; w < half; w++)
            {
                foreach (var r in ClipStream.Window(clip, w)) await call.RequestStream.WriteAsync(r);
            }

            await WaitForAsync(channel, "porch", s => s.WindowsPrefilled >= (ulong)(half - 1));
            await cts.CancelAsync(); // the network drops
            await reader;
        }

        await WaitForStateAsync(channel, "porch", StreamState.Detached);
        var detached = (await client.GetStreamAsync(new GetStreamRequest { StreamId = "porch" })).Stream;
        Assert.Equal(clip.Questions.Count, detached.StandingQuestions.Count);
        var list = await client.ListStreamsAsync(new ListStreamsRequest());
        Assert.Equal(StreamState.Detached, Assert.Single(list.Streams).State);
        Assert.Equal((1u, 1UL), (list.Server.DetachedStreams, list.Server.DetachedTotal));

        // Ask works on the detached stream: it covers what was prefilled before the drop.
        var early = clip.Questions.First(q => q.Window == 0);
        using (var ask = client.Ask(new AskRequest { StreamId = "porch", Question = new Question { Text = early.Text, MaxTokens = 8 } }, new CallOptions(deadline: DateTime.UtcNow + Patience)))
        {
            AnswerChunk? last = null;
            while (await ask.ResponseStream.MoveNext(CancellationToken.None)) last = ask.ResponseStream.Current;
            Assert.True(last is { Done: true }, "Ask on a detached stream got no answer");
            Assert.True(last!.Answer.Span.EndPtsUs >= 1_000_000L);
        }

        // The camera reconnects with its token and goes on where its timeline left off.
        using var resumed = client.Stream(new CallOptions(deadline: DateTime.UtcNow + Patience));
        await resumed.RequestStream.WriteAsync(new StreamRequest { Open = ClipStream.Open(clip, "porch", PruningPolicy.None, ClipStream.Standing(clip)).WithToken(token) });
        for (var w = half; w < clip.Windows; w++)
        {
            foreach (var r in ClipStream.Window(clip, w)) await resumed.RequestStream.WriteAsync(r);
        }

        await resumed.RequestStream.CompleteAsync();
        var after = await StreamCalls.DrainAsync(resumed.ResponseStream);
        Assert.Equal(StatusCode.OK, resumed.GetStatus().StatusCode);
        Assert.True(after[0].Accepted.Resumed);
        Assert.Equal(token, after[0].Accepted.ResumeToken);
        Assert.Equal(PruningPolicy.None, after[0].Accepted.Pruning.Policy);

        // Every standing answer of the whole clip, over both calls, equals the PyTorch model's over the uninterrupted
        // media — so the KV cache of the first half was kept — and none came twice.
        var answers = before.Concat(after).Where(r => r.Answer is not null).Select(r => r.Answer).ToList();
        Assert.Equal(answers.Count, answers.Select(a => (a.QuestionId, a.Span.EndPtsUs)).Distinct().Count());
        var first = EndToEndServer.FirstAnswers(after);
        Assert.All(clip.Questions.Where(q => q.Window >= half), q => Assert.Equal((q.ModelAnswer, (q.Window + 1) * 1_000_000L), (first[q.Id].Text, first[q.Id].Span.EndPtsUs)));
        Assert.All(clip.Questions.Where(q => q.Window < half), q => Assert.All(answers.Where(a => a.QuestionId == q.Id && a.Span.EndPtsUs == (q.Window + 1) * 1_000_000L), a => Assert.Equal(q.ModelAnswer, a.Text)));

        var final = after[^1].Stats;
        Assert.True(final.Final);
        Assert.Equal((ulong)clip.Windows, final.WindowsPrefilled);
        Assert.Equal(1u, final.Resumes);
        Assert.Equal((ulong)(clip.Windows * (clip.FramesPerWindow + 1)), final.VideoFramesAccepted + final.AudioChunksAccepted);
        Assert.Equal(0UL, final.VideoFramesRejected + final.AudioChunksRejected);
        Assert.Equal(1UL, final.QuestionsReceived); // the Ask while detached
        var server2 = (await client.ListStreamsAsync(new ListStreamsRequest())).Server;
        Assert.Equal((0u, 1UL, 0u), (server2.DetachedStreams, server2.ResumedTotal, server2.Streams));
    }

    [Fact]
    public async Task Answers_produced_while_detached_arrive_first_on_resume_none_lost_none_duplicated()
    {
        var clip = (await TinyClips.GetAsync())[1];
        await using var server = await EndToEndServer.StartAsync();
        using var channel = server.CreateChannel();
        var client = new LiveAnalytics.LiveAnalyticsClient(channel);
        var open = ClipStream.Open(clip, "yard", PruningPolicy.None, ClipStream.Standing(clip));
        var adhoc = clip.Questions[^1];

        // The engine is held busy while the camera sends the whole clip and a question, then drops: every answer is
        // produced after the drop, into the detached stream's buffer.
        using var busy = new SemaphoreSlim(0);
        var token = await SendWholeClipAndDropAsync(server.Services, channel, clip, open, new Question { QuestionId = "adhoc", Text = adhoc.Text, MaxTokens = 8 }, busy);
        busy.Release();

        // Standing question q fires every (window + 1) s of media; plus the ad-hoc one.
        var expected = clip.Questions.Sum(q => clip.Windows / (q.Window + 1)) + 1;
        var route = server.Registry.Find("yard")!.Route!;
        await WaitUntilAsync(() => route.BufferedAnswers == expected, () => $"{route.BufferedAnswers} of {expected} answers buffered");

        using var resumed = client.Stream(new CallOptions(deadline: DateTime.UtcNow + Patience));
        await resumed.RequestStream.WriteAsync(new StreamRequest { Open = open.Clone().WithToken(token) });
        await resumed.RequestStream.CompleteAsync();
        var responses = await StreamCalls.DrainAsync(resumed.ResponseStream);
        Assert.Equal(StatusCode.OK, resumed.GetStatus().StatusCode);
        Assert.True(responses[0].Accepted.Resumed);
        var buffered = responses.Skip(1).Take(expected).ToList();
        Assert.All(buffered, r => Assert.NotNull(r.Answer)); // right after StreamAccepted, before anything else
        var answers = responses.Where(r => r.Answer is not null).Select(r => r.Answer).ToList();
        Assert.Equal(expected, answers.Count); // nothing more: none duplicated
        Assert.Equal(expected, answers.Select(a => (a.QuestionId, a.Span.EndPtsUs)).Distinct().Count());
        Assert.Equal(adhoc.ModelAnswer, Assert.Single(answers, a => a.QuestionId == "adhoc").Text);
        var first = EndToEndServer.FirstAnswers(responses);
        Assert.All(clip.Questions, q => Assert.Equal(q.ModelAnswer, first[q.Id].Text));
        var final = responses[^1].Stats;
        Assert.Equal((ulong)expected, final.AnswersSent);
        Assert.Equal(0UL, final.DetachedAnswersDropped);
    }

    [Fact]
    public async Task A_detached_buffer_keeps_the_oldest_answers_and_counts_the_rest()
    {
        var clip = (await TinyClips.GetAsync())[2];
        await using var server = await EndToEndServer.StartAsync(o => o.MaxDetachedAnswers = 2);
        using var channel = server.CreateChannel();
        var client = new LiveAnalytics.LiveAnalyticsClient(channel);
        var every = new StandingQuestion { QuestionId = "every", Text = clip.Questions[0].Text, IntervalMs = 1000, MaxTokens = 4 };
        var open = ClipStream.Open(clip, "lot", PruningPolicy.None, [every]);
        using var busy = new SemaphoreSlim(0);
        var token = await SendWholeClipAndDropAsync(server.Services, channel, clip, open, new Question { QuestionId = "barrier", Text = every.Text, MaxTokens = 4 }, busy);
        busy.Release();
        await WaitForAsync(channel, "lot", s => s.DetachedAnswersDropped == (ulong)(clip.Windows + 1 - 2));

        using var resumed = client.Stream(new CallOptions(deadline: DateTime.UtcNow + Patience));
        await resumed.RequestStream.WriteAsync(new StreamRequest { Open = open.Clone().WithToken(token) });
        await resumed.RequestStream.CompleteAsync();
        var responses = await StreamCalls.DrainAsync(resumed.ResponseStream);
        var answers = responses.Where(r => r.Answer is not null).Select(r => r.Answer).ToList();
        Assert.Equal([1_000_000L, 2_000_000L], answers.Select(a => a.Span.EndPtsUs)); // the two oldest
        Assert.Equal((ulong)(clip.Windows - 1), responses[^1].Stats.DetachedAnswersDropped);
    }

    [Fact]
    public async Task A_wrong_token_or_another_id_is_not_found_and_leaves_the_detached_stream_resumable()
    {
        await using var server = await LiveServer.StartAsync();
        using var channel = server.CreateChannel();
        var client = new LiveAnalytics.LiveAnalyticsClient(channel);
        var token = await OpenAndDropAsync(client, "gate-a");
        await OpenAndDropAsync(client, "gate-b");
        await WaitForStateAsync(channel, "gate-a", StreamState.Detached);

        var wrong = await ResumeAsync(channel, "gate-a", token[..^1] + (token[^1] == 'A' ? 'B' : 'A'));
        var otherId = await ResumeAsync(channel, "gate-b", token);
        var unknown = await ResumeAsync(channel, "gate-c", token);
        foreach (var (_, status) in new[] { wrong, otherId, unknown })
        {
            Assert.Equal(StatusCode.NotFound, status.StatusCode);
            Assert.Equal(unknown.Status.Detail, status.Detail); // one message: whether the id exists is not told
        }

        Assert.Equal(StreamState.Detached, server.Registry.Find("gate-a")!.State);
        var (responses, ok) = await ResumeAsync(channel, "gate-a", token);
        Assert.Equal(StatusCode.OK, ok.StatusCode);
        Assert.True(responses[0].Accepted.Resumed);
        Assert.Equal(1u, responses[^1].Stats.Resumes);

        // Once closed by its half-close, the token is worth nothing.
        Assert.Null(server.Registry.Find("gate-a"));
        Assert.Equal(StatusCode.NotFound, (await ResumeAsync(channel, "gate-a", token)).Status.StatusCode);
    }

    [Fact]
    public async Task A_half_close_closes_the_stream_and_resume_off_gives_no_token()
    {
        await using (var server = await LiveServer.StartAsync())
        {
            using var channel = server.CreateChannel();
            var (responses, status) = await StreamCalls.RunToEndAsync(channel, [StreamMessages.OpenRequest("closed")], Patience);
            Assert.Equal(StatusCode.OK, status.StatusCode);
            Assert.Null(server.Registry.Find("closed"));
            Assert.Equal(StatusCode.NotFound, (await ResumeAsync(channel, "closed", responses[0].Accepted.ResumeToken)).Status.StatusCode);
            Assert.Equal(0L, server.Services.GetRequiredService<DetachedStreams>().DetachedTotal);
        }

        await using (var off = await LiveServer.StartAsync(o => o.ResumeGracePeriod = TimeSpan.Zero))
        {
            using var channel = off.CreateChannel();
            var client = new LiveAnalytics.LiveAnalyticsClient(channel);
            Assert.Equal("", await OpenAndDropAsync(client, "plain"));
            for (var i = 0; i < 400 && off.Registry.Find("plain") is not null; i++) await Task.Delay(25);
            Assert.Null(off.Registry.Find("plain"));
        }
    }

    [Theory]
    [InlineData("expired")]
    [InlineData("evicted")]
    public async Task A_detached_stream_past_its_grace_period_or_evicted_by_the_size_limit_is_freed_counted_and_not_found(string how)
    {
        // Its own fastav process, so the live tensor count it reports is this test's alone.
        var clip = (await TinyClips.GetAsync())[3];
        var settings = how == "expired"
            ? new[] { "--LiveAnalytics:ResumeGracePeriod", "00:00:01" }
            : ["--LiveAnalytics:MaxDetachedKvBytes", "1"];
        var (process, address) = await Hosting.FastavProcess.StartAsync(Patience, [.. settings, "--Inference:MaxBacklogSeconds", "60", "--Inference:MaxQueuedWindows", "64"]);
        using (process)
        {
            using var channel = GrpcChannel.ForAddress(address);
            var client = new LiveAnalytics.LiveAnalyticsClient(channel);

            // A first stream, closed normally, warms the model up; the count after it is the baseline.
            var open = ClipStream.Open(clip, "warm", PruningPolicy.Fastav, ClipStream.Standing(clip));
            var (_, warm) = await EndToEndServer.RunClipAsync(channel, clip, open);
            Assert.Equal(StatusCode.OK, warm.StatusCode);
            var baseline = (await client.ListStreamsAsync(new ListStreamsRequest())).Server;
            Assert.Equal(0UL, baseline.KvBytes);

            string token;
            using (var cts = new CancellationTokenSource())
            {
                using var call = client.Stream(new CallOptions(cancellationToken: cts.Token));
                await call.RequestStream.WriteAsync(new StreamRequest { Open = ClipStream.Open(clip, "dropped", PruningPolicy.Fastav, ClipStream.Standing(clip)) });
                Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
                token = call.ResponseStream.Current.Accepted.ResumeToken;
                for (var w = 0; w < clip.Windows; w++)
                {
                    foreach (var r in ClipStream.Window(clip, w)) await call.RequestStream.WriteAsync(r);
                }

                await WaitForAsync(channel, "dropped", s => s.WindowsPrefilled >= 3);
                var holding = (await client.ListStreamsAsync(new ListStreamsRequest())).Server;
                Assert.True(holding.LiveTensors > baseline.LiveTensors && holding.KvBytes > 0, $"{holding}");
                await cts.CancelAsync();
            }

            ServerStats? now = null;
            await WaitUntilAsync(
                async () => (now = (await client.ListStreamsAsync(new ListStreamsRequest())).Server) is { Streams: 0 } s && s.LiveTensors == baseline.LiveTensors,
                () => $"baseline {baseline}; now {now}");
            var counted = how == "expired" ? (now!.DetachedExpiredTotal, now.DetachedEvictedTotal) : (now!.DetachedEvictedTotal, now.DetachedExpiredTotal);
            Assert.True(counted == (1UL, 0UL), $"counted as {how} and the other way: {counted}; {now}");
            Assert.Equal((1UL, 0u, 0UL, baseline.LiveTensorBytes), (now.DetachedTotal, now.DetachedStreams, now.KvBytes, now.LiveTensorBytes));
            Assert.Equal(StatusCode.NotFound, (await ResumeAsync(channel, "dropped", token, ClipStream.Open(clip, "dropped", PruningPolicy.Fastav, []))).Status.StatusCode);
        }
    }

    // Everything the call delivers until it is cancelled.
    private static async Task CollectAsync(IAsyncStreamReader<StreamResponse> responses, List<StreamResponse> into)
    {
        try
        {
            while (await responses.MoveNext(CancellationToken.None)) into.Add(responses.Current);
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.Cancelled)
        {
        }
    }

    /// <summary>
    /// Opens the stream, holds the engine busy (until <paramref name="busy"/> is released), sends the whole clip and
    /// <paramref name="question"/>, then drops the call without a half-close once the server has read the question, and
    /// waits for the detach: every answer is produced after the drop, into the detached stream's buffer. Returns the token.
    /// </summary>
    private static async Task<string> SendWholeClipAndDropAsync(IServiceProvider services, GrpcChannel channel, Clip clip, StreamOpen open, Question question, SemaphoreSlim busy)
    {
        using var cts = new CancellationTokenSource();
        using var call = new LiveAnalytics.LiveAnalyticsClient(channel).Stream(new CallOptions(cancellationToken: cts.Token));
        await call.RequestStream.WriteAsync(new StreamRequest { Open = open });
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
        var token = call.ResponseStream.Current.Accepted.ResumeToken;
        services.GetRequiredService<ModelHost>().Loop!.Post(() => busy.Wait());
        for (var w = 0; w < clip.Windows; w++)
        {
            foreach (var r in ClipStream.Window(clip, w)) await call.RequestStream.WriteAsync(r);
        }

        await call.RequestStream.WriteAsync(new StreamRequest { Question = question });
        await WaitForAsync(channel, open.StreamId, s => s.QuestionsReceived == 1);
        await cts.CancelAsync();
        await WaitForStateAsync(channel, open.StreamId, StreamState.Detached);
        return token;
    }

    private static async Task<string> OpenAndDropAsync(LiveAnalytics.LiveAnalyticsClient client, string id)
    {
        using var cts = new CancellationTokenSource();
        using var call = client.Stream(new CallOptions(cancellationToken: cts.Token));
        await call.RequestStream.WriteAsync(StreamMessages.OpenRequest(id));
        await call.RequestStream.WriteAsync(StreamMessages.FrameRequest(0));
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
        var token = call.ResponseStream.Current.Accepted.ResumeToken;
        await cts.CancelAsync();
        return token;
    }

    private static Task<(List<StreamResponse> Responses, Status Status)> ResumeAsync(GrpcChannel channel, string id, string token, StreamOpen? open = null) =>
        StreamCalls.RunToEndAsync(channel, [new StreamRequest { Open = (open ?? StreamMessages.Open(id)).WithToken(token) }], Patience);

    private static Task WaitForStateAsync(GrpcChannel channel, string id, StreamState state) =>
        WaitUntilAsync(async () => (await new LiveAnalytics.LiveAnalyticsClient(channel).GetStreamAsync(new GetStreamRequest { StreamId = id })).Stream.State == state, () => $"{id} never became {state}");

    private static Task WaitForAsync(GrpcChannel channel, string id, Func<StreamStats, bool> condition)
    {
        StreamStats? last = null;
        return WaitUntilAsync(
            async () =>
            {
                try
                {
                    last = (await new LiveAnalytics.LiveAnalyticsClient(channel).GetStreamAsync(new GetStreamRequest { StreamId = id })).Stream.Stats;
                    return condition(last);
                }
                catch (RpcException e) when (e.StatusCode == StatusCode.NotFound)
                {
                    return false;
                }
            },
            () => $"stream {id}; last stats {last}");
    }

    private static Task WaitUntilAsync(Func<bool> condition, Func<string> describe) => WaitUntilAsync(() => Task.FromResult(condition()), describe);

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, Func<string> describe)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (DateTime.UtcNow < deadline)
        {
            if (await condition()) return;
            await Task.Delay(20);
        }

        throw new TimeoutException(describe());
    }
}

/// <summary>The StreamOpen a client sends to resume: its original open with the token.</summary>
internal static class ResumeOpen
{
    public static StreamOpen WithToken(this StreamOpen open, string token)
    {
        var copy = open.Clone();
        copy.ResumeToken = token;
        return copy;
    }
}
