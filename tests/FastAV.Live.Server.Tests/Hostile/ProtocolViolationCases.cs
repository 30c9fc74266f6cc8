using Grpc.Core;

namespace FastAV.Live.Server.Tests.Hostile;

/// <summary>
/// HTTP/2 itself violated on a connection of its own: malformed request header blocks and frames that
/// RFC 9113 calls connection or stream errors. Kestrel answers these before gRPC sees anything; the point
/// is that the answer is the protocol's and the server carries on.
/// </summary>
public static class ProtocolViolationCases
{
    // What the server does with each: Kestrel ends the connection for some malformed blocks and the stream for others.
    // Decision (README, hostile input): accepted. The connection-specific fields Kestrel lets through (keep-alive,
    // transfer-encoding, upgrade) and a field name with a space are served like any call (our layer reset the stream):
    // RFC 9113 calls such requests malformed, but none of these fields means anything to a gRPC call over HTTP/2.
    private static readonly (string Name, Func<List<KeyValuePair<string, string>>, List<KeyValuePair<string, string>>> Mangle, HostileOutcome Expected)[] HeaderViolations =
    [
        ("uppercase header name", h => [.. h, new("X-Upper", "1")], ConnectionError(Http2ErrorCode.ProtocolError, 1)),
        ("connection header", h => [.. h, new("connection", "keep-alive")], ConnectionError(Http2ErrorCode.ProtocolError, 1)),
        ("te other than trailers", h => [.. h.Where(f => f.Key != "te"), new("te", "gzip")], ConnectionError(Http2ErrorCode.ProtocolError, 1)),
        ("unknown pseudo-header", h => [.. h, new(":foo", "bar")], ConnectionError(Http2ErrorCode.ProtocolError, 1)),
        ("pseudo-header after a regular one", h => [.. h.Where(f => f.Key != ":authority"), new(":authority", "x")], ConnectionError(Http2ErrorCode.ProtocolError, 1)),
        ("two :path", h => [.. h, new(":path", "/x/y")], ConnectionError(Http2ErrorCode.ProtocolError, 1)),
        (":status in a request", h => [.. h.Take(1), new(":status", "200"), .. h.Skip(1)], ConnectionError(Http2ErrorCode.ProtocolError, 1)),
        ("no :path", h => [.. h.Where(f => f.Key != ":path")], HostileOutcome.Reset(Http2ErrorCode.ProtocolError)),
        ("no :method", h => [.. h.Where(f => f.Key != ":method")], HostileOutcome.Reset(Http2ErrorCode.ProtocolError)),
        ("no :scheme", h => [.. h.Where(f => f.Key != ":scheme")], HostileOutcome.Reset(Http2ErrorCode.ProtocolError)),
        ("empty :path", h => [.. h.Select(f => f.Key == ":path" ? new(":path", "") : f)], HostileOutcome.Reset(Http2ErrorCode.ProtocolError)),
        ("keep-alive header", h => [.. h, new("keep-alive", "timeout=5")], Served),
        ("transfer-encoding header", h => [.. h, new("transfer-encoding", "chunked")], Served),
        ("upgrade header", h => [.. h, new("upgrade", "h2c")], Served),
        ("header name with a space", h => [.. h, new("x bad", "1")], Served),
    ];

