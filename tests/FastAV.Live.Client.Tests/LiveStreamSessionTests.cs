using FastAV.Live.Contracts.V1;
using Grpc.Core;
using FastAV.Live.Media;

namespace FastAV.Live.Client.Tests;

/// <summary>The duplex session: concurrent senders are serialized, one reader at a time, sends after completion refused.</summary>
public sealed class LiveStreamSessionTests
{
    [Fact]
    public async Task Sends_from_many_tasks_all_arrive_and_are_counted()
    {
        await using var server = await LoopbackServer.StartAsync();
        using var client = server.CreateClient();
        using var source = MediaSource.Open(TestClips.Clip);
        var packets = new MediaPackets();
        var frames = new List<StreamRequest>();
        while (source.ReadPacket() is { } packet)
        {
            if (packet is VideoPacket)
            {
                frames.Add(packets.ToRequest(packet));
            }
        }

        await using var session = await client.OpenStreamAsync(
            LiveAnalyticsClientTests.OpenFor("many", source.Info with { AudioCodec = Media.AudioCodec.Unspecified }), TimeSpan.FromSeconds(30));
        // Four senders, five rounds each of the first three frames: 60 frames whose pts stay within the reordering tolerance.
        var senders = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            for (var round = 0; round < 5; round++)
            {
                foreach (var frame in frames.Take(3))
                {
                    await session.SendAsync(frame);
                }
            }
        }));
        await Task.WhenAll(senders);
        await session.CompleteAsync();
        await session.CompleteAsync(); // idempotent
        var responses = await LiveAnalyticsClientTests.ReadAllAsync(session);

        Assert.Equal(60, session.RequestsSent);
        Assert.Equal(60UL, responses[^1].Stats.VideoFramesAccepted);
        Assert.Equal(61UL, responses[^1].Stats.RequestsReceived);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => session.SendAsync(frames[0]));
    }

    [Fact]
    public async Task A_second_concurrent_reader_is_refused_and_arguments_are_checked()
    {
        await using var server = await LoopbackServer.StartAsync("--LiveAnalytics:StatsInterval", "01:00:00");
        using var client = server.CreateClient();
        await using var session = await client.OpenStreamAsync(new StreamOpen { StreamId = "one-reader", Video = LiveAnalyticsClientTests.H264Track() });
        await using var first = session.ReadResponsesAsync().GetAsyncEnumerator();
        var pending = first.MoveNextAsync();
        await using var second = session.ReadResponsesAsync().GetAsyncEnumerator();
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await second.MoveNextAsync());

        await Assert.ThrowsAsync<ArgumentNullException>(() => session.SendVideoAsync(null!));
        await Assert.ThrowsAsync<ArgumentNullException>(() => session.AskAsync(null!));
        await Assert.ThrowsAsync<ArgumentNullException>(() => client.OpenStreamAsync(null!));
        await session.CompleteAsync();
        Assert.True(await pending); // the final stats
        Assert.True(first.Current.Stats.Final);
        Assert.False(await first.MoveNextAsync());
        Assert.Equal(StatusCode.OK, session.TryGetStatus()?.StatusCode);
    }
}
