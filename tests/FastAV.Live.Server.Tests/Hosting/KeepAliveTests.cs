using FastAV.Live.Contracts.V1;
using FastAV.Live.Server.Hosting;
using FastAV.Live.Server.Tests.Hostile;
using Google.Protobuf;
using Grpc.Core;

namespace FastAV.Live.Server.Tests.Hosting;

/// <summary>
/// A client that freezes (a stopped process, a hung camera: no FIN, no RST) must not hold its stream id: the server's
/// HTTP/2 keepalive ping goes unanswered, the connection is closed after Http2:KeepAlivePingTimeout, the Stream call ends
/// and the id is free for the camera's reconnect.
/// </summary>
public sealed class KeepAliveTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_frozen_client_loses_its_connection_and_its_stream_id_to_the_keepalive_ping()
    {
        await using var server = await LiveServer.StartAsync(null, null, null, "--Http2:KeepAlivePingDelay", "00:00:01", "--Http2:KeepAlivePingTimeout", "00:00:01");
        using var timeout = new CancellationTokenSource(Patience);
        await using var connection = await RawHttp2Connection.ConnectAsync(server.Address, timeout.Token);
        var call = await connection.StartStreamAsync(RawGrpcRequest.Headers("/fastav.live.v1.LiveAnalytics/Stream"), endStream: false);
        var open = StreamMessages.OpenRequest("frozen").ToByteArray();
        await connection.SendDataAsync(call, RawGrpcRequest.Concat(RawGrpcRequest.Prefix(0, (uint)open.Length), open), endStream: false);
        Assert.True(await WaitUntilAsync(() => server.Registry.Find("frozen") is not null), "the stream never opened");
        Assert.True(await WaitUntilAsync(() => call.Body.Length > 0), "no StreamAccepted");

        connection.Freeze();
        Assert.True(await Task.WhenAny(connection.Closed, Task.Delay(Patience)) == connection.Closed, "the server kept the frozen connection open");
        Assert.True(connection.PingsUnanswered >= 1, "the server closed the connection without pinging it first");
        // A lost connection detaches the stream (held for a resume); the camera may come back with its token or, as here, without.
        Assert.True(await WaitUntilAsync(() => server.Registry.Find("frozen")?.State == StreamState.Detached), "the frozen stream is still attached");

        // The camera comes back under the same id (no token: the detached stream is discarded, a new one opens).
        using var channel = server.CreateChannel();
        var (responses, status) = await StreamCalls.RunToEndAsync(channel, [StreamMessages.OpenRequest("frozen")], Patience);
        Assert.Equal(StatusCode.OK, status.StatusCode);
        Assert.Equal("frozen", responses[0].Accepted.StreamId);
    }

    [Fact]
    public void By_default_a_frozen_client_is_found_within_twenty_seconds()
    {
        var defaults = new Http2LimitOptions();
        Assert.Equal(TimeSpan.FromSeconds(20), defaults.KeepAlivePingDelay + defaults.KeepAlivePingTimeout);
        Assert.Empty(defaults.Validate());
    }

    [Theory]
    [InlineData("--Http2:KeepAlivePingDelay", "00:00:00.500", "Http2:KeepAlivePingDelay must be at least 00:00:01")]
    [InlineData("--Http2:KeepAlivePingTimeout", "00:00:00", "Http2:KeepAlivePingTimeout must be positive")]
    [InlineData("--Http2:InitialStreamWindowSize", "1000", "Http2:InitialStreamWindowSize must be in [65535, 2147483647]")]
    [InlineData("--Http2:InitialConnectionWindowSize", "65535", "Http2:InitialConnectionWindowSize (65535) must be at least InitialStreamWindowSize")]
    [InlineData("--Grpc:ResponseCompression", "br", "Grpc:ResponseCompression must be identity, gzip or deflate, got 'br'")]
    public async Task Bad_limits_stop_start_up_naming_the_setting(string key, string value, string expected)
    {
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => LiveServer.StartAsync(null, null, null, key, value));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    private static async Task<bool> WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            await Task.Delay(50);
        }

        return true;
    }
}
