using static FastAV.Live.Server.Tests.Hostile.HostileCaseFactory;
using Grpc.Core;

namespace FastAV.Live.Server.Tests.Hostile;

/// <summary>Malformed length-prefixed messages: bad lengths, truncated prefixes, bad flag bytes.</summary>
public static class MessageFramingCases
{
    /// <summary>The server's receive limit (Grpc:MaxReceiveMessageSize's default).</summary>
    private static readonly uint MaxMessageSize = (uint)HostileServer.MaxReceiveMessageSize;

    public static void Generate(Random random, List<HostileCase> cases)
    {
        for (var i = 0; i < 100; i++)
        {
            // Declared length longer than what follows, then END_STREAM: the stream ends inside the message.
            var method = EchoMethod.Pick(random);
            var valid = method.ValidPrefix(random, "lb");
            var declared = (i % 4) switch
            {
                0 => (uint)random.Next(1, 100),
                1 => (uint)random.Next(100, 70_000),
                2 => (uint)random.Next(70_000, (int)MaxMessageSize),
                _ => MaxMessageSize, // exactly the limit: allowed, so only the missing bytes are wrong
            };
            var present = random.Next(0, (int)Math.Min(declared, 2000));
            var malformed = RawGrpcRequest.Concat(RawGrpcRequest.Prefix(0, declared), RandomBytes(random, present));
            cases.Add(Framing(random, HostileCategory.LengthBeyondBody, $"declares {declared} has {present}", method, valid, malformed,
                method.FailsAfter(StatusCode.Internal, valid)));
        }

        for (var i = 0; i < 60; i++)
        {
            var method = EchoMethod.Pick(random);
            var valid = method.ValidPrefix(random, "tp");
            var malformed = RandomBytes(random, 1 + (i % 4));
            cases.Add(Framing(random, HostileCategory.TruncatedLengthPrefix, $"{malformed.Length}-byte prefix", method, valid, malformed,
                method.FailsAfter(StatusCode.Internal, valid)));
        }

        for (var i = 0; i < 100; i++)
        {
            var method = EchoMethod.Pick(random);
            var valid = method.ValidPrefix(random, "ov");
            var declared = (i % 5) switch
            {
                0 => MaxMessageSize + 1,
                1 => uint.MaxValue,
                2 => MaxMessageSize + (uint)random.Next(2, 1 << 20),
                _ => (uint)random.NextInt64(MaxMessageSize + 1, uint.MaxValue),
            };
            var flag = (byte)random.Next(2);
            var malformed = RawGrpcRequest.Concat(RawGrpcRequest.Prefix(flag, declared), RandomBytes(random, random.Next(0, 1000)));
            var endStream = random.Next(2) == 0;
            // Decision (README, hostile input): accepted. A declared length above 2^31 - 1 is UNKNOWN "Exception was thrown by
            // handler." in Grpc.AspNetCore (its reader throws before any handler or interceptor runs), RESOURCE_EXHAUSTED before;
            // lengths up to 2^31 - 1 over the limit are still RESOURCE_EXHAUSTED. The call fails either way, nothing is allocated.
            var expected = declared > int.MaxValue ? StatusCode.Unknown : StatusCode.ResourceExhausted;
            cases.Add(Framing(random, HostileCategory.OversizedLength, $"declares {declared} flag {flag}", method, valid, malformed,
                method.FailsAfter(expected, valid), endStream));
        }

        for (var i = 0; i < 60; i++)
        {
            // Compressed flag set, but the call's encoding is identity (header absent or "identity").
            var method = EchoMethod.Pick(random);
            var valid = method.ValidPrefix(random, "cf");
            var payload = i % 2 == 0
                ? RawGrpcRequest.Payload($"plain-{i}")
                : TestCompression.Compress("gzip", RawGrpcRequest.Payload($"gzipped-{i}"));
            var malformed = RawGrpcRequest.Concat(RawGrpcRequest.Prefix(1, (uint)payload.Length), payload);
            (string, string)[] headers = i % 3 == 0 ? [("grpc-encoding", "identity")] : [];
            cases.Add(Framing(random, HostileCategory.CompressedWithoutEncoding, $"{(headers.Length == 0 ? "no" : "identity")} grpc-encoding", method, valid,
                malformed, method.FailsAfter(StatusCode.Internal, valid), extraHeaders: headers));
        }

        for (var flag = 2; flag <= 255; flag++)
        {
            var method = EchoMethod.Pick(random);
            var valid = method.ValidPrefix(random, "fl");
            var payload = RawGrpcRequest.Payload($"flag-{flag}");
            var malformed = RawGrpcRequest.Concat(RawGrpcRequest.Prefix((byte)flag, (uint)payload.Length), payload);
            (string, string)[] headers = (flag % 3) switch { 0 => [("grpc-encoding", "gzip")], 1 => [("grpc-encoding", "identity")], _ => [] };
            // Decision (README, hostile input): accepted. A flag byte other than 0 or 1 is UNKNOWN in Grpc.AspNetCore (INTERNAL
            // before): its reader refuses the frame before any handler or interceptor could map it.
            cases.Add(Framing(random, HostileCategory.BadCompressedFlag, $"flag byte {flag}", method, valid, malformed,
                method.FailsAfter(StatusCode.Unknown, valid), extraHeaders: headers));
        }
    }
}
