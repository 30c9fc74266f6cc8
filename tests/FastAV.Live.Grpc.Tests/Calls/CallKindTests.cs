using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.DependencyInjection;

namespace FastAV.Live.Grpc.Tests.Calls;

/// <summary>Our client against our server on loopback: the four call kinds, statuses, metadata, deadlines, cancellation.</summary>
public sealed class CallKindTests : IAsyncLifetime
{
    private readonly EchoService _service = new();
    private LoopbackServer _server = null!;
    private GrpcChannel _channel = null!;

    public async Task InitializeAsync()
    {
        _server = await LoopbackServer.StartAsync(s => s.AddSingleton<IGrpcService>(_service));
        _channel = _server.CreateChannel();
    }

    public async Task DisposeAsync()
    {
        _channel.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task Unary_echoes_the_request()
    {
        var reply = await _channel.AsyncUnaryCall(EchoService.Unary, default, new StringValue { Value = "hello" });
        Assert.Equal("hello", reply.Value);
    }

    [Fact]
    public async Task Unary_status_detail_and_binary_trailer_arrive_intact()
    {
        using var call = _channel.AsyncUnaryCall(EchoService.Unary, default, new StringValue { Value = "fail:9:bad state \u00e9 100% \n\t" });
        var ex = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, ex.StatusCode);
        Assert.Equal("bad state \u00e9 100% \n\t", ex.Status.Detail);
        Assert.Equal(new byte[] { 1, 2, 3 }, call.GetTrailers().GetValueBytes("x-detail-bin"));
    }

    [Fact]
    public async Task Headers_and_binary_trailers_round_trip()
    {
        var headers = new Metadata { { "x-echo", "value-1" }, { "x-bin", new byte[] { 0, 255, 7 } } };
        using var call = _channel.AsyncUnaryCall(EchoService.Unary, new CallOptions(headers), new StringValue { Value = "headers" });
        var responseHeaders = await call.ResponseHeadersAsync;
        Assert.Equal("value-1", responseHeaders.GetValue("x-echo"));
        Assert.Equal("headers", (await call.ResponseAsync).Value);
        Assert.Equal(new byte[] { 0, 255, 7 }, call.GetTrailers().GetValueBytes("x-trailer-bin"));
        Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
    }

