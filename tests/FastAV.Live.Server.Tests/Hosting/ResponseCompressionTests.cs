using System.IO.Compression;
using FastAV.Live.Contracts.V1;
using FastAV.Live.Server.Hosting.Compression;
using FastAV.Live.Server.Tests.Hostile;
using Google.Protobuf;
using Grpc.Core;

namespace FastAV.Live.Server.Tests.Hosting;

/// <summary>
/// Grpc:ResponseCompression on the wire (raw HTTP/2, so the compressed flag and grpc-encoding are visible): responses go
/// out compressed to clients that accept the encoding and plain to the others, and an empty message compresses to a
/// complete gzip or zlib stream (.NET's compressors alone write zero bytes for it).
/// </summary>
public sealed class ResponseCompressionTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Theory]
    [InlineData("gzip")]
    [InlineData("deflate")]
    public async Task Responses_are_compressed_for_clients_that_accept_the_encoding_even_with_no_stream(string encoding)
    {
        await using var server = await LiveServer.StartAsync(null, null, null, "--Grpc:ResponseCompression", encoding);
        using var timeout = new CancellationTokenSource(Patience);
        await using var connection = await RawHttp2Connection.ConnectAsync(server.Address, timeout.Token);

        // No stream live: a ListStreamsResponse without streams (only the server's figures).
        var (flag, payload, header) = await ListStreamsAsync(connection, $"identity,{encoding}");
        Assert.Equal((1, encoding), (flag, header));
        Assert.True(payload.Length >= (encoding == "gzip" ? 20 : 8), $"{payload.Length} bytes are no complete {encoding} stream");
        Assert.Empty(ListStreamsResponse.Parser.ParseFrom(Inflate(encoding, payload)).Streams);

        using var channel = server.CreateChannel();
        using var live = new LiveAnalytics.LiveAnalyticsClient(channel).Stream();
        await live.RequestStream.WriteAsync(StreamMessages.OpenRequest("cam-z"));
        Assert.True(await live.ResponseStream.MoveNext());
        (flag, payload, _) = await ListStreamsAsync(connection, encoding);
        Assert.Equal(1, flag);
        Assert.Equal("cam-z", ListStreamsResponse.Parser.ParseFrom(Inflate(encoding, payload)).Streams.Single().StreamId);

        // A client that accepts only identity gets the message as it is.
        (flag, payload, header) = await ListStreamsAsync(connection, "identity");
        Assert.Equal((0, null), (flag, header));
        Assert.Equal("cam-z", ListStreamsResponse.Parser.ParseFrom(payload).Streams.Single().StreamId);
        await live.RequestStream.CompleteAsync();
    }

    [Theory]
    [InlineData("gzip", 0)]
    [InlineData("gzip", 100_000)]
    [InlineData("deflate", 0)]
    [InlineData("deflate", 100_000)]
    public void The_provider_reads_back_what_it_writes_checksum_trailer_included(string encoding, int length)
    {
        var provider = new BoundedCompressionProvider(encoding, 1 << 20);
        var data = new byte[length];
        new Random(length).NextBytes(data.AsSpan(0, length / 2));
        using var compressed = new MemoryStream();
        using (var stream = provider.CreateCompressionStream(compressed, CompressionLevel.Fastest))
        {
            stream.Write(data);
        }

        Assert.NotEqual(0, compressed.Length);
        using var inflated = provider.CreateDecompressionStream(new MemoryStream(compressed.ToArray()));
        using var copy = new MemoryStream();
        inflated.CopyTo(copy);
        Assert.Equal(data, copy.ToArray());
    }

    private static async Task<(int Flag, byte[] Payload, string? Encoding)> ListStreamsAsync(RawHttp2Connection connection, string accept)
    {
        var request = new ListStreamsRequest().ToByteArray();
        var stream = await connection.SendRequestAsync(
            RawGrpcRequest.Headers("/fastav.live.v1.LiveAnalytics/ListStreams", extra: [("grpc-accept-encoding", accept)]),
            [RawGrpcRequest.Concat(RawGrpcRequest.Prefix(0, (uint)request.Length), request)],
            endStream: true,
            Patience);
        Assert.True(await Task.WhenAny(stream.Completion, Task.Delay(Patience)) == stream.Completion, "no response");
        Assert.Equal(0, stream.GrpcStatus);
        var body = stream.Body;
        Assert.True(body.Length >= 5, $"a body of {body.Length} bytes");
        return (body[0], body[5..], stream.Header("grpc-encoding"));
    }

    private static byte[] Inflate(string encoding, byte[] data)
    {
        using Stream inflater = encoding == "gzip"
            ? new GZipStream(new MemoryStream(data), CompressionMode.Decompress)
            : new ZLibStream(new MemoryStream(data), CompressionMode.Decompress);
        using var output = new MemoryStream();
        inflater.CopyTo(output);
        return output.ToArray();
    }
}
