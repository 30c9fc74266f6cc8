using FastAV.Live.Contracts.V1;
using FastAV.Live.Server.Hosting;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace FastAV.Live.Server.Tests.Hosting;

/// <summary>
/// The drain sequence: health NOT_SERVING at once (a Watch sees it), calls still served for Server:DrainDelay, then every
/// running Stream call gets its final StreamStats and ends UNAVAILABLE "retry on another server" — long before the
/// shutdown timeout (5 minutes here: Grpc.AspNetCore alone would hold a bidi call until then, and the test would not end).
/// </summary>
public sealed class DrainTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Stopping_ends_a_live_stream_with_its_final_stats_then_unavailable_and_health_watch_sees_not_serving()
    {
        await using var app = ServerHost.Build(
            ["--urls", "http://127.0.0.1:0", "--Server:HttpUrls=", "--Inference:Model", "none", "--Server:DrainDelay", "00:00:01", "--Server:ShutdownTimeout", "00:05:00",
                "--LiveAnalytics:StatsInterval", "01:00:00"],
            b => b.Logging.ClearProviders());
        await app.StartAsync();
        using var channel = GrpcChannel.ForAddress(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        using var watch = new Health.HealthClient(channel).Watch(new HealthCheckRequest());
        Assert.True(await watch.ResponseStream.MoveNext());
        Assert.Equal(ServingStatus.Serving, watch.ResponseStream.Current.Status);

        using var stream = new LiveAnalytics.LiveAnalyticsClient(channel).Stream(new CallOptions(deadline: DateTime.UtcNow + Patience));
        await stream.RequestStream.WriteAsync(StreamMessages.OpenRequest("porch"));
        Assert.True(await stream.ResponseStream.MoveNext());
        Assert.Equal("porch", stream.ResponseStream.Current.Accepted.StreamId);
        for (var i = 0; i < 3; i++)
        {
            await stream.RequestStream.WriteAsync(StreamMessages.FrameRequest(i * 40_000));
        }

        var stopping = Task.Run(() => app.StopAsync());
        Assert.True(await watch.ResponseStream.MoveNext());
        Assert.Equal(ServingStatus.NotServing, watch.ResponseStream.Current.Status);

        var responses = new List<StreamResponse>();
        var ended = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            while (await stream.ResponseStream.MoveNext())
            {
                responses.Add(stream.ResponseStream.Current);
            }
        });
        Assert.Equal(StatusCode.Unavailable, ended.StatusCode);
        Assert.Equal(ServerDrain.RetryElsewhere.Detail, ended.Status.Detail);
        var final = Assert.Single(responses, r => r.Stats?.Final == true).Stats;
        Assert.Same(final, responses[^1].Stats);
        Assert.Equal(3UL, final.VideoFramesAccepted);

        var watchEnded = await Assert.ThrowsAsync<RpcException>(() => watch.ResponseStream.MoveNext());
        Assert.Equal(StatusCode.Unavailable, watchEnded.StatusCode);
        Assert.True(await Task.WhenAny(stopping, Task.Delay(Patience)) == stopping, "the host did not stop: a call held shutdown up");
        await stopping;
    }

    [Fact]
    public async Task Sigterm_to_the_process_turns_health_not_serving_and_gives_every_stream_its_final_stats_then_unavailable()
    {
        var (server, address) = await FastavProcess.StartAsync(Patience, "--Inference:Model", "none", "--Server:ShutdownTimeout", "00:05:00", "--LiveAnalytics:StatsInterval", "01:00:00");
        using (server)
        {
            using var channel = GrpcChannel.ForAddress(address);
            var client = new LiveAnalytics.LiveAnalyticsClient(channel);
            var streams = new List<AsyncDuplexStreamingCall<StreamRequest, StreamResponse>>();
            try
            {
                foreach (var id in new[] { "cam-1", "cam-2" })
                {
                    var call = client.Stream(new CallOptions(deadline: DateTime.UtcNow + Patience));
                    streams.Add(call);
                    await call.RequestStream.WriteAsync(StreamMessages.OpenRequest(id));
                    Assert.True(await call.ResponseStream.MoveNext());
                    await call.RequestStream.WriteAsync(StreamMessages.FrameRequest(0));
                    await call.RequestStream.WriteAsync(StreamMessages.ChunkRequest(0));
                }

                // Both streams have their media counted before the signal.
                for (var i = 0; i < 100 && (await client.ListStreamsAsync(new ListStreamsRequest())).Streams.Any(s => s.Stats.AudioChunksAccepted == 0); i++)
                {
                    await Task.Delay(50);
                }

                using var watch = new Health.HealthClient(channel).Watch(new HealthCheckRequest());
                Assert.True(await watch.ResponseStream.MoveNext());
                Assert.Equal(ServingStatus.Serving, watch.ResponseStream.Current.Status);

                server.Terminate();
                Assert.True(await watch.ResponseStream.MoveNext());
                Assert.Equal(ServingStatus.NotServing, watch.ResponseStream.Current.Status);
                foreach (var call in streams)
                {
                    var responses = new List<StreamResponse>();
                    var ended = await Assert.ThrowsAsync<RpcException>(async () =>
                    {
                        while (await call.ResponseStream.MoveNext())
                        {
                            responses.Add(call.ResponseStream.Current);
                        }
                    });
                    Assert.True(ended.StatusCode == StatusCode.Unavailable, $"{ended.Status}; server output:\n{server.Output}");
                    Assert.Equal(ServerDrain.RetryElsewhere.Detail, ended.Status.Detail);
                    var final = responses[^1].Stats;
                    Assert.True(final.Final, $"last response before UNAVAILABLE: {responses[^1]}");
                    Assert.Equal((1UL, 1UL), (final.VideoFramesAccepted, final.AudioChunksAccepted));
                }

                Assert.Equal(0, await server.WaitForExitAsync(Patience));
            }
            finally
            {
                streams.ForEach(s => s.Dispose());
            }
        }
    }
}
