using FastAV.Live.Contracts.V1;
using Grpc.Core;
using Grpc.Net.Client;
using FastAV.Live.Server.Streams;
using Microsoft.Extensions.Options;

namespace FastAV.Live.Server.Tests.Streams;

public sealed class StreamQueriesTests
{
    private readonly LiveAnalyticsOptions _options = new() { DefaultPageSize = 2, MaxPageSize = 3 };
    private readonly StreamRegistry _registry;
    private readonly StreamQueries _queries;

    public StreamQueriesTests()
    {
        _registry = new StreamRegistry(Options.Create(_options), TimeProvider.System);
        _queries = new StreamQueries(_registry, _options);
    }

    [Theory]
    [InlineData("", "AskRequest.stream_id: is required")]
    [InlineData("no such", "AskRequest.stream_id: may only contain")]
    public void Ask_with_a_bad_stream_id_is_invalid_argument(string id, string expected)
    {
        var status = _queries.Ask(new AskRequest { StreamId = id, Question = new Question { Text = "hi" } }, out _);
        Assert.Equal(StatusCode.InvalidArgument, status.StatusCode);
        Assert.StartsWith(expected, status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Ask_checks_question_then_stream_then_model()
    {
        Assert.Equal("AskRequest.question: is required", _queries.Ask(new AskRequest { StreamId = "a" }, out _).Detail);
        Assert.Equal("AskRequest.question.text: is required (not empty, not only whitespace)", _queries.Ask(new AskRequest { StreamId = "a", Question = new Question() }, out _).Detail);
        var missing = _queries.Ask(new AskRequest { StreamId = "a", Question = new Question { Text = "hi" } }, out _);
        Assert.Equal((StatusCode.NotFound, "AskRequest.stream_id: no live stream 'a'"), (missing.StatusCode, missing.Detail));
        _registry.TryOpen(StreamMessages.Open("a"), "p", out _);
        Assert.Equal(LiveStatuses.NoModelLoaded, _queries.Ask(new AskRequest { StreamId = "a", Question = new Question { QuestionId = "q", Text = "hi" } }, out _));
    }

    [Fact]
    public void Get_returns_the_stream_with_its_counters_or_not_found()
    {
        Assert.Equal(StatusCode.InvalidArgument, _queries.Get(new GetStreamRequest(), out _).StatusCode);
        Assert.Equal(StatusCode.NotFound, _queries.Get(new GetStreamRequest { StreamId = "x" }, out var none).StatusCode);
        Assert.Null(none);

        var open = StreamMessages.Open("x");
        open.Labels.Add("site", "door-3");
        _registry.TryOpen(open, "ipv4:10.0.0.7:51234", out var stream);
        stream!.Counters.AddVideo(24, MediaVerdict.Accepted, 40_000);
        stream.Counters.AddVideo(3, MediaVerdict.Reject(WarningCode.PayloadSizeMismatch, "m"), 0);
        Assert.Equal(StatusCode.OK, _queries.Get(new GetStreamRequest { StreamId = "x" }, out var response).StatusCode);
        var info = response!.Stream;
        Assert.Equal(("x", StreamState.Live, "ipv4:10.0.0.7:51234", "door-3"), (info.StreamId, info.State, info.Peer, info.Labels["site"]));
        Assert.Equal((1UL, 1UL, 27UL, 40_000L), (info.Stats.VideoFramesAccepted, info.Stats.VideoFramesRejected, info.Stats.MediaBytesReceived, info.Stats.LastVideoPtsUs));
        Assert.Equal(-1, info.Stats.LastAudioPtsUs);
        Assert.Equal(VideoCodec.RawRgb24, info.Video.Codec);
        Assert.False(info.Stats.Final);
    }

    [Fact]
    public void List_pages_with_default_and_clamped_sizes()
    {
        foreach (var id in new[] { "d", "b", "a", "c", "e" })
        {
            _registry.TryOpen(StreamMessages.Open(id), "p", out _);
        }

        _queries.List(new ListStreamsRequest(), out var page);
        Assert.Equal(["a", "b"], page!.Streams.Select(s => s.StreamId));
        Assert.Equal((5u, "b"), (page.TotalCount, page.NextPageToken));
        _queries.List(new ListStreamsRequest { PageSize = 1000, PageToken = "b" }, out page);
        Assert.Equal(["c", "d", "e"], page!.Streams.Select(s => s.StreamId));
        Assert.Equal("", page.NextPageToken);
        _queries.List(new ListStreamsRequest { PageSize = 1, StreamIdPrefix = "zz" }, out page);
        Assert.Empty(page!.Streams);
        Assert.Equal(0u, page.TotalCount);
    }

    [Theory]
    [InlineData("", "a b", "ListStreamsRequest.stream_id_prefix")]
    [InlineData("tok en", "", "ListStreamsRequest.page_token")]
    [InlineData("-x", "", "ListStreamsRequest.page_token")]
    public void List_rejects_bad_tokens_and_prefixes(string token, string prefix, string field)
    {
        var status = _queries.List(new ListStreamsRequest { PageToken = token, StreamIdPrefix = prefix }, out var response);
        Assert.Equal(StatusCode.InvalidArgument, status.StatusCode);
        Assert.StartsWith(field + ":", status.Detail, StringComparison.Ordinal);
        Assert.Null(response);
    }
}
