using static FastAV.Live.Server.Tests.Hostile.HostileCaseFactory;
using Grpc.Core;

namespace FastAV.Live.Server.Tests.Hostile;

/// <summary>Requests with the wrong number of messages, and requests the client resets halfway.</summary>
public static class StreamLifecycleCases
{
    private static readonly Http2ErrorCode[] ResetCodes =
    [
        Http2ErrorCode.Cancel, Http2ErrorCode.NoError, Http2ErrorCode.InternalError, Http2ErrorCode.ProtocolError,
        Http2ErrorCode.RefusedStream, Http2ErrorCode.EnhanceYourCalm, (Http2ErrorCode)0xDEAD,
    ];

    /// <summary>Long enough that only the reset can end the call.</summary>
    public const string SleepRequest = "sleep:600000";

    public static void Generate(Random random, List<HostileCase> cases)
    {
        for (var i = 0; i < 40; i++)
        {
            // Unary and server-streaming calls need exactly one request message.
            var method = i % 2 == 0 ? EchoMethod.Unary : EchoMethod.ServerStream;
            var emptyFrames = i % 4 < 2 ? 0 : random.Next(1, 5);
            List<byte[]> body = [.. Enumerable.Range(0, emptyFrames).Select(_ => Array.Empty<byte>())];
            var headers = RawGrpcRequest.Headers(method.Path);
            cases.Add(new HostileCase(
                HostileCategory.EmptyRequest, $"{method.Name} with {emptyFrames} empty DATA frames", HostileOutcome.Grpc(StatusCode.Internal),
                c => RawGrpcRequest.ExchangeAsync(c.SharedConnection, headers, body)));
        }

        for (var i = 0; i < 10; i++)
        {
            // Control: a zero-length message is a valid, empty StringValue; the call succeeds with an empty echo.
            var headers = RawGrpcRequest.Headers(EchoMethod.Unary.Path);
            var body = RawGrpcRequest.Split(RawGrpcRequest.Prefix(0, 0), random.Next(1, 6));
            cases.Add(new HostileCase(
                HostileCategory.EmptyRequest, $"Unary with one zero-length message in {body.Count} frames (valid)", HostileOutcome.Grpc(StatusCode.OK, [""]),
                c => RawGrpcRequest.ExchangeAsync(c.SharedConnection, headers, body)));
        }

        for (var i = 0; i < 50; i++)
        {
            var method = i % 2 == 0 ? EchoMethod.Unary : EchoMethod.ServerStream;
            var count = random.Next(2, 6);
            var texts = Enumerable.Range(0, count).Select(n => n.ToString(System.Globalization.CultureInfo.InvariantCulture));
            var headers = RawGrpcRequest.Headers(method.Path);
            var body = RawGrpcRequest.Split(texts.SelectMany(RawGrpcRequest.Message).ToArray(), random.Next(1, 20));
            cases.Add(new HostileCase(
                HostileCategory.ExtraUnaryMessages, $"{method.Name} with {count} messages in {body.Count} frames", HostileOutcome.Grpc(StatusCode.Internal),
                c => RawGrpcRequest.ExchangeAsync(c.SharedConnection, headers, body)));
        }

        for (var i = 0; i < 60; i++)
        {
            var code = ResetCodes[random.Next(ResetCodes.Length)];
            var variant = i % 5;
            var cut = random.Next(1, 8);
            var replies = random.Next(1, 4);
            var name = variant switch
            {
                0 => "after HEADERS only",
                1 => $"after {cut} bytes of the message",
                2 => "after the whole message, before END_STREAM",
                3 => "while the handler sleeps",
                _ => $"mid-duplex after {replies} replies",
            };
            cases.Add(new HostileCase(
                HostileCategory.ClientReset, $"RST_STREAM {code} {name}", HostileOutcome.SilentAfterReset,
                c => ResetAsync(c.SharedConnection, variant, cut, replies, code, $"rst-{i}")));
        }
    }

    private static async Task<HostileOutcome> ResetAsync(RawHttp2Connection connection, int variant, int cut, int replies, Http2ErrorCode code, string tag)
    {
        var method = variant == 4 ? EchoMethod.Duplex : EchoMethod.Unary;
        var stream = await connection.StartStreamAsync(RawGrpcRequest.Headers(method.Path), endStream: false);
        switch (variant)
        {
            case 1:
                await connection.SendDataAsync(stream, RawGrpcRequest.Message(tag).AsMemory(0, cut), endStream: false);
                break;
            case 2:
                await connection.SendDataAsync(stream, RawGrpcRequest.Message(tag), endStream: false);
                break;
            case 3:
                await connection.SendDataAsync(stream, RawGrpcRequest.Message(SleepRequest), endStream: true);
                break;
            case 4:
                for (var n = 0; n < replies; n++)
                {
                    await connection.SendDataAsync(stream, RawGrpcRequest.Message($"{tag}-{n}"), endStream: false);
                }

                if (!await WaitForBodyAsync(stream, replies * RawGrpcRequest.Message($"{tag}-0").Length))
                {
                    return HostileOutcome.Failed($"stream {stream.Id}: {replies} duplex replies did not arrive");
                }

                break;
        }

        var framesBeforeReset = stream.FrameCount;
        await connection.SendResetAsync(stream.Id, code);

        // The server handles frames of a connection in order: once a later call on it is answered, the reset was processed.
        var probe = await RawGrpcRequest.ExchangeAsync(connection, RawGrpcRequest.Headers(EchoMethod.Unary.Path), [RawGrpcRequest.Message(tag)]);
        if (probe != HostileOutcome.Grpc(StatusCode.OK, [tag]))
        {
            return HostileOutcome.Failed($"the call after the reset got {probe}");
        }

        return stream.FrameCount == framesBeforeReset
            ? HostileOutcome.SilentAfterReset
            : HostileOutcome.Failed($"stream {stream.Id}: {stream.FrameCount - framesBeforeReset} frames after the client's reset (rst={stream.ResetCode}, end={stream.EndStreamReceived})");
    }

    private static async Task<bool> WaitForBodyAsync(RawHttp2Stream stream, int bytes)
    {
        var deadline = DateTime.UtcNow + HostileContext.ExchangeTimeout;
        while (stream.Body.Length < bytes)
        {
            if (DateTime.UtcNow > deadline || stream.Completion.IsCompleted)
            {
                return false;
            }

            await Task.Delay(1);
        }

        return true;
    }
}
