using System.Text;
using static FastAV.Live.Server.Tests.Hostile.HostileCaseFactory;
using Grpc.Core;

namespace FastAV.Live.Server.Tests.Hostile;

/// <summary>Connections that break: dropped halfway, garbage or HTTP/1.1 on the h2c port, bytes that are not HTTP/2.</summary>
public static class ConnectionCases
{
    public static void Generate(Random random, List<HostileCase> cases)
    {
        for (var i = 0; i < 40; i++)
        {
            var variant = i % 6;
            var abort = random.Next(2) == 0;
            var seed = random.Next();
            cases.Add(new HostileCase(
                HostileCategory.DroppedMidFrame, $"{DropName(variant)}, then {(abort ? "TCP reset" : "FIN")}", HostileOutcome.SurvivedDrop,
                c => DropAsync(c, variant, abort, new Random(seed)), OwnConnection: true));
        }

        for (var i = 0; i < 40; i++)
        {
            // Not a preface, and not an HTTP/1.x request line either (that has its own answer below). Kestrel reads up to
            // the first line feed to tell the two apart, so each garbage has one; without it the server waits for more.
            var garbage = RandomBytes(random, random.Next(24, 300));
            garbage[0] = (byte)random.Next(0, 0x20);
            garbage[random.Next(1, garbage.Length)] = (byte)'\n';
            cases.Add(new HostileCase(
                HostileCategory.GarbageBytes, $"{garbage.Length} random bytes instead of the preface", HostileOutcome.GoAway(Http2ErrorCode.ProtocolError, 0),
                c => SendRawAsync(c, garbage), OwnConnection: true));
        }

        string[] verbs = ["GET", "POST", "PUT", "HEAD", "OPTIONS"];
        for (var i = 0; i < 20; i++)
        {
            var request = $"{verbs[i % verbs.Length]} {EchoMethod.Pick(random).Path} HTTP/1.{i % 2}\r\nHost: 127.0.0.1\r\n"
                + (i % 3 == 0 ? "" : "Content-Type: application/grpc\r\nTE: trailers\r\n")
                + (i % 4 == 0 ? "Connection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQCAAAAAAIAAAAA\r\n" : "")
                + "Content-Length: 0\r\n\r\n";
            cases.Add(new HostileCase(
                HostileCategory.Http1OnH2cPort, request[..request.IndexOf('\r', StringComparison.Ordinal)], HostileOutcome.Http1(400, "closed"),
                c => SendRawAsync(c, Encoding.ASCII.GetBytes(request)), OwnConnection: true));
        }

        string[] http1Methods = ["POST", "POST", "GET", "PUT"];
        string[] grpcTypes = ["application/grpc", "application/grpc+proto"];
        for (var i = 0; i < 40; i++)
        {
            var path = i % 5 == 4 ? "/no.Such/Thing" : EchoMethod.Pick(random).Path;
            var verb = http1Methods[i % http1Methods.Length];
            var contentType = grpcTypes[random.Next(grpcTypes.Length)];
            // Decision (README, hostile input): accepted. A gRPC POST over HTTP/1.1 is 426 with grpc-status 13 as before, but
            // "upgrade: HTTP/2" (the library's word) where our layer said "h2c"; a POST to an unknown service gets the
            // library's UNIMPLEMENTED (200, grpc-status 12) without the protocol check; other methods are HTTP 404 from routing.
            var expected = verb != "POST" ? HostileOutcome.Http1(404, "upgrade=; grpc-status=")
                : path.StartsWith("/no.", StringComparison.Ordinal) ? HostileOutcome.Http1(200, "upgrade=; grpc-status=12")
                : HostileOutcome.Http1(426, "upgrade=HTTP/2; grpc-status=13");
            cases.Add(new HostileCase(
                HostileCategory.Http1GrpcRequest, $"HTTP/1.1 {verb} {path} {contentType}", expected,
                c => Http1GrpcAsync(c, verb, path, contentType), OwnConnection: true));
        }
    }

    private static string DropName(int variant) => variant switch
    {
        0 => "half the preface",
        1 => "half a HEADERS frame",
        2 => "half a frame header",
        3 => "half a DATA frame",
        4 => "a DATA frame ending inside the gRPC length prefix",
        _ => "a whole message without END_STREAM",
    };

