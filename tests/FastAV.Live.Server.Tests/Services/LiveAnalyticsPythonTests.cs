using System.Text.Json.Nodes;
using FastAV.Live.Contracts.V1;

namespace FastAV.Live.Server.Tests.Services;

/// <summary>Cross-language: the official gRPC Python client (grpcio, stubs generated from protos/) against our server.</summary>
public sealed class LiveAnalyticsPythonTests : IAsyncLifetime
{
    private LiveServer _server = null!;

    public async Task InitializeAsync() =>
        _server = await LiveServer.StartAsync(o => o.StatsInterval = TimeSpan.FromMilliseconds(20));

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Stream_counts_good_and_bad_media_and_ends_ok_with_final_stats()
    {
        var requests = new JsonArray(
            PythonProbe.Json(StreamMessages.OpenRequest("py-cam")),
            PythonProbe.Json(StreamMessages.FrameRequest(0)),
            PythonProbe.Json(StreamMessages.FrameRequest(40_000)),
            PythonProbe.Json(StreamMessages.FrameRequest(80_000, bytes: 5)),       // wrong size for 4x2 RGB24
            PythonProbe.Json(StreamMessages.FrameRequest(80_000)),
            PythonProbe.Json(StreamMessages.ChunkRequest(0)),
            PythonProbe.Json(StreamMessages.ChunkRequest(10_000)),
            PythonProbe.Json(StreamMessages.ChunkRequest(10_000, bytes: 321)),     // odd bytes for S16LE mono
            PythonProbe.Json(StreamMessages.ChunkRequest(-1_000_000)));            // negative pts
        var result = await PythonProbe.RunAsync(_server.Target, new JsonObject { ["stream"] = new JsonObject { ["requests"] = requests } });

        var stream = result["stream"]!;
        Assert.Equal("OK", (string?)stream["code"]);
        var responses = stream["responses"]!.AsArray().Select(PythonProbe.Parse<StreamResponse>).ToList();
        Assert.Equal("py-cam", responses[0].Accepted.StreamId);
        Assert.False(responses[0].Accepted.ModelLoaded);
        Assert.Equal(PruningPolicy.Fastav, responses[0].Accepted.Pruning.Policy);
        var warnings = responses.Where(r => r.KindCase == StreamResponse.KindOneofCase.Warning).Select(r => r.Warning).ToList();
        Assert.Equal([WarningCode.PayloadSizeMismatch, WarningCode.PayloadSizeMismatch, WarningCode.PtsNotMonotonic], warnings.Select(w => w.Code));
        Assert.Equal([3UL, 7UL, 8UL], warnings.Select(w => w.RequestIndex));
        Assert.Contains("VideoFrame.data", warnings[0].Message, StringComparison.Ordinal);

        var final = responses[^1].Stats;
        Assert.True(final.Final);
        Assert.Equal(1, responses.Count(r => r.Stats?.Final == true));
        Assert.Equal((3UL, 1UL, 2UL, 2UL), (final.VideoFramesAccepted, final.VideoFramesRejected, final.AudioChunksAccepted, final.AudioChunksRejected));
        Assert.Equal(9UL, final.RequestsReceived);
        Assert.Equal(80_000, final.LastVideoPtsUs);
        Assert.Equal(10_000, final.LastAudioPtsUs);
        Assert.Equal(80_000, final.MediaDurationUs);
        Assert.Equal((ulong)((24 * 3) + 5 + (320 * 3) + 321), final.MediaBytesReceived);
        Assert.Equal(
            [(WarningCode.PayloadSizeMismatch, 2UL), (WarningCode.PtsNotMonotonic, 1UL)],
            final.Rejections.Select(r => (r.Code, r.Count)));
        Assert.Equal(0, _server.Registry.Count);
    }

