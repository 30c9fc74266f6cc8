using FastAV.Live.Contracts.V1;
using FastAV.Live.Server.Tenants;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace FastAV.Live.Server.Tests.Tenants;

/// <summary>
/// Quotas on the real server, at their edges: exactly at the limit passes, one over is RESOURCE_EXHAUSTED naming the
/// quota with RetryInfo / retry-after-ms, and the token buckets refill with time. The server's clock is a
/// <see cref="FakeTimeProvider"/> that only moves when the test says, so the edges are exact.
/// </summary>
public sealed class QuotaTests : IAsyncLifetime
{
    private static readonly StandingQuestion[] Standing =
    [
        new() { QuestionId = "s1", Text = "anyone at the door?", IntervalMs = 1000 },
        new() { QuestionId = "s2", Text = "a car?", IntervalMs = 1000 },
        new() { QuestionId = "s3", Text = "a dog?", IntervalMs = 1000 },
    ];

    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private readonly TenantsFileWriter _file = new(TenantsFileWriter.Standard(TenantsFileWriter.Tenant("metered", ["stream", "ask", "read"], new()
    {
        ["maxStreams"] = 2,
        ["maxStandingQuestions"] = 2,
        ["maxAsksPerSecond"] = 2,
        ["askBurst"] = 2,
        ["maxMediaBytesPerSecond"] = 1000,
        ["mediaBurstBytes"] = 2000,
    })));

    private LiveServer _server = null!;

