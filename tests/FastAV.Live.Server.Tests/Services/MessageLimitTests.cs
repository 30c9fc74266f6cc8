using FastAV.Live.Contracts.V1;
using Google.Protobuf;
using Grpc.Core;

namespace FastAV.Live.Server.Tests.Services;

/// <summary>
/// The two size limits agree: the gRPC receive limit (Grpc:MaxReceiveMessageSize) holds the largest payload LiveAnalytics
/// accepts (LiveAnalytics:MaxVideoPayloadBytes) plus its message, so a raw 1080p RGB frame is a frame, a payload over its
/// limit is a counted rejection, and only a message over the gRPC limit ends the call; a configuration where the
/// gRPC limit is the smaller does not start.
/// </summary>
public sealed class MessageLimitTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private static StreamOpen RawOpen(string id, uint width, uint height) => new()
    {
        StreamId = id,
        Video = new VideoFormat { Codec = VideoCodec.RawRgb24, Width = width, Height = height, FrameRate = 25 },
    };

    private static StreamRequest RawFrame(long ptsUs, int bytes, uint width, uint height) =>
        new() { Video = new VideoFrame { PtsUs = ptsUs, Data = ByteString.CopyFrom(new byte[bytes]), Keyframe = true, Width = width, Height = height } };

    [Fact]
    public async Task A_raw_rgb24_1080p_frame_is_accepted_with_the_default_limits()
    {
        const int FrameBytes = 1920 * 1080 * 3; // 6,220,800 bytes: above gRPC's usual 4 MiB
        await using var server = await LiveServer.StartAsync();
        using var channel = server.CreateChannel();
        var (responses, status) = await StreamCalls.RunToEndAsync(
            channel, [new StreamRequest { Open = RawOpen("hd", 1920, 1080) }, RawFrame(0, FrameBytes, 1920, 1080), RawFrame(40_000, FrameBytes, 1920, 1080)], Patience);

        Assert.Equal(StatusCode.OK, status.StatusCode);
        var final = responses[^1].Stats;
        Assert.True(final.Final);
        Assert.Equal(2UL, final.VideoFramesAccepted);
        Assert.Equal(0UL, final.VideoFramesRejected);
        Assert.Equal(2UL * FrameBytes, final.MediaBytesReceived);
    }

    [Fact]
    public async Task A_payload_over_the_payload_limit_is_a_counted_rejection_and_the_stream_goes_on()
    {
        // 1 MiB payloads allowed; a 1.5 MiB frame is under the gRPC limit, so LiveAnalytics judges it.
        await using var server = await LiveServer.StartAsync(o => o.MaxVideoPayloadBytes = 1 << 20);
        using var channel = server.CreateChannel();
        var big = (3 << 20) / 2;
        var (responses, status) = await StreamCalls.RunToEndAsync(
            channel, [new StreamRequest { Open = RawOpen("big", 512, 256) }, RawFrame(0, big, 512, 256), RawFrame(40_000, 512 * 256 * 3, 512, 256)], Patience);

        Assert.Equal(StatusCode.OK, status.StatusCode);
        var warning = Assert.Single(responses, r => r.KindCase == StreamResponse.KindOneofCase.Warning).Warning;
        Assert.Equal(WarningCode.PayloadTooLarge, warning.Code);
        Assert.Contains($"VideoFrame.data: {big} bytes, at most {1 << 20} allowed", warning.Message, StringComparison.Ordinal);
        Assert.Equal((1UL, 1UL), (responses[^1].Stats.VideoFramesAccepted, responses[^1].Stats.VideoFramesRejected));
    }

    [Fact]
    public async Task A_message_over_the_grpc_limit_ends_the_call_with_resource_exhausted()
    {
        // Through the raw HTTP/2 client, which shows exactly what the server sent. The server used to cancel its response
        // writer when the read failed, so under load the stream was reset (CANCEL) before StreamAccepted, the final
        // StreamStats or the status went out, and clients saw CANCELLED.
        await using var server = await LiveServer.StartAsync(o => o.MaxVideoPayloadBytes = 1 << 20, null, null, "--Grpc:MaxReceiveMessageSize", $"{(1 << 20) + 4096}");
        using var cts = new CancellationTokenSource(Patience);
        await using var connection = await Hostile.RawHttp2Connection.ConnectAsync(server.Address, cts.Token);
        var body = Hostile.RawGrpcRequest.Concat(Framed(new StreamRequest { Open = RawOpen("huge", 512, 256) }), Framed(RawFrame(0, 2 << 20, 512, 256)));
        var stream = await connection.SendRequestAsync(
            Hostile.RawGrpcRequest.Headers("/fastav.live.v1.LiveAnalytics/Stream"), Hostile.RawGrpcRequest.Split(body, Hostile.RawGrpcRequest.MaxDataFrameSize), true, Patience);
        Assert.Same(stream.Completion, await Task.WhenAny(stream.Completion, Task.Delay(Patience, cts.Token)));

        Assert.True(stream.GrpcStatus == (int)StatusCode.ResourceExhausted, $"reset {stream.ResetCode}, headers [{string.Join(", ", stream.Headers ?? [])}], trailers [{string.Join(", ", stream.Trailers ?? [])}], lost {stream.ConnectionLost}");
        Assert.Equal("Received message exceeds the maximum configured message size.", Uri.UnescapeDataString(stream.Trailer("grpc-message") ?? stream.Header("grpc-message") ?? ""));
        var responses = stream.ReadMessages().Select(m => StreamResponse.Parser.ParseFrom(m)).ToList();
        Assert.Equal(StreamResponse.KindOneofCase.Accepted, responses[0].KindCase);
        Assert.True(responses[^1].Stats.Final); // the contract: a final StreamStats precedes the end of the call
        Assert.Null(server.Registry.Find("huge"));
    }

    private static byte[] Framed(StreamRequest request)
    {
        var payload = request.ToByteArray();
        return Hostile.RawGrpcRequest.Concat(Hostile.RawGrpcRequest.Prefix(0, (uint)payload.Length), payload);
    }

    [Fact]
    public async Task A_grpc_limit_below_the_payload_limit_stops_start_up_naming_both_settings()
    {
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => LiveServer.StartAsync(null, null, null, "--Grpc:MaxReceiveMessageSize", "4194304"));
        Assert.Contains("Grpc:MaxReceiveMessageSize (4194304 bytes) must hold the largest media payload", ex.Message, StringComparison.Ordinal);
        Assert.Contains("LiveAnalytics:MaxVideoPayloadBytes", ex.Message, StringComparison.Ordinal);
        Assert.Contains($"{16 << 20} bytes", ex.Message, StringComparison.Ordinal);
    }
}