    private static async Task<HostileOutcome> DropAsync(HostileContext context, int variant, bool abort, Random random)
    {
        using var timeout = new CancellationTokenSource(HostileContext.ExchangeTimeout);
        var connection = variant == 0
            ? await RawHttp2Connection.ConnectRawAsync(context.Server.Address, timeout.Token)
            : await RawHttp2Connection.ConnectAsync(context.Server.Address, timeout.Token);
        var headers = new Http2Frame(Http2FrameType.Headers, Http2Frame.EndHeaders, 1, HpackEncoder.Encode(RawGrpcRequest.Headers(EchoMethod.Pick(random).Path))).ToBytes();
        var message = RawGrpcRequest.Message("dropped");
        switch (variant)
        {
            case 0:
                await connection.SendRawAsync(RawHttp2Connection.Preface[..random.Next(1, 24)].ToArray());
                break;
            case 1:
                await connection.SendRawAsync(headers[..random.Next(1, headers.Length)]);
                break;
            case 2:
                await connection.SendRawAsync(headers[..random.Next(1, Http2Frame.HeaderSize)]);
                break;
            case 3:
                var data = new Http2Frame(Http2FrameType.Data, 0, 1, message).ToBytes();
                await connection.SendRawAsync(RawGrpcRequest.Concat(headers, data[..random.Next(1, data.Length)]));
                break;
            case 4:
                await connection.SendRawAsync(RawGrpcRequest.Concat(headers, new Http2Frame(Http2FrameType.Data, 0, 1, message[..random.Next(1, 5)]).ToBytes()));
                break;
            default:
                await connection.SendRawAsync(RawGrpcRequest.Concat(headers, new Http2Frame(Http2FrameType.Data, 0, 1, message).ToBytes()));
                break;
        }

        if (abort)
        {
            connection.Abort();
        }

        await connection.DisposeAsync();

        // The server must still serve: a fresh connection gets a normal answer.
        await using var fresh = await RawHttp2Connection.ConnectAsync(context.Server.Address, timeout.Token);
        var answer = await RawGrpcRequest.ExchangeAsync(fresh, RawGrpcRequest.Headers(EchoMethod.Unary.Path), [RawGrpcRequest.Message("after-drop")]);
        return answer == HostileOutcome.Grpc(StatusCode.OK, ["after-drop"]) ? HostileOutcome.SurvivedDrop : HostileOutcome.Failed($"after the drop: {answer}");
    }

    /// <summary>Sends bytes on a fresh connection and describes the answer once the server closes it.</summary>
    private static async Task<HostileOutcome> SendRawAsync(HostileContext context, byte[] bytes)
    {
        using var timeout = new CancellationTokenSource(HostileContext.ExchangeTimeout);
        await using var connection = await RawHttp2Connection.ConnectRawAsync(context.Server.Address, timeout.Token);
        await connection.SendRawAsync(bytes);
        if (await Task.WhenAny(connection.Closed, Task.Delay(HostileContext.ExchangeTimeout)) != connection.Closed)
        {
            return HostileOutcome.Failed("the server kept the connection open");
        }

        var received = connection.RawReceived;
        if (received.AsSpan().StartsWith("HTTP/1.1 "u8))
        {
            var code = int.Parse(Encoding.ASCII.GetString(received, 9, 3), System.Globalization.CultureInfo.InvariantCulture);
            return HostileOutcome.Http1(code, "closed");
        }

        var frames = Http2Frame.ReadAll(received);
        var goAway = frames.Where(f => f.Type == Http2FrameType.GoAway).Select(f => (RawHttp2GoAway?)ParseGoAway(f)).LastOrDefault();
        return goAway is null
            ? HostileOutcome.Failed($"closed without GOAWAY after {received.Length} bytes ({string.Join(",", frames.Select(f => f.Type))})")
            : HostileOutcome.GoAway(goAway.ErrorCode, goAway.LastStreamId);
    }

    private static RawHttp2GoAway ParseGoAway(Http2Frame frame) => new(
        System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(frame.Payload) & int.MaxValue,
        (Http2ErrorCode)System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(frame.Payload.AsSpan(4)),
        Encoding.UTF8.GetString(frame.Payload.AsSpan(8)));

    private static async Task<HostileOutcome> Http1GrpcAsync(HostileContext context, string verb, string path, string contentType)
    {
        using var request = new HttpRequestMessage(new HttpMethod(verb), new Uri(context.Server.Http1Address, path))
        {
            Version = System.Net.HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(RawGrpcRequest.Message("http1")),
        };
        request.Content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(contentType);
        using var timeout = new CancellationTokenSource(HostileContext.ExchangeTimeout);
        using var response = await context.Http1Client.SendAsync(request, timeout.Token);
        var upgrade = string.Join(",", response.Headers.Upgrade);
        var status = response.Headers.TryGetValues("grpc-status", out var values) ? string.Join(",", values) : "";
        return HostileOutcome.Http1((int)response.StatusCode, $"upgrade={upgrade}; grpc-status={status}");
    }
}
