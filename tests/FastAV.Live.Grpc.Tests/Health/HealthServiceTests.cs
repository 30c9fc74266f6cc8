using FastAV.Live.Grpc.Health;
using Grpc.Health.V1;
using Microsoft.Extensions.DependencyInjection;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace FastAV.Live.Grpc.Tests.Health;

public sealed class HealthServiceTests : IAsyncLifetime
{
    private static readonly Method<HealthCheckRequest, HealthCheckResponse> Check =
        ProtoMethod.Create<HealthCheckRequest, HealthCheckResponse>(HealthReflection.Descriptor.Services[0], "Check");

    private static readonly Method<HealthCheckRequest, HealthCheckResponse> Watch =
        ProtoMethod.Create<HealthCheckRequest, HealthCheckResponse>(HealthReflection.Descriptor.Services[0], "Watch");

    private readonly HealthService _health = new();
    private LoopbackServer _server = null!;
    private GrpcChannel _channel = null!;

    public async Task InitializeAsync()
    {
        _health.SetStatus("fastav.live.v1.LiveAnalytics", ServingStatus.Serving);
        _server = await LoopbackServer.StartAsync(s => s.AddSingleton<IGrpcService>(_health));
        _channel = _server.CreateChannel();
    }

    public async Task DisposeAsync()
    {
        _channel.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task Check_reports_the_server_and_a_named_service()
    {
        Assert.Equal(ServingStatus.Serving, (await _channel.AsyncUnaryCall(Check, default, new HealthCheckRequest())).Status);
        var named = await _channel.AsyncUnaryCall(Check, default, new HealthCheckRequest { Service = "fastav.live.v1.LiveAnalytics" });
        Assert.Equal(ServingStatus.Serving, named.Status);
    }

    [Fact]
    public async Task Check_of_an_unknown_service_is_not_found()
    {
        var ex = await Assert.ThrowsAsync<RpcException>(async () =>
            await _channel.AsyncUnaryCall(Check, default, new HealthCheckRequest { Service = "no.such.Service" }));
        Assert.Equal(StatusCode.NotFound, ex.StatusCode);
    }

    [Fact]
    public async Task Watch_streams_the_current_status_then_each_change_and_drain()
    {
        using var call = _channel.AsyncServerStreamingCall(Watch, default, new HealthCheckRequest { Service = "fastav.live.v1.LiveAnalytics" });
        Assert.True(await call.ResponseStream.MoveNext());
        Assert.Equal(ServingStatus.Serving, call.ResponseStream.Current.Status);

        _health.SetAllNotServing();
        Assert.True(await call.ResponseStream.MoveNext());
        Assert.Equal(ServingStatus.NotServing, call.ResponseStream.Current.Status);
        Assert.Equal(ServingStatus.NotServing, (await _channel.AsyncUnaryCall(Check, default, new HealthCheckRequest())).Status);

        _health.SetStatus("fastav.live.v1.LiveAnalytics", ServingStatus.Serving);
        Assert.True(await call.ResponseStream.MoveNext());
        Assert.Equal(ServingStatus.Serving, call.ResponseStream.Current.Status);
    }

    [Fact]
    public async Task Watch_of_an_unknown_service_says_service_unknown_without_failing()
    {
        using var call = _channel.AsyncServerStreamingCall(Watch, default, new HealthCheckRequest { Service = "later.Service" });
        Assert.True(await call.ResponseStream.MoveNext());
        Assert.Equal(ServingStatus.ServiceUnknown, call.ResponseStream.Current.Status);
        _health.SetStatus("later.Service", ServingStatus.Serving);
        Assert.True(await call.ResponseStream.MoveNext());
        Assert.Equal(ServingStatus.Serving, call.ResponseStream.Current.Status);
    }
}
