using FastAV.Live.Contracts.V1;
using FastAV.Live.Server.Tests.EndToEnd;
using Grpc.Core;
using Grpc.Net.Client;

namespace FastAV.Live.Server.Tests.Tenants;

/// <summary>
/// Tenants with the real model (models/fastav-tiny) answering: two tenants stream different clips under the same
/// stream id, and each Ask is answered from the asker's own stream (its media span), never the other's.
/// </summary>
public sealed class TenantAnswerTests
{
    [Fact]
    public async Task Each_tenant_is_answered_from_its_own_stream_of_the_same_id()
    {
        var clips = await TinyClips.GetAsync();
        using var file = new TenantsFileWriter(TenantsFileWriter.Standard(TenantsFileWriter.Tenant("root", ["stream", "ask", "read", "admin"])));
        await using var server = await LiveServer.StartAsync(null, o =>
        {
            o.Model = Path.Combine(PythonProbe.RepoRoot, "models", "fastav-tiny");
            o.MaxBacklogSeconds = 60;
            o.MaxQueuedWindows = 64;
        }, logging: null, "--Auth:ApiKeysFile", file.Path);
        using var channel = server.CreateChannel();

        // site-a: 6 windows of one clip; site-b: 3 windows of another, both as "lobby". A window is held until media
        // passes its end, so 5 and 2 windows are in the caches.
        var a = await StreamAsync(channel, "site-a", clips[2], windows: 6, standing: []);
        var b = await StreamAsync(channel, "site-b", clips[0], windows: 3, standing: [new StandingQuestion { QuestionId = "watch", Text = clips[0].Questions[0].Text, IntervalMs = 1000, MaxTokens = 4 }]);
        await PrefilledAsync(channel, "site-a", 5);
        await PrefilledAsync(channel, "site-b", 2);

        var client = new LiveAnalytics.LiveAnalyticsClient(channel);
        var question = clips[2].Questions.First(x => x.Window == 4).Text;
        var forA = (await TenantCalls.AskAsync(client, TenantCalls.As("site-a"), "lobby", question, EndToEndServer.Patience))[^1];
        var forB = (await TenantCalls.AskAsync(client, TenantCalls.As("site-b"), "lobby", question, EndToEndServer.Patience))[^1];
        Assert.True(forA.Done);
        Assert.True(forB.Done);
        Assert.Equal(5_000_000L, forA.Answer.Span.EndPtsUs);
        Assert.Equal(2_000_000L, forB.Answer.Span.EndPtsUs);

        // An admin with "ask" reaches site-b's lobby by naming the tenant; its own (none) otherwise.
        var forRoot = (await TenantCalls.AskAsync(client, TenantCalls.As("root").With("x-fastav-tenant", "site-b"), "lobby", question, EndToEndServer.Patience))[^1];
        Assert.Equal(2_000_000L, forRoot.Answer.Span.EndPtsUs);
        var none = await TenantCalls.CallAsync(channel, "Ask", TenantCalls.As("root"), "lobby");
        Assert.Equal(StatusCode.NotFound, none.StatusCode);

        var endA = await TenantCalls.FinishAsync(a);
        var endB = await TenantCalls.FinishAsync(b);
        Assert.Equal(StatusCode.OK, endA.Status.StatusCode);
        Assert.Equal(StatusCode.OK, endB.Status.StatusCode);

        // site-b's standing question is answered on site-b's call (engine ids are tenant-qualified), never on site-a's.
        Assert.Contains(endB.Responses, r => r.Answer is { Standing: true, QuestionId: "watch" });
        Assert.DoesNotContain(endA.Responses, r => r.KindCase == StreamResponse.KindOneofCase.Answer);
        Assert.DoesNotContain(endB.Responses, r => r.Warning?.Code == WarningCode.AnswerFailed);
    }

    private static async Task<AsyncDuplexStreamingCall<StreamRequest, StreamResponse>> StreamAsync(GrpcChannel channel, string tenant, Clip clip, int windows, StandingQuestion[] standing)
    {
        var (call, accepted) = await TenantCalls.OpenAsync(channel, TenantCalls.As(tenant), ClipStream.Open(clip, "lobby", PruningPolicy.Fastav, standing), EndToEndServer.Patience);
        Assert.True(accepted!.Accepted.ModelLoaded);
        for (var w = 0; w < windows; w++)
        {
            foreach (var request in ClipStream.Window(clip, w))
            {
                await call.RequestStream.WriteAsync(request);
            }
        }

        return call;
    }

    private static async Task PrefilledAsync(GrpcChannel channel, string tenant, ulong windows)
    {
        var client = new LiveAnalytics.LiveAnalyticsClient(channel);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        StreamStats stats;
        while ((stats = (await client.GetStreamAsync(new GetStreamRequest { StreamId = "lobby" }, TenantCalls.As(tenant))).Stream.Stats).WindowsPrefilled < windows)
        {
            Assert.True(DateTime.UtcNow < deadline, $"{tenant}'s lobby never prefilled {windows} windows: {stats}");
            await Task.Delay(50);
        }
    }
}
