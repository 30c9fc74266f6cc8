using static FastAV.Live.Server.Tests.Hostile.HostileCaseFactory;
using Grpc.Core;

namespace FastAV.Live.Server.Tests.Hostile;

/// <summary>Requests whose headers are wrong for gRPC: content type, method, path, grpc-timeout, content-length.</summary>
public static class RequestHeaderCases
{
    private static readonly string?[] WrongContentTypes =
    [
        null, "", "application/json", "text/plain", "application/grpc-web", "application/grpc-web+proto", "application/grpc-web-text",
        "application/grpcx", "application/grp", "application/octet-stream", "application/x-protobuf", "multipart/form-data; boundary=x",
        "APPLICATION/JSON", "grpc", "application/proto",
    ];

    private static readonly string[] NonPostMethods = ["GET", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD", "TRACE", "PROPFIND"];

    private static readonly string[] GrpcContentTypes = ["application/grpc", "application/grpc+proto", "application/grpc;charset=utf-8", "Application/GRPC"];

    private static readonly string[] BadTimeouts =
    [
        "", "1", "S", "m", "-1S", "+1S", "1.5S", "123456789S", "1s", "1h", "1x", "0x1S", "1SS", "99999999999m", "1e3m", "abcS", "1 S",
        "S1", "10000000000n", "--", "1,000m", "Infinity", "NaN", "0.0S", "1m1S",
    ];

    public static void Generate(Random random, List<HostileCase> cases)
    {
        for (var i = 0; i < 60; i++)
        {
            var method = EchoMethod.Pick(random);
            var contentType = WrongContentTypes[i % WrongContentTypes.Length];
            var headers = RawGrpcRequest.Headers(method.Path, contentType);
            cases.Add(new HostileCase(
                HostileCategory.WrongContentType, $"content-type '{contentType ?? "(none)"}' on {method.Name}", HostileOutcome.Http(415),
                c => RawGrpcRequest.ExchangeAsync(c.SharedConnection, headers, [RawGrpcRequest.Message("ct")])));
        }

        for (var i = 0; i < 60; i++)
        {
            // Decision (README, hostile input): accepted. Grpc.AspNetCore's routes take POST only, so another method on a
            // gRPC path is HTTP 404 from routing (405 with "allow: POST" and grpc-status 13 before). Not a gRPC call either way.
            var httpMethod = NonPostMethods[i % NonPostMethods.Length];
            var path = random.Next(4) == 0 ? $"/no.such.Service{i}/Call" : EchoMethod.Pick(random).Path;
            var headers = RawGrpcRequest.Headers(path, RawGrpcRequest.ContentType, httpMethod);
            List<byte[]> body = httpMethod is "GET" or "HEAD" or "OPTIONS" or "TRACE" ? [] : [RawGrpcRequest.Message("verb")];
            cases.Add(new HostileCase(
                HostileCategory.NonPostMethod, $"{httpMethod} {path}", new HostileOutcome("http", 404, "grpc-status=; allow="),
                c => RawGrpcRequest.ExchangeAsync(c.SharedConnection, headers, body, reportHeader: "allow")));
        }

        for (var i = 0; i < 60; i++)
        {
            // Decision (README, hostile input): accepted. An unknown method of a served service and an unknown service are
            // UNIMPLEMENTED with the library's messages ("Method is unimplemented." / "Service is unimplemented.", without
            // the path our layer added); a path of one segment is no gRPC route at all: HTTP 404.
            // Restored: service names are case-sensitive (ASP.NET Core routing is not; MethodPathInterceptor answers a path
            // that differs from the method's name only in case UNIMPLEMENTED, as gRPC servers do).
            var knownService = i % 2 == 0;
            var variant = i % 6;
            var path = knownService
                ? $"/{EchoService.ServiceName}/{RandomName(random)}"
                : variant switch
                {
                    1 => $"/{RandomName(random)}.{RandomName(random)}/{RandomName(random)}",
                    3 => $"/{RandomName(random)}",
                    _ => $"/fastav.test.echo/{EchoMethod.Pick(random).Name}", // service names are case-sensitive
                };
            var expected = knownService
                ? HostileOutcome.Grpc(StatusCode.Unimplemented, null, "; grpc-message=Method is unimplemented.")
                : variant == 3
                    ? new HostileOutcome("http", 404, "grpc-status=; grpc-message=")
                    : HostileOutcome.Grpc(StatusCode.Unimplemented, null, "; grpc-message=Service is unimplemented.");
            var headers = RawGrpcRequest.Headers(path, Pick(random, GrpcContentTypes));
            cases.Add(new HostileCase(
                HostileCategory.UnknownPath, path, expected,
                c => RawGrpcRequest.ExchangeAsync(c.SharedConnection, headers, [RawGrpcRequest.Message(path.EndsWith("/ServerStream", StringComparison.Ordinal) ? "1" : "where")], reportHeader: "grpc-message")));
        }

        for (var i = 0; i < 60; i++)
        {
            // A grpc-timeout that does not parse is ignored: the call runs without a deadline.
            var timeout = i < BadTimeouts.Length ? BadTimeouts[i] : RandomTimeout(random);
            var method = EchoMethod.Pick(random);
            List<string> texts = method == EchoMethod.ServerStream ? [random.Next(0, 4).ToString(System.Globalization.CultureInfo.InvariantCulture)]
                : method.AcceptsManyRequests ? [.. Enumerable.Range(0, random.Next(1, 4)).Select(n => $"t{i}-{n}")]
                : [$"t{i}"];
            var headers = RawGrpcRequest.Headers(method.Path, extra: [("grpc-timeout", timeout)]);
            var body = RawGrpcRequest.Split(texts.SelectMany(RawGrpcRequest.Message).ToArray(), random.Next(1, 64));
            cases.Add(new HostileCase(
                HostileCategory.BadTimeout, $"grpc-timeout '{timeout}' on {method.Name}", method.Succeeds(texts),
                c => RawGrpcRequest.ExchangeAsync(c.SharedConnection, headers, body)));
        }

        for (var i = 0; i < 30; i++)
        {
            // content-length disagreeing with the DATA sent is malformed HTTP/2 (RFC 9113 §8.1.1): the stream is reset.
            var message = RawGrpcRequest.Message($"cl-{i}");
            var longer = i % 2 == 0;
            var declared = longer ? message.Length + random.Next(1, 1000) : random.Next(0, message.Length);
            var headers = RawGrpcRequest.Headers(EchoMethod.Unary.Path, extra: [("content-length", declared.ToString(System.Globalization.CultureInfo.InvariantCulture))]);
            var body = RawGrpcRequest.Split(message, random.Next(1, message.Length + 1));
            cases.Add(new HostileCase(
                HostileCategory.ContentLengthMismatch, $"content-length {declared}, {message.Length} bytes sent in {body.Count} frames",
                HostileOutcome.Reset(Http2ErrorCode.ProtocolError),
                c => RawGrpcRequest.ExchangeAsync(c.SharedConnection, headers, body)));
        }
    }

    /// <summary>grpc-timeout's grammar (PROTOCOL-HTTP2.md): 1 to 8 ASCII digits and a unit.</summary>
    private static readonly System.Text.RegularExpressions.Regex TimeoutGrammar = new("^[0-9]{1,8}[HMSmun]$");

    private static string RandomName(Random random)
    {
        const string Letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
        const string Rest = Letters + "0123456789_";
        var length = random.Next(1, 20);
        return Letters[random.Next(Letters.Length)] + new string([.. Enumerable.Range(1, length).Select(_ => Rest[random.Next(Rest.Length)])]);
    }

    /// <summary>Printable ASCII that grpc-timeout's grammar (1-8 digits and a unit) rejects.</summary>
    private static string RandomTimeout(Random random)
    {
        while (true)
        {
            var value = new string([.. Enumerable.Range(0, random.Next(1, 12)).Select(_ => (char)random.Next(0x21, 0x7F))]);
            if (!TimeoutGrammar.IsMatch(value))
            {
                return value;
            }
        }
    }
}