    public async Task InitializeAsync() =>
        _server = await LiveServer.StartWithHostAsync(null, null, b => b.Services.AddSingleton<TimeProvider>(_clock), "--Auth:ApiKeysFile", _file.Path);

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _file.Dispose();
    }

    [Fact]
    public async Task Max_streams_admits_exactly_the_limit_and_frees_a_slot_on_close()
    {
        using var channel = _server.CreateChannel();
        var (first, a) = await TenantCalls.OpenAsync(channel, TenantCalls.As("metered"), StreamMessages.Open("m1"));
        var (second, b) = await TenantCalls.OpenAsync(channel, TenantCalls.As("metered"), StreamMessages.Open("m2"));
        Assert.NotNull(a);
        Assert.NotNull(b);

        var (third, refused) = await TenantCalls.OpenAsync(channel, TenantCalls.As("metered"), StreamMessages.Open("m3"));
        Assert.Null(refused);
        var status = third.GetStatus();
        Assert.Equal(StatusCode.ResourceExhausted, status.StatusCode);
        Assert.Equal("StreamOpen: quota max_streams of tenant 'metered' exceeded: the tenant has 2 live streams, its limit; retry after 5000 ms", status.Detail);
        QuotaDetails.Of(third.GetTrailers()).Says(QuotaNames.MaxStreams, "metered", 5000);
        third.Dispose();

        // Another tenant is not limited by metered's quota.
        var (other, accepted) = await TenantCalls.OpenAsync(channel, TenantCalls.As("site-a"), StreamMessages.Open("m3"));
        Assert.NotNull(accepted);
        await TenantCalls.FinishAsync(other);

        await TenantCalls.FinishAsync(first);
        var (again, reopened) = await TenantCalls.OpenAsync(channel, TenantCalls.As("metered"), StreamMessages.Open("m3"));
        Assert.Equal("m3", reopened!.Accepted.StreamId);
        await TenantCalls.FinishAsync(again);
        await TenantCalls.FinishAsync(second);
        Assert.Equal(1, _server.Services.GetRequiredService<TrustMetrics>().QuotaRefusals(QuotaNames.MaxStreams, "metered"));
    }

    [Fact]
    public async Task Standing_questions_stop_at_the_tenants_limit_at_open_and_on_the_call()
    {
        using var channel = _server.CreateChannel();
        var tooMany = StreamMessages.Open("s-open");
        tooMany.StandingQuestions.AddRange(Standing);
        var (refusedCall, refused) = await TenantCalls.OpenAsync(channel, TenantCalls.As("metered"), tooMany);
        Assert.Null(refused);
        Assert.Equal(StatusCode.ResourceExhausted, refusedCall.GetStatus().StatusCode);
        Assert.Equal("StreamOpen.standing_questions: quota max_standing_questions of tenant 'metered' exceeded: 3 asked, the tenant's limit is 2 per stream", refusedCall.GetStatus().Detail);
        QuotaDetails.Of(refusedCall.GetTrailers()).Says(QuotaNames.MaxStandingQuestions, "metered", retryMs: null);
        refusedCall.Dispose();

        var atLimit = StreamMessages.Open("s-call");
        atLimit.StandingQuestions.AddRange(Standing[..2]);
        var (call, accepted) = await TenantCalls.OpenAsync(channel, TenantCalls.As("metered"), atLimit);
        Assert.NotNull(accepted);
        await call.RequestStream.WriteAsync(new StreamRequest { StandingQuestion = Standing[2] });
        var (responses, status) = await TenantCalls.FinishAsync(call);
        Assert.Equal(StatusCode.ResourceExhausted, status.StatusCode);
        Assert.Equal("StreamRequest.standing_question: quota max_standing_questions of tenant 'metered' exceeded: the stream already has 2 standing questions, the tenant's limit", status.Detail);
        QuotaDetails.Of(call.GetTrailers()).Says(QuotaNames.MaxStandingQuestions, "metered", retryMs: null);
        var final = responses[^1].Stats;
        Assert.True(final.Final);
        Assert.Equal(1UL, final.StandingQuestionsRefused);
        Assert.Equal(2U, final.StandingQuestions);

        // site-a has no quota of its own: three are fine (the server allows 16).
        var (free, ok) = await TenantCalls.OpenAsync(channel, TenantCalls.As("site-a"), tooMany);
        Assert.NotNull(ok);
        Assert.Equal(StatusCode.OK, (await TenantCalls.FinishAsync(free)).Status.StatusCode);
    }

    [Fact]
    public async Task Asks_per_second_is_a_token_bucket_that_refills_with_time()
    {
        using var channel = _server.CreateChannel();
        var (call, _) = await TenantCalls.OpenAsync(channel, TenantCalls.As("metered"), StreamMessages.Open("asked"));

        // The burst (2) passes — to FAILED_PRECONDITION "no model loaded", past the quota — the third waits 500 ms.
        Assert.Equal(StatusCode.FailedPrecondition, (await AskAsync(channel)).Status.StatusCode);
        Assert.Equal(StatusCode.FailedPrecondition, (await AskAsync(channel)).Status.StatusCode);
        var third = await AskAsync(channel);
        Assert.Equal(StatusCode.ResourceExhausted, third.Status.StatusCode);
        Assert.Equal("AskRequest: quota asks_per_second of tenant 'metered' exceeded: 2 Ask calls per second, burst 2; retry after 500 ms", third.Status.Detail);
        QuotaDetails.Of(third.Trailers).Says(QuotaNames.AsksPerSecond, "metered", 500);

        _clock.Advance(TimeSpan.FromMilliseconds(499));
        var early = await AskAsync(channel);
        Assert.Equal(StatusCode.ResourceExhausted, early.Status.StatusCode);
        QuotaDetails.Of(early.Trailers).Says(QuotaNames.AsksPerSecond, "metered", 1);
        _clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(StatusCode.FailedPrecondition, (await AskAsync(channel)).Status.StatusCode);
        Assert.Equal(StatusCode.ResourceExhausted, (await AskAsync(channel)).Status.StatusCode);

        // A long quiet spell refills only up to the burst.
        _clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(StatusCode.FailedPrecondition, (await AskAsync(channel)).Status.StatusCode);
        Assert.Equal(StatusCode.FailedPrecondition, (await AskAsync(channel)).Status.StatusCode);
        Assert.Equal(StatusCode.ResourceExhausted, (await AskAsync(channel)).Status.StatusCode);

        var (responses, _) = await TenantCalls.FinishAsync(call);
        Assert.Equal(4UL, responses[^1].Stats.AsksRefused);
        Assert.Equal(4, _server.Services.GetRequiredService<TrustMetrics>().QuotaRefusals(QuotaNames.AsksPerSecond, "metered"));
    }

    [Fact]
    public async Task Media_bytes_per_second_admits_the_burst_exactly_and_ends_the_call_one_byte_over()
    {
        using var channel = _server.CreateChannel();
        var (call, _) = await TenantCalls.OpenAsync(channel, TenantCalls.As("metered"), StreamMessages.Open("bytes"));
        await call.RequestStream.WriteAsync(StreamMessages.ChunkRequest(0, 1000));
        await call.RequestStream.WriteAsync(StreamMessages.ChunkRequest(31_250, 1000));
        await call.RequestStream.WriteAsync(StreamMessages.ChunkRequest(62_500, 2));
        var (responses, status) = await TenantCalls.FinishAsync(call);
        Assert.Equal(StatusCode.ResourceExhausted, status.StatusCode);
        Assert.Equal("AudioChunk: quota media_bytes_per_second of tenant 'metered' exceeded: 1000 media bytes per second, burst 2000; retry after 2 ms", status.Detail);
        QuotaDetails.Of(call.GetTrailers()).Says(QuotaNames.MediaBytesPerSecond, "metered", 2);
        var final = responses[^1].Stats;
        Assert.True(final.Final);
        Assert.Equal(2UL, final.AudioChunksAccepted);
        Assert.Equal(1UL, final.MediaMessagesRefused);

        // One second refills 1000 bytes of the tenant's bucket, for any of its streams.
        _clock.Advance(TimeSpan.FromSeconds(1));
        var (next, _) = await TenantCalls.OpenAsync(channel, TenantCalls.As("metered"), StreamMessages.Open("bytes-2"));
        await next.RequestStream.WriteAsync(StreamMessages.ChunkRequest(0, 1000));
        await next.RequestStream.WriteAsync(StreamMessages.FrameRequest(0));
        var (more, over) = await TenantCalls.FinishAsync(next);
        Assert.Equal(StatusCode.ResourceExhausted, over.StatusCode);
        Assert.StartsWith("VideoFrame: quota media_bytes_per_second", over.Detail, StringComparison.Ordinal);
        Assert.Equal(1UL, more[^1].Stats.AudioChunksAccepted);
        Assert.Equal(0UL, more[^1].Stats.VideoFramesAccepted);
    }

    private async Task<(Grpc.Core.Status Status, Metadata Trailers)> AskAsync(Grpc.Net.Client.GrpcChannel channel)
    {
        using var call = new LiveAnalytics.LiveAnalyticsClient(channel).Ask(
            new AskRequest { StreamId = "asked", Question = new Question { Text = "is anyone at the door?" } }, TenantCalls.As("metered"), DateTime.UtcNow + TenantCalls.Patience);
        try
        {
            while (await call.ResponseStream.MoveNext())
            {
            }
        }
        catch (RpcException)
        {
            // The status and trailers are read below.
        }

        return (call.GetStatus(), call.GetTrailers());
    }
}