    private static readonly (string Name, Func<byte[]> Bytes, HostileOutcome Expected)[] FrameViolations =
    [
        ("HEADERS on stream 0", () => Frame(Http2FrameType.Headers, Http2Frame.EndHeaders, 0, RequestBlock()), ConnectionError(Http2ErrorCode.ProtocolError, 0)),
        ("HEADERS on even stream 2", () => Frame(Http2FrameType.Headers, Http2Frame.EndHeaders, 2, RequestBlock()), ConnectionError(Http2ErrorCode.ProtocolError, 0)),
        ("DATA on idle stream 1", () => Frame(Http2FrameType.Data, 0, 1, [0, 0, 0, 0, 0]), ConnectionError(Http2ErrorCode.ProtocolError, 0)),
        ("RST_STREAM on idle stream 1", () => Http2Frame.RstStream(1, Http2ErrorCode.Cancel).ToBytes(), ConnectionError(Http2ErrorCode.ProtocolError, 0)),
        ("WINDOW_UPDATE of 0 on the connection", () => Http2Frame.WindowUpdate(0, 0).ToBytes(), ConnectionError(Http2ErrorCode.ProtocolError, 0)),
        ("connection window past 2^31-1", () => Http2Frame.WindowUpdate(0, int.MaxValue).ToBytes(), ConnectionError(Http2ErrorCode.FlowControlError, 0)),
        ("PING of 7 bytes", () => Frame(Http2FrameType.Ping, 0, 0, new byte[7]), ConnectionError(Http2ErrorCode.FrameSizeError, 0)),
        ("SETTINGS of 5 bytes", () => Frame(Http2FrameType.Settings, 0, 0, new byte[5]), ConnectionError(Http2ErrorCode.FrameSizeError, 0)),
        ("SETTINGS_INITIAL_WINDOW_SIZE 2^31", () => Http2Frame.Settings((0x4, 1u << 31)).ToBytes(), ConnectionError(Http2ErrorCode.FlowControlError, 0)),
        ("SETTINGS_ENABLE_PUSH 2", () => Http2Frame.Settings((0x2, 2)).ToBytes(), ConnectionError(Http2ErrorCode.ProtocolError, 0)),
        ("SETTINGS_MAX_FRAME_SIZE below 16384", () => Http2Frame.Settings((0x5, 100)).ToBytes(), ConnectionError(Http2ErrorCode.ProtocolError, 0)),
        ("CONTINUATION without HEADERS", () => Frame(Http2FrameType.Continuation, Http2Frame.EndHeaders, 1, RequestBlock()), ConnectionError(Http2ErrorCode.ProtocolError, 0)),
        ("HPACK index beyond the tables", () => Frame(Http2FrameType.Headers, Http2Frame.EndHeaders, 1, [0xFF, 0x7F]), ConnectionError(Http2ErrorCode.CompressionError, 1)),
        ("frame larger than SETTINGS_MAX_FRAME_SIZE", () => Frame(Http2FrameType.Ping, 0, 0, new byte[16_385]), ConnectionError(Http2ErrorCode.FrameSizeError, 0)),
        ("PRIORITY depending on itself", () => Frame(Http2FrameType.Priority, 0, 1, [0, 0, 0, 1, 16]), ConnectionError(Http2ErrorCode.ProtocolError, 0)),
    ];

    public static void Generate(Random random, List<HostileCase> cases)
    {
        for (var i = 0; i < 30; i++)
        {
            var (name, mangle, expected) = HeaderViolations[i % HeaderViolations.Length];
            var headers = mangle(RawGrpcRequest.Headers(EchoMethod.Unary.Path));
            cases.Add(new HostileCase(
                HostileCategory.MalformedRequestHeaders, name, expected,
                async c =>
                {
                    using var timeout = new CancellationTokenSource(HostileContext.ExchangeTimeout);
                    await using var connection = await RawHttp2Connection.ConnectAsync(c.Server.Address, timeout.Token);
                    return await RawGrpcRequest.ExchangeAsync(connection, headers, [RawGrpcRequest.Message("hdr")]);
                },
                OwnConnection: true));
        }

        for (var i = 0; i < 30; i++)
        {
            var (name, bytes, expected) = FrameViolations[i % FrameViolations.Length];
            cases.Add(new HostileCase(
                HostileCategory.Http2ProtocolViolation, name, expected,
                async c =>
                {
                    using var timeout = new CancellationTokenSource(HostileContext.ExchangeTimeout);
                    await using var connection = await RawHttp2Connection.ConnectAsync(c.Server.Address, timeout.Token);
                    await connection.SendRawAsync(bytes());
                    if (await Task.WhenAny(connection.Closed, Task.Delay(HostileContext.ExchangeTimeout)) != connection.Closed)
                    {
                        return HostileOutcome.Failed("the server kept the connection open");
                    }

                    return connection.GoAway is { } goAway
                        ? HostileOutcome.GoAway(goAway.ErrorCode, goAway.LastStreamId)
                        : HostileOutcome.Failed($"closed without GOAWAY ({connection.ProtocolViolation})");
                },
                OwnConnection: true));
        }
    }

    private static HostileOutcome Served => HostileOutcome.Grpc(StatusCode.OK, ["hdr"]);

    private static HostileOutcome ConnectionError(Http2ErrorCode code, int lastStreamId) => HostileOutcome.GoAway(code, lastStreamId);

    private static byte[] RequestBlock() => HpackEncoder.Encode(RawGrpcRequest.Headers(EchoMethod.Unary.Path));

    private static byte[] Frame(Http2FrameType type, byte flags, int streamId, byte[] payload) => new Http2Frame(type, flags, streamId, payload).ToBytes();
}
