using FastAV.Live.Contracts.V1;
using FastAV.Live.Server.Services;
using Grpc.Core;

namespace FastAV.Live.Server.Tests.Services;

/// <summary>
/// The stream id as x-fastav-stream-id metadata on Stream, Ask and GetStream (what an L7 proxy hashes to pin a stream's
/// calls to one server): agreeing with the body, disagreeing (INVALID_ARGUMENT naming both), alone, or absent.
/// </summary>
public sealed class StreamIdMetadataTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    public static TheoryData<string?, string, string?> Cases() => new()
    {
        // header, body, the id the call must be about (null: INVALID_ARGUMENT naming both)
        { "cam-a", "cam-a", "cam-a" },
        { "cam-b", "cam-a", null },
        { "cam-a", "", "cam-a" },
        { null, "cam-a", "cam-a" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Stream_takes_the_id_from_the_open_or_the_metadata_and_refuses_two_different_ids(string? header, string body, string? expected)
    {
        await using var server = await LiveServer.StartAsync();
        using var channel = server.CreateChannel();
        var (responses, status) = await StreamCalls.RunToEndAsync(
            channel, [new StreamRequest { Open = StreamMessages.Open(body) }, StreamMessages.FrameRequest(0)], Patience, Headers(header));
        if (expected is null)
        {
            AssertBothNamed(status, "StreamOpen.stream_id", body, header!);
            Assert.Empty(responses);
            Assert.Empty(server.Registry.List("", "", 10, out _));
            return;
        }

        Assert.Equal(StatusCode.OK, status.StatusCode);
        Assert.Equal(expected, responses[0].Accepted.StreamId);
        Assert.Equal(1UL, responses[^1].Stats.VideoFramesAccepted);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task GetStream_and_Ask_find_the_stream_the_id_names(string? header, string body, string? expected)
    {
        await using var server = await LiveServer.StartAsync();
        using var channel = server.CreateChannel();
        var client = new LiveAnalytics.LiveAnalyticsClient(channel);
        using var live = client.Stream(new CallOptions(deadline: DateTime.UtcNow + Patience));
        await live.RequestStream.WriteAsync(StreamMessages.OpenRequest("cam-a"));
        Assert.True(await live.ResponseStream.MoveNext());

        var get = client.GetStreamAsync(new GetStreamRequest { StreamId = body }, Headers(header));
        // Ask reaches the stream when the id resolves; with no model loaded the stream then answers FAILED_PRECONDITION.
        using var ask = client.Ask(new AskRequest { StreamId = body, Question = new Question { Text = "anyone there?" } }, Headers(header));
        var asked = await Assert.ThrowsAsync<RpcException>(() => ask.ResponseStream.MoveNext());
        if (expected is null)
        {
            AssertBothNamed((await Assert.ThrowsAsync<RpcException>(() => get.ResponseAsync)).Status, "GetStreamRequest.stream_id", body, header!);
            AssertBothNamed(asked.Status, "AskRequest.stream_id", body, header!);
        }
        else
        {
            Assert.Equal(expected, (await get).Stream.StreamId);
            Assert.Equal(StatusCode.FailedPrecondition, asked.StatusCode);
            Assert.Equal(LiveStatusDetail.NoModelLoaded, asked.Status.Detail);
        }

        await live.RequestStream.CompleteAsync();
        await StreamCalls.DrainAsync(live.ResponseStream);
    }

    [Fact]
    public async Task An_id_in_neither_place_is_the_usual_missing_id()
    {
        await using var server = await LiveServer.StartAsync();
        using var channel = server.CreateChannel();
        var (_, status) = await StreamCalls.RunToEndAsync(channel, [new StreamRequest { Open = StreamMessages.Open("") }], Patience);
        Assert.Equal(StatusCode.InvalidArgument, status.StatusCode);
        Assert.StartsWith("StreamOpen.stream_id: is required", status.Detail, StringComparison.Ordinal);

        var get = await Assert.ThrowsAsync<RpcException>(() => new LiveAnalytics.LiveAnalyticsClient(channel).GetStreamAsync(new GetStreamRequest()).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, get.StatusCode);
        Assert.StartsWith("GetStreamRequest.stream_id:", get.Status.Detail, StringComparison.Ordinal);
    }

    private static Metadata? Headers(string? streamId) => streamId is null ? null : new Metadata { { StreamIdMetadata.Key, streamId } };

    private static void AssertBothNamed(Status status, string field, string body, string header)
    {
        Assert.Equal(StatusCode.InvalidArgument, status.StatusCode);
        Assert.Equal($"{field}: '{body}' and metadata x-fastav-stream-id '{header}' name different streams", status.Detail);
    }
}