    [Fact]
    public async Task Streams_are_listed_while_open_and_gone_after_and_ask_has_no_model()
    {
        var script = new JsonObject
        {
            ["stream"] = new JsonObject
            {
                ["requests"] = new JsonArray(PythonProbe.Json(StreamMessages.OpenRequest("py-door")), PythonProbe.Json(StreamMessages.FrameRequest(0))),
                ["await_requests_counted"] = true,
                ["while_open"] = new JsonArray(
                    Call("GetStream", new GetStreamRequest { StreamId = "py-door" }),
                    Call("ListStreams", new ListStreamsRequest()),
                    Call("Ask", new AskRequest { StreamId = "py-door", Question = new Question { Text = "anyone there?" } })),
            },
            ["calls"] = new JsonArray(
                Call("GetStream", new GetStreamRequest { StreamId = "py-door" }),
                Call("Ask", new AskRequest { StreamId = "py-door", Question = new Question { Text = "anyone there?" } }),
                Call("GetStream", new GetStreamRequest { StreamId = "bad id!" })),
        };
        var result = await PythonProbe.RunAsync(_server.Target, script);

        Assert.Equal("OK", (string?)result["stream"]!["code"]);
        var whileOpen = result["while_open"]!.AsArray();
        Assert.Equal("OK", (string?)whileOpen[0]!["code"]);
        var info = PythonProbe.Parse<GetStreamResponse>(whileOpen[0]!["responses"]![0]).Stream;
        Assert.Equal(("py-door", StreamState.Live, 1UL), (info.StreamId, info.State, info.Stats.VideoFramesAccepted));
        Assert.StartsWith("ipv4:127.0.0.1:", info.Peer, StringComparison.Ordinal);
        var list = PythonProbe.Parse<ListStreamsResponse>(whileOpen[1]!["responses"]![0]);
        Assert.Equal(["py-door"], list.Streams.Select(s => s.StreamId));
        Assert.Equal(1U, list.TotalCount);
        Assert.Equal(("FAILED_PRECONDITION", "no model loaded"), ((string?)whileOpen[2]!["code"], ((string?)whileOpen[2]!["details"])![..15]));

        var after = result["calls"]!.AsArray();
        Assert.Equal("NOT_FOUND", (string?)after[0]!["code"]);
        Assert.Contains("GetStreamRequest.stream_id", (string?)after[0]!["details"], StringComparison.Ordinal);
        Assert.Equal("NOT_FOUND", (string?)after[1]!["code"]);
        Assert.Contains("AskRequest.stream_id", (string?)after[1]!["details"], StringComparison.Ordinal);
        Assert.Equal("INVALID_ARGUMENT", (string?)after[2]!["code"]);
    }

    [Fact]
    public async Task A_question_ends_the_stream_with_failed_precondition_after_final_stats()
    {
        var requests = new JsonArray(
            PythonProbe.Json(StreamMessages.OpenRequest("py-q")),
            PythonProbe.Json(StreamMessages.FrameRequest(0)),
            PythonProbe.Json(StreamMessages.QuestionRequest()),
            PythonProbe.Json(StreamMessages.FrameRequest(40_000)));
        var result = await PythonProbe.RunAsync(_server.Target, new JsonObject { ["stream"] = new JsonObject { ["requests"] = requests } });

        var stream = result["stream"]!;
        Assert.Equal("FAILED_PRECONDITION", (string?)stream["code"]);
        Assert.StartsWith("no model loaded", (string?)stream["details"], StringComparison.Ordinal);
        var last = PythonProbe.Parse<StreamResponse>(stream["responses"]!.AsArray()[^1]).Stats;
        Assert.True(last.Final);
        Assert.Equal((1UL, 1UL, 3UL), (last.VideoFramesAccepted, last.QuestionsReceived, last.RequestsReceived));
    }

    [Fact]
    public async Task Media_before_open_is_invalid_argument_naming_the_message()
    {
        var result = await PythonProbe.RunAsync(
            _server.Target,
            new JsonObject { ["stream"] = new JsonObject { ["requests"] = new JsonArray(PythonProbe.Json(StreamMessages.FrameRequest(0))) } });

        Assert.Equal("INVALID_ARGUMENT", (string?)result["stream"]!["code"]);
        Assert.Equal("StreamRequest: the first message must be StreamOpen, got video", (string?)result["stream"]!["details"]);
        Assert.Empty(result["stream"]!["responses"]!.AsArray());
    }

    private static JsonObject Call(string method, Google.Protobuf.IMessage request) =>
        new() { ["method"] = method, ["request"] = PythonProbe.Json(request) };
}
