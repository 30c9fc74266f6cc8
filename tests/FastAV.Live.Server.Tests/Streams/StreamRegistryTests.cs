using FastAV.Live.Contracts.V1;
using Grpc.Core;
using Grpc.Net.Client;
using FastAV.Live.Server.Streams;
using Microsoft.Extensions.Options;

namespace FastAV.Live.Server.Tests.Streams;

public sealed class StreamRegistryTests
{
    private static StreamRegistry Registry(int max = 64) =>
        new(Options.Create(new LiveAnalyticsOptions { MaxConcurrentStreams = max }), TimeProvider.System);

    [Fact]
    public void A_live_id_cannot_be_opened_twice_until_closed()
    {
        var registry = Registry();
        Assert.Equal(StatusCode.OK, registry.TryOpen(StreamMessages.Open("a"), "peer", out var first).StatusCode);
        var again = registry.TryOpen(StreamMessages.Open("a"), "peer", out var none);
        Assert.Equal((StatusCode.AlreadyExists, "StreamOpen.stream_id: stream 'a' is already live"), (again.StatusCode, again.Detail));
        Assert.Null(none);
        Assert.True(registry.Close(first!));
        Assert.False(registry.Close(first!));
        Assert.Equal(StatusCode.OK, registry.TryOpen(StreamMessages.Open("a"), "peer", out _).StatusCode);
    }

    [Fact]
    public void Ids_are_case_sensitive()
    {
        var registry = Registry();
        Assert.Equal(StatusCode.OK, registry.TryOpen(StreamMessages.Open("Cam"), "p", out _).StatusCode);
        Assert.Equal(StatusCode.OK, registry.TryOpen(StreamMessages.Open("cam"), "p", out _).StatusCode);
        Assert.Equal(2, registry.Count);
    }

    [Fact]
    public void Closing_an_old_instance_does_not_remove_its_successor()
    {
        var registry = Registry();
        registry.TryOpen(StreamMessages.Open("a"), "p", out var first);
        registry.Close(first!);
        registry.TryOpen(StreamMessages.Open("a"), "p", out var second);
        Assert.False(registry.Close(first!));
        Assert.Same(second, registry.Find("a"));
    }

    [Fact]
    public void The_limit_gives_resource_exhausted_and_frees_on_close()
    {
        var registry = Registry(max: 2);
        registry.TryOpen(StreamMessages.Open("a"), "p", out var a);
        registry.TryOpen(StreamMessages.Open("b"), "p", out _);
        var full = registry.TryOpen(StreamMessages.Open("c"), "p", out _);
        Assert.Equal(StatusCode.ResourceExhausted, full.StatusCode);
        Assert.StartsWith("StreamOpen: quota max_streams of the server exceeded: the server already has 2 live streams", full.Detail, StringComparison.Ordinal);
        registry.Close(a!);
        Assert.Equal(StatusCode.OK, registry.TryOpen(StreamMessages.Open("c"), "p", out _).StatusCode);
    }

    [Fact]
    public async Task Racing_opens_of_one_id_admit_exactly_one()
    {
        var registry = Registry(max: 1000);
        var statuses = await Task.WhenAll(Enumerable.Range(0, 64).Select(i => Task.Run(() => registry.TryOpen(StreamMessages.Open("same"), "p", out var ignored).StatusCode)));
        Assert.Equal(1, statuses.Count(s => s == StatusCode.OK));
        Assert.Equal(63, statuses.Count(s => s == StatusCode.AlreadyExists));
    }

    [Fact]
    public async Task Racing_opens_never_exceed_the_limit()
    {
        var registry = Registry(max: 10);
        var statuses = await Task.WhenAll(Enumerable.Range(0, 100).Select(i => Task.Run(() => registry.TryOpen(StreamMessages.Open($"s{i}"), "p", out _).StatusCode)));
        Assert.Equal(10, statuses.Count(s => s == StatusCode.OK));
        Assert.Equal(10, registry.Count);
    }

    [Fact]
    public void List_filters_by_prefix_orders_ordinally_and_pages_after_a_token()
    {
        var registry = Registry();
        foreach (var id in new[] { "cam-b", "cam-a", "Cam-z", "mic-1", "cam-c" })
        {
            registry.TryOpen(StreamMessages.Open(id), "p", out _);
        }

        Assert.Equal(["Cam-z", "cam-a", "cam-b", "cam-c", "mic-1"], registry.List("", "", 100, out var total).Select(s => s.Id));
        Assert.Equal(5, total);
        Assert.Equal(["cam-b", "cam-c"], registry.List("cam-", "cam-a", 100, out total).Select(s => s.Id));
        Assert.Equal(3, total);
        Assert.Equal(["cam-a"], registry.List("cam-", "", 1, out _).Select(s => s.Id));
        Assert.Empty(registry.List("cam-", "cam-c", 10, out _));
    }

    [Fact]
    public void Settings_fill_in_the_defaults()
    {
        var options = new LiveAnalyticsOptions();
        var open = StreamMessages.Open();
        var settings = StreamSettings.Resolve(open, options);
        Assert.Equal(PruningPolicy.Fastav, settings.Pruning.Policy);
        Assert.Equal(0.2f, settings.Pruning.FineDropRatio);
        Assert.Equal(KvEvictionPolicy.StreamingLlm, settings.KvCache.Eviction);
        Assert.Equal((16_384u, 4u, 16_380u), (settings.KvCache.MaxTokensPerLayer, settings.KvCache.SinkTokens, settings.KvCache.RecentTokens));
        Assert.Equal(1000u, settings.WindowMs);

        open.Pruning = new PruningConfig { Policy = PruningPolicy.Fastav, FineDropRatio = 0f };
        open.KvCache = new KvCacheConfig { Eviction = KvEvictionPolicy.A2Sf, MaxTokensPerLayer = 64 };
        open.WindowMs = 250;
        settings = StreamSettings.Resolve(open, options);
        Assert.True(settings.Pruning.HasFineDropRatio);
        Assert.Equal(0f, settings.Pruning.FineDropRatio);
        Assert.Equal((64u, 0.9f, 0u), (settings.KvCache.MaxTokensPerLayer, settings.KvCache.ForgettingFactor, settings.KvCache.SinkTokens));
        Assert.Equal(250u, settings.WindowMs);
        Assert.Equal(0u, open.KvCache.BlockTokens);   // the request itself is never changed
    }
}
