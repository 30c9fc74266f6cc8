using System.Collections.Concurrent;
using FastAV.Live.Contracts.V1;
using Grpc.AspNetCore.Server;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.DependencyInjection;

namespace FastAV.Live.Client.Tests;

/// <summary>
/// What the client's channel adds to the calls: x-fastav-stream-id on every call about a stream, retries of the
/// read-only unary calls on UNAVAILABLE (never of Stream or Ask), and TLS that trusts a given CA.
/// </summary>
public sealed class LiveChannelTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Every_call_about_a_stream_carries_its_id_as_metadata()
    {
        await using var server = await LoopbackServer.StartAsync();
        using var client = server.CreateClient();
        await using (var session = await client.OpenStreamAsync(new StreamOpen { StreamId = "door-3", Video = LiveAnalyticsClientTests.H264Track() }, Patience))
        {
            await client.GetStreamAsync("door-3");
            var ask = await Assert.ThrowsAsync<RpcException>(() => client.AskAsync("door-3", new Question { Text = "anyone?" }).ToListAsync().AsTask());
            Assert.Equal(StatusCode.FailedPrecondition, ask.StatusCode);
            await client.ListStreamsAsync(new ListStreamsRequest());
            await session.CompleteAsync();
            await LiveAnalyticsClientTests.ReadAllAsync(session);
        }

        Assert.Equal(
            [
                "/fastav.live.v1.LiveAnalytics/Stream=door-3", "/fastav.live.v1.LiveAnalytics/GetStream=door-3",
                "/fastav.live.v1.LiveAnalytics/Ask=door-3", "/fastav.live.v1.LiveAnalytics/ListStreams=",
            ],
            server.StreamIdHeaders);
    }

    [Fact]
    public async Task Read_calls_are_retried_on_unavailable_and_ask_is_not()
    {
        var faults = new UnavailableFirstCalls(failures: 2);
        await using var server = await LoopbackServer.StartAsync(
            model: false,
            b =>
            {
                // Resolved from DI for every call, so each call meets the same counts.
                b.Services.AddSingleton(faults);
                b.Services.PostConfigure<GrpcServiceOptions>(o => o.Interceptors.Add<UnavailableFirstCalls>());
            });
        using var client = server.CreateClient();

        Assert.Equal(0U, (await client.ListStreamsAsync(new ListStreamsRequest())).TotalCount);
        var missing = await Assert.ThrowsAsync<RpcException>(() => client.GetStreamAsync("nobody"));
        Assert.Equal(StatusCode.NotFound, missing.StatusCode);
        var ask = await Assert.ThrowsAsync<RpcException>(() => client.AskAsync("nobody", new Question { Text = "hi" }).ToListAsync().AsTask());
        Assert.Equal(StatusCode.Unavailable, ask.StatusCode);
        Assert.Equal("injected: try again", ask.Status.Detail);

        // Two refusals, then the answer: three attempts each for the reads; one for Ask.
        Assert.Equal(3, faults.Calls("ListStreams"));
        Assert.Equal(3, faults.Calls("GetStream"));
        Assert.Equal(1, faults.Calls("Ask"));

        faults.Reset();
        using var once = server.CreateClient(new LiveClientOptions { MaxReadAttempts = 1 });
        var refused = await Assert.ThrowsAsync<RpcException>(() => once.ListStreamsAsync(new ListStreamsRequest { StreamIdPrefix = "x" }));
        Assert.Equal(StatusCode.Unavailable, refused.StatusCode);
        Assert.Equal(1, faults.Calls("ListStreams"));
    }

    [Fact]
    public async Task Tls_to_a_self_signed_server_works_when_its_certificate_is_the_given_ca_and_fails_otherwise()
    {
        using var certificate = new SelfSignedCertificate();
        using var other = new SelfSignedCertificate();
        await using var server = await LoopbackServer.StartAsync(
            "--urls", "https://127.0.0.1:0", "--Server:CertificatePath", certificate.PfxPath, "--Server:CertificatePassword", certificate.Password);
        Assert.Equal("https", server.Address.Scheme);

        using (var trusting = LiveAnalyticsClient.Create(server.Url, new LiveClientOptions { CaCertificatePath = certificate.PemPath }))
        {
            Assert.Equal(0U, (await trusting.ListStreamsAsync(new ListStreamsRequest())).TotalCount);
        }

        foreach (var options in new[] { new LiveClientOptions { MaxReadAttempts = 1 }, new LiveClientOptions { MaxReadAttempts = 1, CaCertificatePath = other.PemPath } })
        {
            using var doubting = LiveAnalyticsClient.Create(server.Url, options);
            var ex = await Assert.ThrowsAsync<RpcException>(() => doubting.ListStreamsAsync(new ListStreamsRequest()));
            // Grpc.Net.Client's answer to a failed TLS handshake: INTERNAL, with the reason.
            Assert.True(ex.StatusCode == StatusCode.Internal, ex.Status.ToString());
            Assert.Contains("The SSL connection could not be established", ex.Status.Detail, StringComparison.Ordinal);
        }

        var missing = Assert.Throws<ArgumentException>(() => LiveAnalyticsClient.Create(server.Url, new LiveClientOptions { CaCertificatePath = "/no/such/ca.pem" }));
        Assert.Contains("CA certificate '/no/such/ca.pem' does not exist", missing.Message, StringComparison.Ordinal);
    }

    /// <summary>Fault injection in front of the real service: the first calls of each method end UNAVAILABLE.</summary>
    private sealed class UnavailableFirstCalls(int failures) : Interceptor
    {
        private readonly ConcurrentDictionary<string, int> _calls = new();

        public int Calls(string method) => _calls.GetValueOrDefault($"/fastav.live.v1.LiveAnalytics/{method}");

        public void Reset() => _calls.Clear();

        public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
            TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
        {
            Fail(context);
            return continuation(request, context);
        }

        public override Task ServerStreamingServerHandler<TRequest, TResponse>(
            TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
        {
            Fail(context);
            return continuation(request, responseStream, context);
        }

        private void Fail(ServerCallContext context)
        {
            if (_calls.AddOrUpdate(context.Method, 1, (_, n) => n + 1) <= failures)
            {
                throw new RpcException(new Status(StatusCode.Unavailable, "injected: try again"));
            }
        }
    }
}
