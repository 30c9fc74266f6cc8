using System.Net;
using System.Net.Sockets;
using FastAV.Live.Contracts.V1;
using Grpc.Core;
using FastAV.Live.Media;

namespace FastAV.Live.Client.Tests;

/// <summary>The client library against the real server on loopback, streaming a clip made by ffmpeg.</summary>
public sealed class LiveAnalyticsClientTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_streamed_clip_is_accepted_and_the_final_stats_count_exactly_what_was_sent()
    {
        await using var server = await LoopbackServer.StartAsync();
        using var client = server.CreateClient();
        using var source = MediaSource.Open(TestClips.Clip);
        var open = OpenFor("clip", source.Info);

        await using var session = await client.OpenStreamAsync(open, Patience);
        Assert.Equal("clip", session.Accepted.StreamId);
        Assert.Equal(1000U, session.Accepted.WindowMs);
        var sender = new MediaSender(session, MediaPacing.AsFastAsPossible);
        await sender.SendAsync(source);
        await session.CompleteAsync();
        var responses = await ReadAllAsync(session);

        Assert.Equal(TestClips.VideoFrames, sender.VideoFramesSent);
        Assert.InRange(sender.AudioChunksSent, 31, 40); // 2 s of 1024-sample AAC frames at 16 kHz, plus priming
        var final = responses[^1].Stats;
        Assert.True(final.Final);
        Assert.Equal((ulong)sender.VideoFramesSent, final.VideoFramesAccepted);
        Assert.Equal((ulong)sender.AudioChunksSent, final.AudioChunksAccepted);
        Assert.Equal(0UL, final.VideoFramesRejected + final.AudioChunksRejected);
        Assert.Equal((ulong)sender.BytesSent, final.MediaBytesReceived);
        Assert.Equal((ulong)(1 + session.RequestsSent), final.RequestsReceived);
        Assert.Equal(sender.LastMediaTimeMicroseconds, Math.Max(final.LastVideoPtsUs, final.LastAudioPtsUs));
        // AAC's priming frame starts 64 ms (1024 samples at 16 kHz) before the video: it becomes media time 0,
        // and the last video frame (source pts 1.9 s) lands at 1.9 s + 64 ms.
        Assert.Equal(-64_000L, sender.Packets.OriginMicroseconds);
        Assert.Equal(1_964_000L, final.LastVideoPtsUs);
        Assert.Equal(0L, sender.Packets.ClampedCount);
        Assert.Equal(StatusCode.OK, session.TryGetStatus()?.StatusCode);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_question_on_the_stream_is_answered_or_fails_precisely_while_no_model_is_loaded(bool model)
    {
        await using var server = await LoopbackServer.StartAsync(model);
        using var client = server.CreateClient();
        using var source = MediaSource.Open(TestClips.Clip);
        await using var session = await client.OpenStreamAsync(OpenFor("asked", source.Info), Patience);
        await new MediaSender(session, MediaPacing.AsFastAsPossible).SendAsync(source);
        await session.AskAsync(new Question { QuestionId = "color", Text = "What is on the screen?" });
        await session.CompleteAsync();

        Assert.Equal(model, session.Accepted.ModelLoaded);
        if (model)
        {
            var responses = await ReadAllAsync(session);
            var answer = responses.Single(r => r.Answer?.QuestionId == "color").Answer;
            Assert.NotEmpty(answer.Text);
            Assert.False(answer.Standing);
            Assert.True(answer.Span.EndPtsUs > answer.Span.StartPtsUs);
            Assert.True(answer.TokenCount > 0);
            Assert.Equal(1UL, responses[^1].Stats.QuestionsReceived);
        }
        else
        {
            var ex = await Assert.ThrowsAsync<RpcException>(() => ReadAllAsync(session));
            Assert.Equal(StatusCode.FailedPrecondition, ex.StatusCode);
            Assert.Equal("no model loaded: the server runs ingest only, questions cannot be answered", ex.Status.Detail);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Ask_by_stream_id_streams_an_answer_or_fails_precisely_and_names_bad_input(bool model)
    {
        await using var server = await LoopbackServer.StartAsync(model);
        using var client = server.CreateClient();
        await using var session = await client.OpenStreamAsync(new StreamOpen { StreamId = "door", Video = H264Track() }, Patience);

        var question = new Question { Text = "Is anyone at the door?" };
        Assert.Equal(model, session.Accepted.ModelLoaded);
        if (model)
        {
            // Nothing has been sent on the stream: no media to answer from (issue 19 item 5; the contract's FAILED_PRECONDITION).
            var ex = await Assert.ThrowsAsync<RpcException>(() => client.AskAsync("door", question).ToListAsync().AsTask());
            Assert.Equal(StatusCode.FailedPrecondition, ex.StatusCode);
            Assert.StartsWith("no media yet", ex.Status.Detail, StringComparison.Ordinal);
        }
        else
        {
            var ex = await Assert.ThrowsAsync<RpcException>(() => client.AskAsync("door", question).ToListAsync().AsTask());
            Assert.Equal(StatusCode.FailedPrecondition, ex.StatusCode);
            Assert.StartsWith("no model loaded", ex.Status.Detail, StringComparison.Ordinal);
        }

        var missing = await Assert.ThrowsAsync<RpcException>(() => client.AskAsync("nobody", question).ToListAsync().AsTask());
        Assert.Equal(StatusCode.NotFound, missing.StatusCode);
        Assert.Equal("AskRequest.stream_id: no live stream 'nobody'", missing.Status.Detail);
        var empty = await Assert.ThrowsAsync<RpcException>(() => client.AskAsync("door", new Question { Text = "  " }).ToListAsync().AsTask());
        Assert.Equal(StatusCode.InvalidArgument, empty.StatusCode);
        Assert.StartsWith("AskRequest.question.text", empty.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListStreams_pages_through_every_stream_and_GetStream_shows_labels_standing_questions_and_counts()
    {
        await using var server = await LoopbackServer.StartAsync();
        using var client = server.CreateClient();
        var sessions = new List<LiveStreamSession>();
        foreach (var id in new[] { "cam-c", "cam-a", "mic-1", "cam-b" })
        {
            var open = new StreamOpen { StreamId = id, Video = H264Track() };
            open.Labels["site"] = "door-3";
            open.StandingQuestions.Add(new StandingQuestion { QuestionId = "anyone", Text = "Is anyone there?", IntervalMs = 2000 });
            sessions.Add(await client.OpenStreamAsync(open, Patience));
        }

        try
        {
            var all = await client.ListAllStreamsAsync(pageSize: 1).Select(s => s.StreamId).ToListAsync();
            Assert.Equal(["cam-a", "cam-b", "cam-c", "mic-1"], all);
            var page = await client.ListStreamsAsync(new ListStreamsRequest { PageSize = 2, StreamIdPrefix = "cam-" });
            Assert.Equal(3U, page.TotalCount);
            Assert.Equal(["cam-a", "cam-b"], page.Streams.Select(s => s.StreamId));
            Assert.NotEmpty(page.NextPageToken);
            Assert.Equal(["cam-a", "cam-b", "cam-c"], await client.ListAllStreamsAsync("cam-", 2).Select(s => s.StreamId).ToListAsync());

            var frame = Keyframe();
            await sessions[1].SendVideoAsync(new VideoFrame { PtsUs = 0, Data = frame, Keyframe = true });
            await sessions[1].SendVideoAsync(new VideoFrame { PtsUs = 100_000, Data = frame, Keyframe = true });
            // The server counts a frame once it has read it; poll GetStream until it has (no timing assumed).
            StreamInfo info;
            using var waited = new CancellationTokenSource(Patience);
            while ((info = await client.GetStreamAsync("cam-a")).Stats.VideoFramesAccepted < 2)
            {
                await Task.Delay(10, waited.Token);
            }

            Assert.Equal(StreamState.Live, info.State);
            Assert.Equal(2UL, info.Stats.VideoFramesAccepted);
            Assert.Equal((ulong)(2 * frame.Length), info.Stats.MediaBytesReceived);
            Assert.Equal("door-3", info.Labels["site"]);
            Assert.Equal("anyone", Assert.Single(info.StandingQuestions).QuestionId);
            Assert.Equal(2000U, info.StandingQuestions[0].IntervalMs);
            Assert.StartsWith("ipv4:127.0.0.1:", info.Peer, StringComparison.Ordinal);
        }
        finally
        {
            foreach (var session in sessions)
            {
                await session.DisposeAsync();
            }
        }

        var gone = await Assert.ThrowsAsync<RpcException>(() => client.GetStreamAsync("no-such"));
        Assert.Equal(StatusCode.NotFound, gone.StatusCode);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Standing_questions_are_registered_and_warned_about_or_answered_over_the_media(bool model)
    {
        await using var server = await LoopbackServer.StartAsync(model);
        using var client = server.CreateClient();
        using var source = MediaSource.Open(TestClips.Clip);
        var open = OpenFor("standing", source.Info);
        open.StandingQuestions.Add(new StandingQuestion { QuestionId = "q1", Text = "Is anyone there?", IntervalMs = 1000 });
        await using var session = await client.OpenStreamAsync(open, Patience);
        await session.AddStandingQuestionAsync(new StandingQuestion { QuestionId = "q2", Text = "Any sound?", IntervalMs = 500 });
        await session.CancelStandingQuestionAsync("never-added");
        var sender = new MediaSender(session, MediaPacing.AsFastAsPossible);
        await sender.SendAsync(source);
        await session.CompleteAsync();
        var responses = await ReadAllAsync(session);

        var warnings = responses.Where(r => r.Warning is not null).Select(r => r.Warning).ToList();
        Assert.Contains(warnings, w => w.Code == WarningCode.UnknownQuestion && w.Message.Contains("never-added", StringComparison.Ordinal));
        Assert.Equal(2U, responses[^1].Stats.StandingQuestions);
        var answers = responses.Where(r => r.Answer is not null).Select(r => r.Answer).ToList();
        if (model)
        {
            Assert.Contains(answers, a => a.QuestionId == "q1");
            Assert.All(answers, a => Assert.True(a.Standing));
            Assert.All(answers, a => Assert.InRange(a.Span.EndPtsUs, 1, sender.LastMediaTimeMicroseconds + 1_000_000));
            Assert.Equal((ulong)answers.Count, responses[^1].Stats.AnswersSent);
        }
        else
        {
            Assert.Empty(answers);
            Assert.Equal(2, warnings.Count(w => w.Code == WarningCode.NoModelLoaded));
        }
    }

    [Fact]
    public async Task A_call_past_its_deadline_ends_with_deadline_exceeded()
    {
        // Stats once an hour: an idle stream sends nothing until its deadline passes.
        await using var server = await LoopbackServer.StartAsync("--LiveAnalytics:StatsInterval", "01:00:00");
        using var client = server.CreateClient(new LiveClientOptions { StreamTimeout = TimeSpan.FromMilliseconds(300) });
        var stream = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            await using var session = await client.OpenStreamAsync(new StreamOpen { StreamId = "late", Video = H264Track() });
            await ReadAllAsync(session);
        });
        Assert.Equal(StatusCode.DeadlineExceeded, stream.StatusCode);

        var ask = await Assert.ThrowsAsync<RpcException>(
            () => client.AskAsync("late", new Question { Text = "hi" }, TimeSpan.FromTicks(1)).ToListAsync().AsTask());
        Assert.Equal(StatusCode.DeadlineExceeded, ask.StatusCode);
        var list = await Assert.ThrowsAsync<RpcException>(() => client.ListStreamsAsync(new ListStreamsRequest(), TimeSpan.FromTicks(1)));
        Assert.Equal(StatusCode.DeadlineExceeded, list.StatusCode);
    }

    [Fact]
    public async Task Every_call_to_a_server_that_is_down_is_unavailable()
    {
        using var client = LiveAnalyticsClient.Create($"http://127.0.0.1:{ClosedPort()}");
        var calls = new Func<Task>[]
        {
            () => client.ListStreamsAsync(new ListStreamsRequest()),
            () => client.GetStreamAsync("x"),
            () => client.AskAsync("x", new Question { Text = "hi" }).ToListAsync().AsTask(),
            () => client.OpenStreamAsync(new StreamOpen { StreamId = "x", Video = H264Track() }),
        };
        foreach (var call in calls)
        {
            var ex = await Assert.ThrowsAsync<RpcException>(call);
            Assert.Equal(StatusCode.Unavailable, ex.StatusCode);
            Assert.Contains("Connection refused", ex.Status.Detail, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task The_bearer_token_and_headers_go_on_every_call()
    {
        await using var server = await LoopbackServer.StartAsync();
        using var client = server.CreateClient(new LiveClientOptions { BearerToken = "s3cret.token", Headers = [new("x-tenant", "acme")] });
        await client.ListStreamsAsync(new ListStreamsRequest());
        await using (var session = await client.OpenStreamAsync(new StreamOpen { StreamId = "auth", Video = H264Track() }, Patience))
        {
            await session.CompleteAsync();
            await ReadAllAsync(session);
        }

        Assert.Equal(["Bearer s3cret.token", "Bearer s3cret.token"], server.Authorizations);
    }

    [Fact]
    public async Task A_refused_open_and_a_protocol_violation_surface_the_servers_status()
    {
        await using var server = await LoopbackServer.StartAsync();
        using var client = server.CreateClient();
        var bad = await Assert.ThrowsAsync<RpcException>(() => client.OpenStreamAsync(new StreamOpen { StreamId = "no spaces", Video = H264Track() }));
        Assert.Equal(StatusCode.InvalidArgument, bad.StatusCode);
        Assert.StartsWith("StreamOpen.stream_id:", bad.Status.Detail, StringComparison.Ordinal);

        await using var session = await client.OpenStreamAsync(new StreamOpen { StreamId = "twice", Video = H264Track() }, Patience);
        await session.SendAsync(new StreamRequest { Open = new StreamOpen { StreamId = "again" } });
        var ex = await Assert.ThrowsAsync<RpcException>(() => ReadAllAsync(session));
        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.Equal("StreamRequest.open: StreamOpen may only be the first message of the call", ex.Status.Detail);
        // A send after the server ended the call reports the server's status, not a transport error.
        var late = await Assert.ThrowsAsync<RpcException>(() => session.SendVideoAsync(new VideoFrame { PtsUs = 0, Data = Keyframe() }));
        Assert.Equal(StatusCode.InvalidArgument, late.StatusCode);
    }

    [Fact]
    public async Task Real_time_pacing_never_sends_media_ahead_of_the_clock()
    {
        await using var server = await LoopbackServer.StartAsync();
        using var client = server.CreateClient();
        using var source = MediaSource.Open(TestClips.Clip);
        await using var session = await client.OpenStreamAsync(OpenFor("paced", source.Info), Patience);
        var sender = new MediaSender(session, MediaPacing.RealTime);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await sender.SendAsync(source, maxDuration: TimeSpan.FromMilliseconds(600));
        var elapsed = clock.Elapsed;
        await session.CompleteAsync();
        var final = (await ReadAllAsync(session))[^1].Stats;

        // Media time t is sent no earlier than t after the start: a lower bound by construction, not a speed claim.
        Assert.True(elapsed >= TimeSpan.FromMicroseconds(sender.LastMediaTimeMicroseconds), $"{elapsed} < {sender.LastMediaTimeMicroseconds} µs");
        Assert.Equal(6, sender.VideoFramesSent); // pts 0..500 ms at 10 fps; 600 ms ends the send
        Assert.Equal(6UL, final.VideoFramesAccepted);
        Assert.True(sender.LastMediaTimeMicroseconds < 600_000);
    }

    internal static StreamOpen OpenFor(string id, MediaStreamInfo info) =>
        new() { StreamId = id, Video = MediaPackets.VideoFormat(info), Audio = MediaPackets.AudioFormat(info) };

    internal static VideoFormat H264Track() => new() { Codec = Contracts.V1.VideoCodec.H264, Width = 160, Height = 120, FrameRate = 10 };

    internal static async Task<List<StreamResponse>> ReadAllAsync(LiveStreamSession session)
    {
        using var cts = new CancellationTokenSource(Patience);
        var responses = new List<StreamResponse>();
        await foreach (var response in session.ReadResponsesAsync(cts.Token))
        {
            responses.Add(response);
        }

        return responses;
    }

    /// <summary>The first video packet of the clip (an H.264 IDR access unit in Annex B).</summary>
    private static Google.Protobuf.ByteString Keyframe()
    {
        using var source = MediaSource.Open(TestClips.Clip);
        while (source.ReadPacket() is { } packet)
        {
            if (packet is VideoPacket { IsKeyframe: true } video)
            {
                return Google.Protobuf.ByteString.CopyFrom(video.Data);
            }
        }

        throw new InvalidOperationException("the clip has no keyframe");
    }

    internal static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
