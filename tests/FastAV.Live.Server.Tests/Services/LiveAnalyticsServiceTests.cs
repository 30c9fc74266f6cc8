using FastAV.Live.Contracts.V1;
using Grpc.Core;
using Grpc.Net.Client;
using FastAV.Live.Server.Services;
using Google.Protobuf;

namespace FastAV.Live.Server.Tests.Services;

/// <summary>Our C# client against LiveAnalytics on a real Kestrel server: statuses, limits, stats timing, hostile media.</summary>
public sealed class LiveAnalyticsServiceTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Theory]
    [InlineData("", "StreamOpen.stream_id: is required")]
    [InlineData("bad id", "StreamOpen.stream_id: may only contain")]
    [InlineData("-lead", "StreamOpen.stream_id: must start with a letter or digit")]
    public async Task Bad_stream_id_is_invalid_argument_naming_the_field(string id, string expected)
    {
        await using var server = await LiveServer.StartAsync();
        using var channel = server.CreateChannel();
        var status = await RunToEndAsync(channel, [new StreamRequest { Open = StreamMessages.Open(id) }]);
        Assert.Equal(StatusCode.InvalidArgument, status.Status.StatusCode);
        Assert.StartsWith(expected, status.Status.Detail, StringComparison.Ordinal);
        Assert.Empty(status.Responses);
    }

    [Fact]
    public async Task A_second_open_of_a_live_id_is_already_exists_and_the_first_stream_is_unaffected()
    {
        await using var server = await LiveServer.StartAsync();
        using var channel = server.CreateChannel();
        using var first = new LiveAnalytics.LiveAnalyticsClient(channel).Stream(new CallOptions(deadline: DateTime.UtcNow + Patience));
        await first.RequestStream.WriteAsync(StreamMessages.OpenRequest("door"));
        Assert.True(await first.ResponseStream.MoveNext());
        Assert.Equal("door", first.ResponseStream.Current.Accepted.StreamId);

        var second = await RunToEndAsync(channel, [StreamMessages.OpenRequest("door")]);
        Assert.Equal(StatusCode.AlreadyExists, second.Status.StatusCode);
        Assert.StartsWith("StreamOpen.stream_id: stream 'door' is already live", second.Status.Detail, StringComparison.Ordinal);

        await first.RequestStream.WriteAsync(StreamMessages.FrameRequest(0));
        await first.RequestStream.CompleteAsync();
        var rest = await DrainAsync(first.ResponseStream);
        Assert.Equal(1UL, rest[^1].Stats.VideoFramesAccepted);
        Assert.Equal(StatusCode.OK, first.GetStatus().StatusCode);
    }

    [Fact]
    public async Task Streams_beyond_the_limit_get_resource_exhausted()
    {
        await using var server = await LiveServer.StartAsync(o => o.MaxConcurrentStreams = 1);
        using var channel = server.CreateChannel();
        using var first = new LiveAnalytics.LiveAnalyticsClient(channel).Stream(new CallOptions(deadline: DateTime.UtcNow + Patience));
        await first.RequestStream.WriteAsync(StreamMessages.OpenRequest("a"));
        Assert.True(await first.ResponseStream.MoveNext());

        var second = await RunToEndAsync(channel, [StreamMessages.OpenRequest("b")]);
        Assert.Equal(StatusCode.ResourceExhausted, second.Status.StatusCode);
        Assert.Contains("MaxConcurrentStreams", second.Status.Detail, StringComparison.Ordinal);

        await first.RequestStream.CompleteAsync();
        await DrainAsync(first.ResponseStream);
        var third = await RunToEndAsync(channel, [StreamMessages.OpenRequest("b")]);
        Assert.Equal(StatusCode.OK, third.Status.StatusCode);
    }

    [Fact]
    public async Task A_second_open_on_the_same_call_is_invalid_argument()
    {
        await using var server = await LiveServer.StartAsync();
        using var channel = server.CreateChannel();
        var result = await RunToEndAsync(channel, [StreamMessages.OpenRequest("x"), StreamMessages.OpenRequest("y")]);
        Assert.Equal(StatusCode.InvalidArgument, result.Status.StatusCode);
        Assert.Equal("StreamRequest.open: StreamOpen may only be the first message of the call", result.Status.Detail);
        Assert.Equal(StreamResponse.KindOneofCase.Accepted, result.Responses[0].KindCase);
        Assert.True(result.Responses[^1].Stats.Final);
        Assert.Equal(0, server.Registry.Count);
    }

    [Fact]
    public async Task An_empty_call_is_invalid_argument()
    {
        await using var server = await LiveServer.StartAsync();
        using var channel = server.CreateChannel();
        var result = await RunToEndAsync(channel, []);
        Assert.Equal(StatusCode.InvalidArgument, result.Status.StatusCode);
        Assert.Equal("StreamRequest: the request stream ended before StreamOpen", result.Status.Detail);
    }

    [Fact]
    public async Task Stats_arrive_every_n_requests()
    {
        await using var server = await LiveServer.StartAsync(o =>
        {
            o.StatsInterval = TimeSpan.Zero;
            o.StatsEveryMessages = 3;
        });
        using var channel = server.CreateChannel();
        var requests = new List<StreamRequest> { StreamMessages.OpenRequest() };
        requests.AddRange(Enumerable.Range(0, 8).Select(i => StreamMessages.FrameRequest(i * 40_000L)));
        var result = await RunToEndAsync(channel, requests);

        Assert.Equal(StatusCode.OK, result.Status.StatusCode);
        Assert.Equal(3U, result.Responses[0].Accepted.StatsEveryMessages);
        var stats = result.Responses.Where(r => r.KindCase == StreamResponse.KindOneofCase.Stats).Select(r => r.Stats).ToList();
        // 9 requests (open included): periodic after the 3rd, 6th and 9th, then the final one.
        Assert.Equal([3UL, 6UL, 9UL, 9UL], stats.Select(s => s.RequestsReceived));
        Assert.Equal([2UL, 5UL, 8UL, 8UL], stats.Select(s => s.VideoFramesAccepted));
        Assert.Equal([false, false, false, true], stats.Select(s => s.Final));
    }

    [Fact]
    public async Task Stats_arrive_periodically_while_the_client_is_idle()
    {
        await using var server = await LiveServer.StartAsync(o => o.StatsInterval = TimeSpan.FromMilliseconds(10));
        using var channel = server.CreateChannel();
        using var call = new LiveAnalytics.LiveAnalyticsClient(channel).Stream(new CallOptions(deadline: DateTime.UtcNow + Patience));
        await call.RequestStream.WriteAsync(StreamMessages.OpenRequest());
        await call.RequestStream.WriteAsync(StreamMessages.FrameRequest(0));
        Assert.True(await call.ResponseStream.MoveNext());
        Assert.Equal(10U, call.ResponseStream.Current.Accepted.StatsIntervalMs);
        var periodic = new List<StreamStats>();
        // Three ticks at least, and until one has counted the frame (no assumption about timing).
        while ((periodic.Count < 3 || periodic[^1].VideoFramesAccepted == 0) && await call.ResponseStream.MoveNext())
        {
            periodic.Add(call.ResponseStream.Current.Stats);
        }

        Assert.All(periodic, s => Assert.False(s.Final));
        Assert.Equal(1UL, periodic[^1].VideoFramesAccepted);
        await call.RequestStream.CompleteAsync();
        var rest = await DrainAsync(call.ResponseStream);
        Assert.True(rest[^1].Stats.Final);
        Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
    }

    [Fact]
    public async Task With_resume_off_a_canceled_call_leaves_the_registry()
    {
        await using var server = await LiveServer.StartAsync(o => o.ResumeGracePeriod = TimeSpan.Zero);
        using var channel = server.CreateChannel();
        var call = new LiveAnalytics.LiveAnalyticsClient(channel).Stream(new CallOptions(deadline: DateTime.UtcNow + Patience));
        await call.RequestStream.WriteAsync(StreamMessages.OpenRequest("gone"));
        Assert.True(await call.ResponseStream.MoveNext());
        Assert.NotNull(server.Registry.Find("gone"));
        call.Dispose();
        using var waited = new CancellationTokenSource(Patience);
        while (server.Registry.Find("gone") is not null)
        {
            await Task.Delay(10, waited.Token);
        }

        var again = await RunToEndAsync(channel, [StreamMessages.OpenRequest("gone")]);
        Assert.Equal(StatusCode.OK, again.Status.StatusCode);
    }

    [Fact]
    public async Task Hostile_media_never_ends_the_stream_and_every_message_is_counted()
    {
        await using var server = await LiveServer.StartAsync(o =>
        {
            o.MaxVideoPayloadBytes = 1024;
            o.MaxWarningsPerStatsInterval = 5;
            o.StatsInterval = TimeSpan.Zero;   // no timer resetting the warning budget mid-test
            o.StatsEveryMessages = 1_000_000;
        });
        using var channel = server.CreateChannel();
        var random = new Random(7);
        var requests = new List<StreamRequest> { StreamMessages.OpenRequest() };
        for (var i = 0; i < 300; i++)
        {
            var junk = new byte[random.Next(0, 64)];
            random.NextBytes(junk);
            requests.Add((i % 6) switch
            {
                0 => new StreamRequest { Video = new VideoFrame { PtsUs = random.NextInt64(long.MinValue, 0), Data = ByteString.CopyFrom(junk) } },
                1 => new StreamRequest { Video = new VideoFrame { Codec = (VideoCodec)random.Next(7, int.MaxValue), Data = ByteString.CopyFrom(junk) } },
                2 => new StreamRequest { Video = new VideoFrame { Width = uint.MaxValue, Height = 1, Data = ByteString.CopyFrom(junk) } },
                3 => new StreamRequest { Audio = new AudioChunk { Data = ByteString.CopyFrom(new byte[321]) } },
                4 => new StreamRequest { Video = new VideoFrame { Data = ByteString.CopyFrom(new byte[2048]) } },
                _ => new StreamRequest(),
            });
        }

        requests.Add(StreamMessages.FrameRequest(0));
        var result = await RunToEndAsync(channel, requests);

        Assert.Equal(StatusCode.OK, result.Status.StatusCode);
        var final = result.Responses[^1].Stats;
        Assert.Equal((1UL, 200UL, 0UL, 50UL, 50UL), (final.VideoFramesAccepted, final.VideoFramesRejected, final.AudioChunksAccepted, final.AudioChunksRejected, final.UnknownMessages));
        Assert.Equal(302UL, final.RequestsReceived);
        var warnings = result.Responses.Count(r => r.KindCase == StreamResponse.KindOneofCase.Warning);
        Assert.Equal(5, warnings);
        Assert.Equal(295UL, final.WarningsSuppressed);
        Assert.Equal(250UL, final.Rejections.Aggregate(0UL, (sum, r) => sum + r.Count));
        var byCode = final.Rejections.ToDictionary(r => r.Code, r => r.Count);
        Assert.Equal((50UL, 50UL), (byCode[WarningCode.UnknownCodec], byCode[WarningCode.PayloadTooLarge]));
    }

    [Fact]
    public async Task Garbage_protobuf_after_open_ends_the_call_and_frees_the_stream_id()
    {
        await using var server = await LiveServer.StartAsync();
        using var channel = server.CreateChannel();
        using var call = RawCalls.Stream(channel, Patience);
        await call.RequestStream.WriteAsync(StreamMessages.OpenRequest("junk").ToByteArray());
        Assert.True(await call.ResponseStream.MoveNext());
        Assert.Equal("junk", call.ResponseStream.Current.Accepted.StreamId);
        await call.RequestStream.WriteAsync([0x0A, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]);   // length varint overflows
        var ex = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            while (await call.ResponseStream.MoveNext())
            {
            }
        });
        // The contract: bytes that are not a StreamRequest are INVALID_ARGUMENT (the library alone would answer UNKNOWN).
        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.StartsWith("StreamRequest: not a valid protobuf encoding", ex.Status.Detail, StringComparison.Ordinal);
        Assert.Null(server.Registry.Find("junk"));
        var again = await RunToEndAsync(channel, [StreamMessages.OpenRequest("junk")]);
        Assert.Equal(StatusCode.OK, again.Status.StatusCode);
    }

    [Fact]
    public async Task List_pages_through_streams_in_id_order()
    {
        await using var server = await LiveServer.StartAsync();
        using var channel = server.CreateChannel();
        var calls = new List<AsyncDuplexStreamingCall<StreamRequest, StreamResponse>>();
        foreach (var id in new[] { "cam-c", "cam-a", "mic-1", "cam-b" })
        {
            var call = new LiveAnalytics.LiveAnalyticsClient(channel).Stream(new CallOptions(deadline: DateTime.UtcNow + Patience));
            await call.RequestStream.WriteAsync(StreamMessages.OpenRequest(id));
            Assert.True(await call.ResponseStream.MoveNext());
            calls.Add(call);
        }

        var page1 = await new LiveAnalytics.LiveAnalyticsClient(channel).ListStreamsAsync(new ListStreamsRequest { PageSize = 2, StreamIdPrefix = "cam-" });
        Assert.Equal(["cam-a", "cam-b"], page1.Streams.Select(s => s.StreamId));
        Assert.Equal((3U, "cam-b"), (page1.TotalCount, page1.NextPageToken));
        var page2 = await new LiveAnalytics.LiveAnalyticsClient(channel).ListStreamsAsync(
            new ListStreamsRequest { PageSize = 2, StreamIdPrefix = "cam-", PageToken = page1.NextPageToken });
        Assert.Equal(["cam-c"], page2.Streams.Select(s => s.StreamId));
        Assert.Equal("", page2.NextPageToken);
        var all = await new LiveAnalytics.LiveAnalyticsClient(channel).ListStreamsAsync(new ListStreamsRequest());
        Assert.Equal(4, all.Streams.Count);

        var bad = await Assert.ThrowsAsync<RpcException>(() => new LiveAnalytics.LiveAnalyticsClient(channel).ListStreamsAsync(
            new ListStreamsRequest { PageToken = "%%%" }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, bad.StatusCode);
        Assert.StartsWith("ListStreamsRequest.page_token", bad.Status.Detail, StringComparison.Ordinal);

        foreach (var call in calls)
        {
            call.Dispose();
        }
    }

    [Fact]
    public async Task Ask_on_a_live_stream_is_failed_precondition_and_counted()
    {
        await using var server = await LiveServer.StartAsync();
        using var channel = server.CreateChannel();
        using var stream = new LiveAnalytics.LiveAnalyticsClient(channel).Stream(new CallOptions(deadline: DateTime.UtcNow + Patience));
        await stream.RequestStream.WriteAsync(StreamMessages.OpenRequest("lobby"));
        Assert.True(await stream.ResponseStream.MoveNext());

        using var ask = new LiveAnalytics.LiveAnalyticsClient(channel).Ask(
            new AskRequest { StreamId = "lobby", Question = new Question { Text = "how many people?" } });
        var ex = await Assert.ThrowsAsync<RpcException>(() => ask.ResponseStream.MoveNext());
        Assert.Equal(StatusCode.FailedPrecondition, ex.StatusCode);
        Assert.Equal(LiveStatusDetail.NoModelLoaded, ex.Status.Detail);

        var info = await new LiveAnalytics.LiveAnalyticsClient(channel).GetStreamAsync(new GetStreamRequest { StreamId = "lobby" });
        Assert.Equal(1UL, info.Stream.Stats.QuestionsReceived);
        await stream.RequestStream.CompleteAsync();
        await DrainAsync(stream.ResponseStream);
    }

    /// <summary>Sends everything, half-closes, reads to the end: the responses and the final status.</summary>

    private static Task<(List<StreamResponse> Responses, Status Status)> RunToEndAsync(GrpcChannel channel, IReadOnlyList<StreamRequest> requests) =>
        StreamCalls.RunToEndAsync(channel, requests, Patience);

    private static Task<List<StreamResponse>> DrainAsync(IAsyncStreamReader<StreamResponse> responses) => StreamCalls.DrainAsync(responses);
}
