using System.Buffers.Binary;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using Google.Protobuf;
using Grpc.Testing;

namespace FastAV.Live.Interop.Tests;

/// <summary>
/// What the official clients cannot see: the per-message compressed flag on the wire. Raw HTTP/2
/// requests (HttpClient, h2c) to our InteropHost and, as the yardstick, the grpcio reference server.
/// </summary>
[Collection(InteropCollection.Name)]
public sealed class CompressedFlagTests(InteropServers servers) : IDisposable
{
    private readonly HttpClient _http = new(new SocketsHttpHandler { AutomaticDecompression = DecompressionMethods.None });

    public void Dispose() => _http.Dispose();

    [Theory]
    [InlineData("host", true)]
    [InlineData("host", false)]
    [InlineData("python", true)]
    [InlineData("python", false)]
    public async Task Unary_response_carries_the_compressed_flag_that_response_compressed_asks_for(string server, bool compressed)
    {
        var request = new SimpleRequest
        {
            ResponseSize = 314159,
            Payload = new Payload { Body = ByteString.CopyFrom(new byte[271828]) },
            ResponseCompressed = new BoolValue { Value = compressed },
        };

        var exchange = await SendAsync(server, "UnaryCall", request.ToByteArray(), compressRequest: false);

        Assert.Equal("0", exchange.GrpcStatus);
        var frame = Assert.Single(exchange.Frames);
        Assert.Equal(compressed, frame.Compressed);
        if (compressed)
        {
            Assert.True(frame.WireLength < 314159 / 10, $"a compressed frame of zeros should be small, was {frame.WireLength} bytes");
        }

        var response = SimpleResponse.Parser.ParseFrom(frame.Payload);
        Assert.Equal(314159, response.Payload.Body.Length);
        Assert.True(response.Payload.Body.Span.IndexOfAnyExcept((byte)0) < 0);
    }

    [Theory]
    [InlineData("host")]
    [InlineData("python")]
    public async Task Streaming_responses_carry_the_compressed_flag_of_each_response_parameters(string server)
    {
        var request = new StreamingOutputCallRequest
        {
            ResponseParameters =
            {
                new ResponseParameters { Size = 31415, Compressed = new BoolValue { Value = true } },
                new ResponseParameters { Size = 92653, Compressed = new BoolValue { Value = false } },
            },
        };

        var exchange = await SendAsync(server, "StreamingOutputCall", request.ToByteArray(), compressRequest: false);

        Assert.Equal("0", exchange.GrpcStatus);
        Assert.Equal([true, false], exchange.Frames.Select(f => f.Compressed));
        Assert.Equal([31415, 92653], exchange.Frames.Select(f => StreamingOutputCallResponse.Parser.ParseFrom(f.Payload).Payload.Body.Length));
        Assert.True(exchange.Frames[1].WireLength > 92653, "the uncompressed frame holds the whole payload");
    }

    [Theory]
    [InlineData("host", false, "3")]
    [InlineData("host", true, "0")]
    [InlineData("python", false, "3")]
    [InlineData("python", true, "0")]
    public async Task Expect_compressed_fails_an_uncompressed_request_with_invalid_argument(string server, bool compressRequest, string expectedStatus)
    {
        var request = new SimpleRequest
        {
            ResponseSize = 10,
            Payload = new Payload { Body = ByteString.CopyFrom(new byte[27182]) },
            ExpectCompressed = new BoolValue { Value = true },
        };

        var exchange = await SendAsync(server, "UnaryCall", request.ToByteArray(), compressRequest);

        Assert.Equal(expectedStatus, exchange.GrpcStatus);
        Assert.Equal(expectedStatus == "0" ? 1 : 0, exchange.Frames.Count);
    }

    private async Task<Exchange> SendAsync(string server, string method, byte[] message, bool compressRequest)
    {
        var payload = compressRequest ? Gzip(message) : message;
        var frame = new byte[5 + payload.Length];
        frame[0] = compressRequest ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)payload.Length);
        payload.CopyTo(frame, 5);

        using var request = new HttpRequestMessage(HttpMethod.Post, $"http://127.0.0.1:{servers.PortOf(server)}/grpc.testing.TestService/{method}")
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(frame),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        request.Headers.TE.Add(new TransferCodingWithQualityHeaderValue("trailers"));
        request.Headers.TryAddWithoutValidation("grpc-accept-encoding", "identity,gzip");
        if (compressRequest)
        {
            request.Headers.TryAddWithoutValidation("grpc-encoding", "gzip");
        }

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var response = await _http.SendAsync(request, cts.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadAsByteArrayAsync(cts.Token);
        var status = response.TrailingHeaders.TryGetValues("grpc-status", out var values)
            ? values.Single()
            : response.Headers.GetValues("grpc-status").Single(); // trailers-only
        return new Exchange(status, ReadFrames(body));
    }

    private static List<WireFrame> ReadFrames(byte[] body)
    {
        var frames = new List<WireFrame>();
        var offset = 0;
        while (offset < body.Length)
        {
            Assert.True(body.Length - offset >= 5, $"truncated frame header at {offset}");
            var flag = body[offset];
            Assert.True(flag <= 1, $"compressed-flag byte {flag}");
            var length = (int)BinaryPrimitives.ReadUInt32BigEndian(body.AsSpan(offset + 1));
            var wire = body.AsSpan(offset + 5, length).ToArray();
            frames.Add(new WireFrame(flag == 1, length, flag == 1 ? Gunzip(wire) : wire));
            offset += 5 + length;
        }

        return frames;
    }

    private static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest))
        {
            gzip.Write(data);
        }

        return output.ToArray();
    }

    private static byte[] Gunzip(byte[] data)
    {
        using var input = new GZipStream(new MemoryStream(data), CompressionMode.Decompress);
        using var output = new MemoryStream();
        input.CopyTo(output);
        return output.ToArray();
    }

    private sealed record WireFrame(bool Compressed, int WireLength, byte[] Payload);

    private sealed record Exchange(string GrpcStatus, List<WireFrame> Frames);
}
