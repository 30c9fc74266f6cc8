using FastAV.Live.Contracts.V1;
using FastAV.Live.Server.Tenants;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace FastAV.Live.Server.Tests.Tenants;

/// <summary>
/// Server-wide quotas (section "Quotas") on a server without a tenants file: the one default tenant's calls are
/// limited together, the refusal names the server as the quota's owner. A fake clock makes the edges exact.
/// </summary>
public sealed class ServerQuotaTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private LiveServer _server = null!;

    public async Task InitializeAsync() =>
        _server = await LiveServer.StartWithHostAsync(null, null, b => b.Services.AddSingleton<TimeProvider>(_clock),
            "--Quotas:MaxAsksPerSecond", "1", "--Quotas:MaxMediaBytesPerSecond", "640", "--Quotas:MediaBurstBytes", "640");

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Asks_and_media_are_limited_server_wide_without_any_tenant()
    {
        using var channel = _server.CreateChannel();
        var (call, accepted) = await TenantCalls.OpenAsync(channel, [], StreamMessages.Open("shared"));
        Assert.NotNull(accepted);

        Assert.Equal(StatusCode.FailedPrecondition, (await TenantCalls.CallAsync(channel, "Ask", [], "shared")).StatusCode);
        var refused = await TenantCalls.CallAsync(channel, "Ask", [], "shared");
        Assert.Equal(StatusCode.ResourceExhausted, refused.StatusCode);
        Assert.Equal("AskRequest: quota asks_per_second of the server exceeded: 1 Ask calls per second, burst 1; retry after 1000 ms", refused.Detail);
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(StatusCode.FailedPrecondition, (await TenantCalls.CallAsync(channel, "Ask", [], "shared")).StatusCode);

        // 640 bytes of burst: two 320-byte chunks pass, the next byte does not.
        await call.RequestStream.WriteAsync(StreamMessages.ChunkRequest(0));
        await call.RequestStream.WriteAsync(StreamMessages.ChunkRequest(10_000));
        await call.RequestStream.WriteAsync(StreamMessages.ChunkRequest(20_000, 2));
        var (responses, status) = await TenantCalls.FinishAsync(call);
        Assert.Equal(StatusCode.ResourceExhausted, status.StatusCode);
        Assert.StartsWith("AudioChunk: quota media_bytes_per_second of the server exceeded: 640 media bytes per second, burst 640; retry after 4 ms", status.Detail, StringComparison.Ordinal);
        QuotaDetails.Of(call.GetTrailers()).Says(QuotaNames.MediaBytesPerSecond, null, 4);
        Assert.Equal(1UL, responses[^1].Stats.AsksRefused);
        Assert.Equal(1UL, responses[^1].Stats.MediaMessagesRefused);
        Assert.Equal(2UL, responses[^1].Stats.AudioChunksAccepted);
        var metrics = _server.Services.GetRequiredService<TrustMetrics>();
        Assert.Equal(1, metrics.QuotaRefusals(QuotaNames.AsksPerSecond, null));
        Assert.Equal(1, metrics.QuotaRefusals(QuotaNames.MediaBytesPerSecond, null));
    }
}
