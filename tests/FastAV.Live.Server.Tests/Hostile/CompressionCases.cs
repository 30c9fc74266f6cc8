using System.Collections.Concurrent;
using static FastAV.Live.Server.Tests.Hostile.HostileCaseFactory;
using Grpc.Core;

namespace FastAV.Live.Server.Tests.Hostile;

/// <summary>Compression abuse: unknown encodings, corrupt and truncated gzip/deflate, decompression bombs.</summary>
public static class CompressionCases
{
    private static readonly string[] UnsupportedEncodings =
        ["br", "zstd", "snappy", "lz4", "x-gzip", "gzip2", "compress", "identity,gzip", "GZIP", "Deflate", "*", "none", "gzip;q=1"];

    private static readonly string[] Encodings = [TestCompression.Gzip, TestCompression.Deflate];

    // Bombs are the same few blobs many times; compress each once per process.
    private static readonly ConcurrentDictionary<(string Encoding, int Size), byte[]> Bombs = new();

    public static void Generate(Random random, List<HostileCase> cases)
    {
        for (var i = 0; i < 50; i++)
        {
            var method = EchoMethod.Pick(random);
            var encoding = Pick(random, UnsupportedEncodings);
            var compressed = i % 2 == 1;
            var text = method == EchoMethod.ServerStream ? "2" : $"enc-{i}";
            var payload = compressed ? RandomBytes(random, random.Next(0, 200)) : RawGrpcRequest.Payload(text);
            var malformed = RawGrpcRequest.Concat(RawGrpcRequest.Prefix(compressed ? (byte)1 : (byte)0, (uint)payload.Length), payload);
            // A compressed message in an encoding the server lacks: UNIMPLEMENTED naming what it has (gRPC's compression spec).
            // Decision (README, hostile input): accepted. An uncompressed message under an unknown grpc-encoding is read as it
            // is (the encoding only applies to messages whose flag is set), where the server refused the call at its headers
            // before; its bytes then decide, like any request's.
            var expected = compressed
                ? HostileOutcome.Grpc(StatusCode.Unimplemented, null, $"; grpc-accept-encoding={TestCompression.AcceptEncodingValue}")
                : method.Succeeds([text]) with { Detail = method.Succeeds([text]).Detail + "; grpc-accept-encoding=" };
            cases.Add(Framing(random, HostileCategory.UnsupportedEncoding, $"grpc-encoding '{encoding}'{(compressed ? "" : " on an uncompressed message")}", method, [], malformed,
                expected, extraHeaders: [("grpc-encoding", encoding)], reportHeader: "grpc-accept-encoding"));
        }

        for (var i = 0; i < 100; i++)
        {
            var method = EchoMethod.Pick(random);
            var valid = method.ValidPrefix(random, "cz");
            var encoding = Encodings[i % 2];
            var payload = RawGrpcRequest.Payload(new string('z', random.Next(1, 3000)) + i);
            var compressed = TestCompression.Compress(encoding, payload);
            string how;
            byte[] corrupt;
            switch (i % 3)
            {
                case 0:
                    corrupt = RandomBytes(random, random.Next(1, 300));
                    how = $"{corrupt.Length} random bytes";
                    break;
                case 1:
                    (corrupt, var at) = FlipOneByte(random, encoding, compressed, payload);
                    how = $"byte {at} of {corrupt.Length} flipped";
                    break;
                default:
                    var keep = random.Next(0, compressed.Length);
                    corrupt = compressed[..keep];
                    how = $"truncated to {keep} of {compressed.Length} bytes";
                    break;
            }

            var malformed = RawGrpcRequest.Concat(RawGrpcRequest.Prefix(1, (uint)corrupt.Length), corrupt);
            // Decision (README, hostile input): restored. The library answers corrupt data UNKNOWN and accepts data cut before
            // its checksum trailer as a shorter message; BoundedCompressionProvider answers both INTERNAL, as before.
            cases.Add(Framing(random, HostileCategory.CorruptCompressedData, $"{encoding} {how}", method, valid, malformed,
                method.FailsAfter(StatusCode.Internal, valid), extraHeaders: [("grpc-encoding", encoding)]));
        }

        // Decision (README, hostile input): restored. Grpc.AspNetCore inflates a compressed message whatever its size; the
        // server's BoundedCompressionProvider stops at the receive limit with RESOURCE_EXHAUSTED.
        var limit = HostileServer.MaxReceiveMessageSize;
        int[] bombSizes = [limit + 1, limit + (limit / 2), 8 * limit];
        foreach (var size in bombSizes)
        {
            foreach (var encoding in Encodings)
            {
                foreach (var method in EchoMethod.All)
                {
                    var bomb = Bombs.GetOrAdd((encoding, size), key => TestCompression.Compress(key.Encoding, new byte[key.Size]));
                    var valid = method.ValidPrefix(random, "bomb");
                    var malformed = RawGrpcRequest.Concat(RawGrpcRequest.Prefix(1, (uint)bomb.Length), bomb);
                    cases.Add(Framing(random, HostileCategory.CompressionBomb, $"{encoding} {bomb.Length} bytes inflating to {size}", method, valid, malformed,
                        method.FailsAfter(StatusCode.ResourceExhausted, valid), extraHeaders: [("grpc-encoding", encoding)]));
                }
            }
        }
    }

    /// <summary>
    /// Changes one byte so that the data no longer inflates to <paramref name="original"/>. Some bytes can change
    /// unnoticed (gzip's MTIME, padding bits, a dynamic Huffman table entry of an unused symbol): those picks are
    /// skipped, judged by inflating with the framework's own stream, independent of the server's checks.
    /// </summary>
    private static (byte[] Corrupt, int At) FlipOneByte(Random random, string encoding, byte[] compressed, byte[] original)
    {
        while (true)
        {
            var corrupt = (byte[])compressed.Clone();
            var at = random.Next(0, corrupt.Length);
            corrupt[at] ^= (byte)random.Next(1, 256);
            if (!InflatesTo(encoding, corrupt, original))
            {
                return (corrupt, at);
            }
        }
    }

    private static bool InflatesTo(string encoding, byte[] data, byte[] expected)
    {
        try
        {
            using var input = new MemoryStream(data);
            using Stream inflater = encoding == TestCompression.Gzip
                ? new System.IO.Compression.GZipStream(input, System.IO.Compression.CompressionMode.Decompress)
                : new System.IO.Compression.ZLibStream(input, System.IO.Compression.CompressionMode.Decompress);
            using var output = new MemoryStream();
            inflater.CopyTo(output);
            return output.ToArray().AsSpan().SequenceEqual(expected);
        }
        catch (InvalidDataException)
        {
            return false;
        }
    }
}
