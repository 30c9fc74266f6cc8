using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using static FastAV.Live.Server.Tests.Hostile.HostileCaseFactory;
using Grpc.Core;

namespace FastAV.Live.Server.Tests.Hostile;

/// <summary>Well-framed messages whose payload is not a valid protobuf encoding.</summary>
public static class ProtobufCases
{
    public static void Generate(Random random, List<HostileCase> cases)
    {
        for (var i = 0; i < 120; i++)
        {
            var (how, payload) = Garbage(random, i % 9);
            var method = EchoMethod.Pick(random);
            var valid = method.ValidPrefix(random, "pb");
            var gzip = random.Next(3) == 0;
            if (gzip)
            {
                payload = TestCompression.Compress(TestCompression.Gzip, payload);
            }

            var malformed = RawGrpcRequest.Concat(RawGrpcRequest.Prefix(gzip ? (byte)1 : (byte)0, (uint)payload.Length), payload);
            // Decision (README, hostile input): stricter, as the contract says. Bytes that are not the request message are
            // INVALID_ARGUMENT (CheckedRequestMarshaller); the library alone answers UNKNOWN, our old layer INTERNAL.
            cases.Add(Framing(random, HostileCategory.GarbageProtobuf, $"{how}{(gzip ? " (gzip)" : "")}", method, valid, malformed,
                method.FailsAfter(StatusCode.InvalidArgument, valid), extraHeaders: gzip ? [("grpc-encoding", TestCompression.Gzip)] : null));
        }
    }


    /// <summary>A payload of one family of invalid encodings; every one is checked to be rejected by the protobuf parser.</summary>
    private static (string How, byte[] Payload) Garbage(Random random, int family)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var validPrefix = random.Next(2) == 0 ? RawGrpcRequest.Payload($"ok-{random.Next(1000)}") : [];
            var field = random.Next(1, 16);
            (string How, byte[] Bytes) garbage = family switch
            {
                0 => ("tag 0", [0x00, .. RandomBytes(random, random.Next(0, 8))]),
                1 => ($"wire type {6 + (field % 2)}", [(byte)((field << 3) | (6 + (field % 2))), .. RandomBytes(random, random.Next(0, 8))]),
                2 => ("truncated varint", [0x08, .. Enumerable.Repeat((byte)0xFF, random.Next(1, 6))]),
                3 => ("11-byte varint", [0x08, .. Enumerable.Repeat((byte)0xFF, 10), 0x01]),
                4 => LengthOverrun(random),
                5 => ($"end-group tag of field {field} without start", [(byte)((field << 3) | 4)]),
                6 => ($"start-group of field {field} never ended", [(byte)((field << 3) | 3), 0x08, 0x01]),
                7 => NestedGroups(random),
                _ => ("random bytes", RandomBytes(random, random.Next(1, 64))),
            };
            byte[] payload = [.. validPrefix, .. garbage.Bytes];
            try
            {
                StringValue.Parser.ParseFrom(payload);
            }
            catch (InvalidProtocolBufferException)
            {
                return ((validPrefix.Length > 0 ? "valid field then " : "") + garbage.How, payload);
            }
        }

        throw new InvalidOperationException($"Garbage family {family} keeps producing payloads the protobuf parser accepts.");
    }

    private static (string, byte[]) LengthOverrun(Random random)
    {
        var declared = random.Next(2, 128);
        return ($"string of {declared} declared, fewer present", [0x0A, (byte)declared, .. RandomBytes(random, random.Next(0, declared))]);
    }

    /// <summary>More nested groups than the parser's recursion limit (100).</summary>
    private static (string, byte[]) NestedGroups(Random random)
    {
        var depth = random.Next(101, 400);
        return ($"{depth} nested groups", [.. Enumerable.Repeat((byte)0x13, depth)]);
    }
}
