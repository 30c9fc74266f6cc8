using Grpc.Core;

namespace FastAV.Live.Server.Tests.Hostile;

/// <summary>
/// Valid compressed requests that the truncation check must not reject (it reads the checksum trailer), and the
/// truncations it must: the boundary of the server's BoundedCompressionProvider, on the wire through the raw client.
/// </summary>
public sealed class CompressedMessageControlTests : IAsyncLifetime
{
    private HostileServer _server = null!;
    private RawHttp2Connection _connection = null!;

    public async Task InitializeAsync()
    {
        _server = await HostileServer.StartAsync();
        using var timeout = new CancellationTokenSource(HostileContext.ExchangeTimeout);
        _connection = await RawHttp2Connection.ConnectAsync(_server.Address, timeout.Token);
    }

    public async Task DisposeAsync()
    {
        await _connection.DisposeAsync();
        await _server.DisposeAsync();
    }

    [Theory]
    [InlineData("gzip", 0)]
    [InlineData("gzip", 1)]
    [InlineData("gzip", 5000)]
    [InlineData("deflate", 0)]
    [InlineData("deflate", 5000)]
    public async Task Complete_compressed_messages_are_accepted(string encoding, int length)
    {
        var text = new string('v', length);
        var compressed = TestCompression.Compress(encoding, RawGrpcRequest.Payload(text));
        Assert.Equal(HostileOutcome.Grpc(StatusCode.OK, [text]), await SendAsync(encoding, compressed));
    }

    [Fact]
    public async Task Concatenated_gzip_members_are_one_message()
    {
        // RFC 1952 §2.2: a gzip file is a series of members; the trailer check looks at the last member only.
        var payload = RawGrpcRequest.Payload("first half|second half");
        var split = payload.Length / 2;
        var members = RawGrpcRequest.Concat(
            TestCompression.Compress("gzip", payload[..split]), TestCompression.Compress("gzip", payload[split..]));
        Assert.Equal(HostileOutcome.Grpc(StatusCode.OK, ["first half|second half"]), await SendAsync("gzip", members));
    }

    [Theory]
    [InlineData("gzip", 1)]
    [InlineData("gzip", 4)]
    [InlineData("gzip", 8)]
    [InlineData("deflate", 1)]
    [InlineData("deflate", 4)]
    public async Task A_missing_checksum_trailer_is_internal(string encoding, int cut)
    {
        // The framework's inflaters return the full text for these (only the trailer is missing); the server must not.
        var compressed = TestCompression.Compress(encoding, RawGrpcRequest.Payload(new string('t', 3000)));
        Assert.Equal(HostileOutcome.Grpc(StatusCode.Internal), await SendAsync(encoding, compressed[..^cut]));
    }

    private Task<HostileOutcome> SendAsync(string encoding, byte[] compressed) =>
        RawGrpcRequest.ExchangeAsync(
            _connection,
            RawGrpcRequest.Headers(EchoMethod.Unary.Path, extra: [("grpc-encoding", encoding)]),
            RawGrpcRequest.Split(RawGrpcRequest.Concat(RawGrpcRequest.Prefix(1, (uint)compressed.Length), compressed), RawGrpcRequest.MaxDataFrameSize));
}
