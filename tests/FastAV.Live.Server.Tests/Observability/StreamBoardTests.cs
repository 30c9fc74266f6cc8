using FastAV.Live.Contracts.V1;
using FastAV.Live.Server.Observability;
using FastAV.Live.Server.Streams;
using Microsoft.Extensions.Options;

namespace FastAV.Live.Server.Tests.Observability;

/// <summary>The dashboard's per-stream records are kept by the engine's name for a stream, so two tenants' cam-1 stay apart.</summary>
public sealed class StreamBoardTests
{
    [Fact]
    public void Two_tenants_streams_of_one_id_are_two_observations_found_by_the_engines_name()
    {
        var board = new StreamBoard(Options.Create(new DashboardOptions()));
        var a = Stream("site-a", "cam-1");
        var b = Stream("site-b", "cam-1");
        board.Opened(a, default);
        board.Opened(b, default);

        Assert.Equal([a, b], board.Live().Select(o => o.Stream));
        Assert.Same(a, board.Find("site-a/cam-1")!.Stream);
        Assert.Same(b, board.Find("site-b/cam-1")!.Stream);
        board.Find("site-b/cam-1")!.WindowPrefilled(0, 1000, 4000, 10, 10);
        Assert.Equal((1000L, 0L), (board.Find("site-b/cam-1")!.KvBytes, board.Find("site-a/cam-1")!.KvBytes));

        board.Closed(a);
        Assert.Equal([b], board.Live().Select(o => o.Stream));

        // A server without a tenants file: the engine names a stream by its id alone.
        var open = Stream(FastAV.Live.Server.Tenants.Tenant.DefaultName, "door");
        board.Opened(open, default);
        Assert.Same(open, board.Find("door")!.Stream);
    }

    private static LiveStream Stream(string tenant, string id)
    {
        var request = new StreamOpen { StreamId = id };
        return new LiveStream(request, StreamSettings.Resolve(request, new LiveAnalyticsOptions()), "test", DateTimeOffset.UnixEpoch, 0, tenant);
    }
}
