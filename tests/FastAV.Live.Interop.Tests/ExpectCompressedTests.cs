using FastAV.Live.InteropHost;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Grpc.Testing;

namespace FastAV.Live.Interop.Tests;

/// <summary>
/// expect_compressed is judged per message, by the frame's compressed flag: a call that declares gzip
/// but sends this one message uncompressed is refused, as the interop descriptions require.
/// </summary>
[Collection(InteropCollection.Name)]
public sealed class ExpectCompressedTests(InteropServers servers)
{
    [Theory]
    [InlineData("host")]
    [InlineData("python")]
    public async Task A_declared_but_uncompressed_message_is_invalid_argument_and_a_compressed_one_passes(string server)
    {
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{servers.PortOf(server)}");
        var request = new SimpleRequest
        {
            ResponseSize = 10,
            Payload = new Payload { Body = ByteString.CopyFrom(new byte[1000]) },
            ExpectCompressed = new BoolValue { Value = true },
        };

        var client = new TestService.TestServiceClient(channel);
        var gzip = new Metadata { { InteropClientCases.RequestEncodingKey, "gzip" } };
        var uncompressed = new CallOptions(gzip, writeOptions: new WriteOptions(WriteFlags.NoCompress));
        var ex = await Assert.ThrowsAsync<RpcException>(async () => await client.UnaryCallAsync(request, uncompressed));
        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);

        var reply = await client.UnaryCallAsync(request, new CallOptions(gzip));
        Assert.Equal(10, reply.Payload.Body.Length);
    }
}