    [Fact]
    public async Task Server_streaming_delivers_every_message_in_order()
    {
        using var call = _channel.AsyncServerStreamingCall(EchoService.ServerStream, default, new StringValue { Value = "50" });
        var got = new List<string>();
        while (await call.ResponseStream.MoveNext())
        {
            got.Add(call.ResponseStream.Current.Value);
        }

        Assert.Equal(Enumerable.Range(0, 50).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), got);
        Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
    }

    [Fact]
    public async Task Client_streaming_collects_every_request()
    {
        using var call = _channel.AsyncClientStreamingCall(EchoService.ClientStream, default);
        foreach (var s in new[] { "a", "b", "c" })
        {
            await call.RequestStream.WriteAsync(new StringValue { Value = s });
        }

        await call.RequestStream.CompleteAsync();
        Assert.Equal("a,b,c", (await call).Value);
    }

    [Fact]
    public async Task Writes_after_the_server_ended_the_call_report_the_servers_status()
    {
        for (var attempt = 0; attempt < 20; attempt++)
        {
            using var call = _channel.AsyncClientStreamingCall(EchoService.ClientStream, default);
            await call.RequestStream.WriteAsync(new StringValue { Value = "fail:3:no more" });
            var fromWrites = await Record.ExceptionAsync(async () =>
            {
                for (var i = 0; i < 200; i++)
                {
                    await call.RequestStream.WriteAsync(new StringValue { Value = new string('w', 1000) });
                }

                await call.RequestStream.CompleteAsync();
            });
            var fromResponse = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync);
            Assert.Equal(StatusCode.InvalidArgument, fromResponse.StatusCode);
            if (fromWrites is not null)
            {
                Assert.Equal(StatusCode.InvalidArgument, Assert.IsType<RpcException>(fromWrites).StatusCode);
            }
        }
    }

    [Fact]
    public async Task Client_streaming_with_no_messages_gets_an_empty_answer()
    {
        using var call = _channel.AsyncClientStreamingCall(EchoService.ClientStream, default);
        await call.RequestStream.CompleteAsync();
        Assert.Equal("", (await call).Value);
    }

    [Fact]
    public async Task Duplex_ping_pong()
    {
        using var call = _channel.AsyncDuplexStreamingCall(EchoService.Duplex, default);
        for (var i = 0; i < 20; i++)
        {
            await call.RequestStream.WriteAsync(new StringValue { Value = "p" + i });
            Assert.True(await call.ResponseStream.MoveNext());
            Assert.Equal("p" + i, call.ResponseStream.Current.Value);
        }

        await call.RequestStream.CompleteAsync();
        Assert.False(await call.ResponseStream.MoveNext());
        Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
    }

    [Fact]
    public async Task The_server_allows_one_writer_per_call()
    {
        using var call = _channel.AsyncDuplexStreamingCall(EchoService.Duplex, default);
        await call.RequestStream.WriteAsync(new StringValue { Value = "two-writers" });
        Assert.True(await call.ResponseStream.MoveNext());
        Assert.Equal("block", call.ResponseStream.Current.Value);
        Assert.True(await call.ResponseStream.MoveNext());
        Assert.Equal("InvalidOperationException: Only one write can be pending at a time.", call.ResponseStream.Current.Value);
        await call.RequestStream.CompleteAsync();
        Assert.False(await call.ResponseStream.MoveNext());
    }

    [Fact]
    public async Task The_client_allows_one_writer_per_call()
    {
        using var call = _channel.AsyncClientStreamingCall(EchoService.ClientStream, default);
        var first = Task.Run(() => call.RequestStream.WriteAsync(new StringValue { Value = "block" }));
        Assert.True(await EchoService.BlockEntered.WaitAsync(TimeSpan.FromSeconds(30)));
        var second = await Assert.ThrowsAsync<InvalidOperationException>(() => call.RequestStream.WriteAsync(new StringValue { Value = "d" }));
        Assert.Contains("previous write is in progress", second.Message, StringComparison.Ordinal);
        EchoService.BlockGate.Release();
        await first;
        await call.RequestStream.CompleteAsync();
        Assert.Equal("block", (await call).Value);
    }

    [Theory]
    [InlineData("gzip")]
    [InlineData("deflate")]
    public async Task Compressed_requests_are_accepted(string encoding)
    {
        var text = new string('z', 10_000);
        var reply = await _channel.AsyncUnaryCall(EchoService.Unary, new CallOptions(RequestCompression: encoding), new StringValue { Value = text });
        Assert.Equal(text, reply.Value);
    }

    [Fact]
    public async Task Deadline_on_a_sleeping_server_ends_with_deadline_exceeded_on_both_sides()
    {
        using var call = _channel.AsyncUnaryCall(
            EchoService.Unary, new CallOptions(Deadline: DateTime.UtcNow.AddMilliseconds(200)), new StringValue { Value = "sleep:20000" });
        var ex = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync);
        Assert.Equal(StatusCode.DeadlineExceeded, ex.StatusCode);
        Assert.Equal("/fastav.test.Echo/Unary", await _service.Canceled.Task.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task A_deadline_already_past_fails_without_sending()
    {
        using var call = _channel.AsyncUnaryCall(
            EchoService.Unary, new CallOptions(Deadline: DateTime.UtcNow.AddSeconds(-1)), new StringValue { Value = "x" });
        var ex = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync);
        Assert.Equal(StatusCode.DeadlineExceeded, ex.StatusCode);
    }

    [Fact]
    public async Task Client_cancellation_reaches_the_server_handler()
    {
        using var cts = new CancellationTokenSource();
        using var call = _channel.AsyncUnaryCall(EchoService.Unary, new CallOptions(CancellationToken: cts.Token), new StringValue { Value = "sleep:20000" });
        await Task.Delay(200);
        await cts.CancelAsync();
        var ex = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync);
        Assert.Equal(StatusCode.Cancelled, ex.StatusCode);
        Assert.Equal("/fastav.test.Echo/Unary", await _service.Canceled.Task.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task Oversized_response_is_resource_exhausted_at_the_client()
    {
        using var channel = _server.CreateChannel(new GrpcChannelOptions { MaxReceiveMessageSize = 1000 });
        var ex = await Assert.ThrowsAsync<RpcException>(async () =>
            await channel.AsyncUnaryCall(EchoService.Unary, default, new StringValue { Value = "bytes:5000" }));
        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);
    }

    [Fact]
    public async Task Oversized_request_is_resource_exhausted_at_the_server()
    {
        var big = new string('y', 4 * 1024 * 1024 + 10);
        using var channel = _server.CreateChannel(new GrpcChannelOptions { MaxSendMessageSize = int.MaxValue });
        var ex = await Assert.ThrowsAsync<RpcException>(async () =>
            await channel.AsyncUnaryCall(EchoService.Unary, default, new StringValue { Value = big }));
        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);
        Assert.Contains("maximum configured message size", ex.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Oversized_request_is_refused_by_the_client_before_sending()
    {
        using var channel = _server.CreateChannel(new GrpcChannelOptions { MaxSendMessageSize = 100 });
        var ex = await Assert.ThrowsAsync<RpcException>(async () =>
            await channel.AsyncUnaryCall(EchoService.Unary, default, new StringValue { Value = new string('q', 200) }));
        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);
    }

    [Fact]
    public async Task Unknown_method_and_service_are_unimplemented()
    {
        var missingMethod = new Method<StringValue, StringValue>(
            MethodType.Unary, EchoService.ServiceName, "Nope", Marshallers.Protobuf(StringValue.Parser), Marshallers.Protobuf(StringValue.Parser));
        var missingService = new Method<StringValue, StringValue>(
            MethodType.Unary, "fastav.test.Missing", "Nope", Marshallers.Protobuf(StringValue.Parser), Marshallers.Protobuf(StringValue.Parser));
        var a = await Assert.ThrowsAsync<RpcException>(async () => await _channel.AsyncUnaryCall(missingMethod, default, new StringValue()));
        var b = await Assert.ThrowsAsync<RpcException>(async () => await _channel.AsyncUnaryCall(missingService, default, new StringValue()));
        Assert.Equal(StatusCode.Unimplemented, a.StatusCode);
        Assert.Equal(StatusCode.Unimplemented, b.StatusCode);
        Assert.StartsWith("Method is unimplemented", a.Status.Detail, StringComparison.Ordinal);
        Assert.StartsWith("Service is unimplemented", b.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connection_refused_is_unavailable()
    {
        using var channel = GrpcChannel.ForAddress("http://127.0.0.1:1");
        var ex = await Assert.ThrowsAsync<RpcException>(async () => await channel.AsyncUnaryCall(EchoService.Unary, default, new StringValue()));
        Assert.Equal(StatusCode.Unavailable, ex.StatusCode);
    }

    [Fact]
    public async Task Writing_to_a_server_that_cannot_be_reached_is_unavailable_not_a_hang()
    {
        using var channel = GrpcChannel.ForAddress("http://127.0.0.1:1");
        using var duplex = channel.AsyncDuplexStreamingCall(EchoService.Duplex, default);
        var write = await Assert.ThrowsAsync<RpcException>(() => duplex.RequestStream.WriteAsync(new StringValue { Value = "hello" }).WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(StatusCode.Unavailable, write.StatusCode);
        Assert.Equal(StatusCode.Unavailable, duplex.GetStatus().StatusCode);
    }

    [Fact]
    public async Task Many_concurrent_calls_share_one_channel()
    {
        var tasks = Enumerable.Range(0, 200).Select(async i =>
            (await _channel.AsyncUnaryCall(EchoService.Unary, default, new StringValue { Value = "m" + i })).Value);
        var results = await Task.WhenAll(tasks);
        Assert.Equal(Enumerable.Range(0, 200).Select(i => "m" + i), results);
    }
}
