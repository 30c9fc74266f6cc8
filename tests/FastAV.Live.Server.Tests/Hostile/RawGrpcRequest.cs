using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace FastAV.Live.Server.Tests.Hostile;

/// <summary>Builds gRPC requests for the raw client, sends them, and reads what came back as a <see cref="HostileOutcome"/>.</summary>
public static class RawGrpcRequest
{
    public const int MaxDataFrameSize = 16_384;

    public const string ContentType = "application/grpc";

    public static readonly string UnaryPath = $"/{EchoService.ServiceName}/Unary";
    public static readonly string ServerStreamPath = $"/{EchoService.ServiceName}/ServerStream";
    public static readonly string ClientStreamPath = $"/{EchoService.ServiceName}/ClientStream";
    public static readonly string DuplexPath = $"/{EchoService.ServiceName}/Duplex";

    public static List<KeyValuePair<string, string>> Headers(
        string path, string? contentType = ContentType, string method = "POST", params (string Name, string Value)[] extra)
    {
        var headers = new List<KeyValuePair<string, string>>
        {
            new(":method", method), new(":scheme", "http"), new(":path", path), new(":authority", "127.0.0.1"),
        };
        if (contentType is not null)
        {
            headers.Add(new("content-type", contentType));
        }

        headers.Add(new("te", "trailers"));
        headers.AddRange(extra.Select(e => new KeyValuePair<string, string>(e.Name, e.Value)));
        return headers;
    }

    /// <summary>A StringValue request, length-prefixed (flag 0, 4-byte big-endian length, payload).</summary>
    public static byte[] Message(string text)
    {
        var payload = Payload(text);
        return Concat(Prefix(0, (uint)payload.Length), payload);
    }

    public static byte[] Payload(string text) => new StringValue { Value = text }.ToByteArray();

    /// <summary>A length prefix with any flag byte and any declared length.</summary>
    public static byte[] Prefix(byte flag, uint declaredLength) =>
        [flag, (byte)(declaredLength >> 24), (byte)(declaredLength >> 16), (byte)(declaredLength >> 8), (byte)declaredLength];

    public static byte[] Concat(params IEnumerable<byte>[] parts) => [.. parts.SelectMany(p => p)];

    /// <summary>Cuts a body into DATA frames of at most <paramref name="chunk"/> bytes (never more than the frame limit).</summary>
    public static List<byte[]> Split(byte[] body, int chunk)
    {
        chunk = Math.Clamp(chunk, 1, MaxDataFrameSize);
        return [.. body.Chunk(chunk)];
    }

    /// <summary>Sends a whole request on the shared connection and turns the response into an outcome.</summary>
    public static async Task<HostileOutcome> ExchangeAsync(
        RawHttp2Connection connection, List<KeyValuePair<string, string>> headers, List<byte[]> dataFrames, bool endStream = true, string? reportHeader = null)
    {
        var stream = await connection.SendRequestAsync(headers, dataFrames, endStream, HostileContext.ExchangeTimeout);
        return await ObserveAsync(connection, stream, reportHeader);
    }

    public static async Task<HostileOutcome> ObserveAsync(RawHttp2Connection connection, RawHttp2Stream stream, string? reportHeader = null)
    {
        if (await Task.WhenAny(stream.Completion, Task.Delay(HostileContext.ExchangeTimeout)) != stream.Completion)
        {
            return HostileOutcome.Failed($"stream {stream.Id}: no response within {HostileContext.ExchangeTimeout.TotalSeconds} s");
        }

        return Observe(connection, stream, reportHeader);
    }

    /// <summary>The outcome of a finished stream, described the way <see cref="HostileOutcome"/>'s factories describe expectations.</summary>
    public static HostileOutcome Observe(RawHttp2Connection connection, RawHttp2Stream stream, string? reportHeader = null)
    {
        if (stream.ConnectionLost)
        {
            return connection.GoAway is { } goAway
                ? HostileOutcome.GoAway(goAway.ErrorCode, goAway.LastStreamId)
                : HostileOutcome.Failed($"stream {stream.Id}: connection closed without GOAWAY ({connection.ProtocolViolation})");
        }

        if (stream.Headers is null)
        {
            return stream.ResetCode is { } code ? HostileOutcome.Reset(code) : HostileOutcome.Failed($"stream {stream.Id}: ended without headers");
        }

        var extra = reportHeader is null ? "" : $"; {reportHeader}={(stream.Trailers is null ? stream.Header(reportHeader) : stream.Trailer(reportHeader))}";
        if (stream.HttpStatus != 200)
        {
            return new HostileOutcome("http", stream.HttpStatus ?? -1, $"grpc-status={stream.Header("grpc-status")}{extra}");
        }

        if (stream.GrpcStatus is not { } status)
        {
            return HostileOutcome.Failed($"stream {stream.Id}: no grpc-status (headers: {string.Join(", ", stream.Headers)})");
        }

        if (stream.HeadersEndedStream)
        {
            return HostileOutcome.Grpc((StatusCode)status, null, extra);
        }

        var replies = stream.ReadMessages().Select(m => StringValue.Parser.ParseFrom(m).Value).ToList();
        return HostileOutcome.Grpc((StatusCode)status, replies, extra);
    }
}
